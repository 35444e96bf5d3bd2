"""``homeward demo`` and ``homeward serve``."""

from __future__ import annotations

import time
from pathlib import Path

import click
from sqlalchemy import func, select

from homeward.settings import Settings


@click.command()
@click.option("--seed", type=int, default=1, show_default=True, help="Scenario seed.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Workspace folder to create (database DIR/homeward.db unless HOMEWARD_DATABASE_URL).",
)
@click.option(
    "--until",
    type=click.Choice(["planned", "released"]),
    default="released",
    show_default=True,
    help="planned: stop once the exchange is planned and checkpointed, nobody handed over "
    "(a training workspace for the crossing).",
)
@click.option(
    "--programme",
    is_flag=True,
    help="Replay the three 2025 Istanbul rounds (1,000 for 1,000; all for all by category "
    "in stages; 1,200 for 1,200) with carry-over between them.",
)
@click.pass_obj
def demo(settings: Settings, seed: int, out: Path, until: str, programme: bool = False) -> None:
    """Replay the Istanbul 2025 exchange (1,000 for 1,000 over three days) on synthetic people."""
    from homeward.adapters.checkin_secret import load_or_create
    from homeward.adapters.schema import metadata
    from homeward.bootstrap import open_workspace
    from homeward.services.demo import run_demo, start_demo_cosigners
    from homeward.services.ledger_events import LedgerEventSink
    from homeward.services.signing import ensure_mediator_key, load_mediator

    settings = settings.for_workspace(out)
    # Nothing is deleted: a workspace that holds anything at all is refused as it is.
    workspace = open_workspace(settings)
    with workspace.engine.connect() as conn:
        filled = [
            table.name
            for table in metadata.sorted_tables
            if conn.execute(select(func.count()).select_from(table)).scalar_one()
        ]
    if filled:
        workspace.close()
        raise click.ClickException(
            f"the database at {settings.database_url} is not empty (it holds "
            f"{', '.join(filled)}); the demo needs a fresh one: choose another --out folder"
        )
    passphrase = settings.passphrase
    ensure_mediator_key(settings.keys_dir, passphrase)
    mediator = load_mediator(settings.keys_dir, passphrase)
    started = time.perf_counter()
    cosigners = start_demo_cosigners(
        out / "parties", workspace.engine, mediator, settings.ledger_origin
    )
    for side, cosigner in cosigners.dirs.items():
        click.echo(f"  {side.value}'s cosigner: {cosigner.path} ({cosigner.verifier().text()})")
    if programme:
        from homeward.cli_programme import run_programme_demo

        try:
            run_programme_demo(settings, workspace.engine, seed, out, mediator, cosigners.dirs)
        finally:
            cosigners.close()
            workspace.close()
        return
    try:
        result = run_demo(
            seed,
            out,
            workspace.engine,
            LedgerEventSink(),
            mediator,
            cosigners.dirs,
            settings.ledger_origin,
            model_path=settings.model_path,
            say=lambda line: click.echo(f"  {line}"),
            until=until,
            code_key=load_or_create(settings.keys_dir),
        )
        from homeward.services.accounts import create_demo_users

        logins = create_demo_users(workspace.engine)
    finally:
        cosigners.close()
        workspace.close()
    _write_logins(out, logins)
    summary = result.summary
    click.echo(f"\n{summary['agreement']['name']}  ({time.perf_counter() - started:.1f} s)")
    for tranche in summary["tranches"]:
        cells = "   ".join(
            f"{side}: {c['total']} ({c['military']} military, {c['civilian']} civilian)"
            for side, c in tranche["released_by"].items()
        )
        click.echo(f"  day {tranche['day']} {tranche['date']}   {cells}")
    totals = "   ".join(f"{side}: {c['total']}" for side, c in summary["totals"].items())
    click.echo(f"  total                {totals}")
    if summary["exceptions"]:
        click.echo(f"  exceptions: {len(summary['exceptions'])}, each rebalanced:")
    for e in summary["exceptions"]:
        click.echo(
            f"    day {e['day']} {e['side']} {e['category']}: {e['exception']} -> {e['resolution']}"
        )
    for side, v in summary["sought_recovered"].items():
        share = 100 * v["recovered"] / v["sought"] if v["sought"] else 0.0
        click.echo(f"  {side} recovered {v['recovered']} of {v['sought']} sought ({share:.1f}%)")
    click.echo(
        f"\nwrote {out / 'summary.json'}, {out / 'report.html'}, {out / 'ledger'}/ "
        f"({result.ledger_entries} log entries)"
    )
    click.echo(f"demo logins (also in {out / LOGINS_FILE}):")
    click.echo(_logins_text(logins))


LOGINS_FILE = "demo-logins.txt"


def _logins_text(logins: list[tuple[str, str, str]]) -> str:
    return "\n".join(f"  {role:<31} {user:<17} {password}" for role, user, password in logins)


def _write_logins(out: Path, logins: list[tuple[str, str, str]]) -> None:
    path = out / LOGINS_FILE
    path.write_text(_logins_text(logins) + "\n", encoding="utf-8")
    path.chmod(0o600)


@click.command()
@click.option("--workspace", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes (more than 1: the schema must be current, see `homeward db upgrade`).",
)
@click.pass_obj
def serve(settings: Settings, workspace: Path, host: str, port: int, workers: int) -> None:
    """Serve the web application on a workspace."""
    import os

    import uvicorn

    from homeward.adapters.migrate import SchemaBehind
    from homeward.bootstrap import open_for_serving
    from homeward.web.app import create_app, load_secret

    settings = settings.for_workspace(workspace)
    try:
        opened = open_for_serving(settings, workers)
    except SchemaBehind as exc:
        raise click.ClickException(str(exc)) from None
    load_secret(settings)  # made once here, before any worker starts: all share it
    logins = workspace / LOGINS_FILE
    if logins.exists():
        click.echo("demo logins (role, username, password):")
        click.echo(logins.read_text(encoding="utf-8").rstrip())
    click.echo(f"homeward is serving {workspace} at http://{host}:{port}/ ({workers} processes)")
    # X-Forwarded-For is read by the app itself, from HOMEWARD_TRUSTED_PROXIES only: uvicorn
    # would otherwise believe it from any local peer.
    if workers == 1:
        app = create_app(settings, opened.engine)  # secret: keys/web-secret.key
        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
        return
    opened.close()
    # The workers import homeward.web.asgi:app, which reads these from the environment.
    os.environ["HOMEWARD_WORKSPACE"] = str(workspace.resolve())
    os.environ["HOMEWARD_DATABASE_URL"] = settings.database_url
    uvicorn.run(
        "homeward.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=False,
    )
