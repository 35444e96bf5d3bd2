"""``homeward demo --programme``: run the three rounds and print what each one did."""

from __future__ import annotations

import time
from pathlib import Path

import click
from sqlalchemy import Engine

from homeward.settings import Settings


def run_programme_demo(
    settings: Settings, engine: Engine, seed: int, out: Path, passphrase: str
) -> None:
    """The programme demo into ``engine``; prints each round and the cumulative totals."""
    from homeward.cli_demo import _write_logins
    from homeward.services.accounts import create_demo_users
    from homeward.services.demo_programme import run_programme
    from homeward.services.ledger_events import LedgerEventSink
    from homeward.services.signing import load_signers

    started = time.perf_counter()
    result = run_programme(
        seed,
        out,
        engine,
        LedgerEventSink(),
        load_signers(settings.keys_dir, passphrase),
        settings.ledger_origin,
        model_path=settings.model_path,
        say=lambda line: click.echo(f"  {line}"),
    )
    _write_logins(out, create_demo_users(engine))
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
