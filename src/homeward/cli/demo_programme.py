"""``homeward demo --programme``: run the three rounds and print what each one did."""

from __future__ import annotations

import time
from pathlib import Path

import click
from sqlalchemy import Engine

from homeward.adapters.cosigner_dir import CosignerDir
from homeward.domain.values import Side
from homeward.ledger.note import Signer
from homeward.settings import Settings


def run_programme_demo(
    settings: Settings,
    engine: Engine,
    seed: int,
    out: Path,
    mediator: Signer,
    parties: dict[Side, CosignerDir],
) -> None:
    """The programme demo into ``engine``; prints each round and the cumulative totals."""
    from homeward.adapters.checkin_secret import load_or_create
    from homeward.cli_demo import _write_logins
    from homeward.services.accounts import create_demo_users
    from homeward.services.demo_programme import run_programme
    from homeward.services.ledger_events import LedgerEventSink

    started = time.perf_counter()
    result = run_programme(
        seed,
        out,
        engine,
        LedgerEventSink(),
        mediator,
        parties,
        settings.ledger_origin,
        model_path=settings.model_path,
        say=lambda line: click.echo(f"  {line}"),
        code_key=load_or_create(settings.keys_dir),
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
