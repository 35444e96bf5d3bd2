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
    "--programme",
    is_flag=True,
    help="Replay the three 2025 Istanbul rounds (1,000 for 1,000; all for all by category "
    "in stages; 1,200 for 1,200) with carry-over between them.",
)
@click.pass_obj
def demo(settings: Settings, seed: int, out: Path, programme: bool = False) -> None:
    """Replay the Istanbul 2025 exchange (1,000 for 1,000 over three days) on synthetic people."""
    from homeward.adapters.tables_registry import persons
    from homeward.bootstrap import open_workspace
    from homeward.services.demo import run_demo
    from homeward.services.ledger_events import LedgerEventSink
    from homeward.services.signing import ensure_keys, load_signers

    settings = settings.for_workspace(out)
    if settings.database_url.startswith("sqlite:///"):
        db_file = Path(settings.database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    workspace = open_workspace(settings)
    with workspace.engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(persons)).scalar_one():
            raise click.ClickException(
                f"the database at {settings.database_url} is not empty; the demo needs a fresh one"
            )
    passphrase = settings.passphrase
    ensure_keys(settings.keys_dir, passphrase)
    started = time.perf_counter()
    if programme:
        from homeward.cli_programme import run_programme_demo

        try:
            run_programme_demo(settings, workspace.engine, seed, out, passphrase)
        finally:
            workspace.close()
        return
    try:
        result = run_demo(
            seed,
            out,
            workspace.engine,
            LedgerEventSink(),
            load_signers(settings.keys_dir, passphrase),
            settings.ledger_origin,
            model_path=settings.model_path,
            say=lambda line: click.echo(f"  {line}"),
        )
        from homeward.services.accounts import create_demo_users

        logins = create_demo_users(workspace.engine)
    finally:
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
@click.pass_obj
def serve(settings: Settings, workspace: Path, host: str, port: int) -> None:
    """Serve the web application on a workspace."""
    import uvicorn

    from homeward.bootstrap import open_workspace
    from homeward.web.app import create_app

    settings = settings.for_workspace(workspace)
    opened = open_workspace(settings)
    app = create_app(settings, opened.engine)  # secret: keys/web-secret.key
    logins = workspace / LOGINS_FILE
    if logins.exists():
        click.echo("demo logins (role, username, password):")
        click.echo(logins.read_text(encoding="utf-8").rstrip())
    click.echo(f"homeward is serving {workspace} at http://{host}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="warning")
