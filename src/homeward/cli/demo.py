"""``homeward demo``: the 2025 Istanbul exchange, or the whole programme, on synthetic people."""

from __future__ import annotations

import time
from pathlib import Path

import click
from sqlalchemy import func, select

from homeward.adapters.cosigner_dir import CosignerDir
from homeward.bootstrap import Workspace, fixed_passphrase
from homeward.cli.workspace import workspace_for
from homeward.domain.values import Side
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
    from homeward.services.accounts import create_demo_users
    from homeward.services.demo import run_demo, start_demo_cosigners

    settings = settings.for_workspace(out)
    # The demo's keys are locked with HOMEWARD_KEY_PASSPHRASE, else the demo passphrase.
    with workspace_for(settings, fixed_passphrase(settings)) as workspace:
        _refuse_filled(workspace)
        mediator = workspace.signers.mediator(create=True)
        started = time.perf_counter()
        cosigners = start_demo_cosigners(
            out / "parties", workspace.engine, mediator, settings.ledger_origin
        )
        for side, cosigner in cosigners.dirs.items():
            click.echo(f"  {side.value}'s cosigner: {cosigner.path} ({cosigner.verifier().text()})")
        try:
            if programme:
                run_programme_demo(workspace, seed, out, cosigners.dirs)
                return
            result = run_demo(
                seed,
                out,
                workspace.engine,
                workspace.events,
                mediator,
                cosigners.dirs,
                settings.ledger_origin,
                model_path=workspace.matcher.model_path,
                say=lambda line: click.echo(f"  {line}"),
                until=until,
                code_key=load_or_create(settings.keys_dir),
            )
            logins = create_demo_users(workspace.engine, workspace.hasher)
        finally:
            cosigners.close()
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


def _refuse_filled(workspace: Workspace) -> None:
    """Nothing is deleted: a workspace that holds anything at all is refused as it is."""
    from homeward.adapters.schema import metadata

    with workspace.engine.connect() as conn:
        filled = [
            table.name
            for table in metadata.sorted_tables
            if conn.execute(select(func.count()).select_from(table)).scalar_one()
        ]
    if filled:
        raise click.ClickException(
            f"the database at {workspace.settings.database_url} is not empty (it holds "
            f"{', '.join(filled)}); the demo needs a fresh one: choose another --out folder"
        )


def run_programme_demo(
    workspace: Workspace, seed: int, out: Path, parties: dict[Side, CosignerDir]
) -> None:
    """``--programme``: the three rounds into the workspace; prints each round and the
    cumulative totals."""
    from homeward.adapters.checkin_secret import load_or_create
    from homeward.services.accounts import create_demo_users
    from homeward.services.demo_programme import run_programme

    started = time.perf_counter()
    result = run_programme(
        seed,
        out,
        workspace.engine,
        workspace.events,
        workspace.signers.mediator(),
        parties,
        workspace.settings.ledger_origin,
        model_path=workspace.matcher.model_path,
        say=lambda line: click.echo(f"  {line}"),
        code_key=load_or_create(workspace.settings.keys_dir),
    )
    _write_logins(out, create_demo_users(workspace.engine, workspace.hasher))
    summary = result.summary
    click.echo(f"\nthe 2025 programme  ({time.perf_counter() - started:.1f} s)")
    for r in summary["rounds"]:
        totals = "   ".join(f"{side}: {c['total']}" for side, c in r["totals"].items())
        click.echo(
            f"  round {r['round']} {r['name']}: {len(r['tranches'])} tranches   {totals}   "
            f"exceptions: {len(r['exceptions'])}"
        )
    cumulative = summary["cumulative"]
    click.echo(
        "  all rounds: "
        + "   ".join(f"{side}: {n}" for side, n in cumulative["released_by"].items())
    )
    for side, v in cumulative["sought_recovered"].items():
        click.echo(f"  {side} recovered {v['recovered']} of {v['sought']} sought")
    click.echo(
        f"\nwrote {out / 'summary.json'}, {out / 'bulletin.json'}, {out / 'report.html'}, "
        f"{out / 'report.pdf'}, {out / 'ledger'}/ ({result.ledger_entries} log entries)"
    )
