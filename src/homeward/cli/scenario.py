"""``homeward scenario``: synthetic scenarios and benchmark files (synthetic people only)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from homeward.scenario.presets import PRESETS
from homeward.scenario.writers import FORMATS


@click.group("scenario")
def scenario() -> None:
    """Synthetic registries for demos, tests and benchmarks. No real person is in them."""


@scenario.command("generate")
@click.option(
    "--preset",
    type=click.Choice(sorted(PRESETS)),
    default="istanbul-2025",
    show_default=True,
    help="Sizes and shapes of the registries.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same files.")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the files; created if missing.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="csv",
    show_default=True,
    help="Format of the four registries (truth.csv is always CSV).",
)
def generate(preset: str, seed: int, out: Path, fmt: str) -> None:
    """Write ua_holdings, ru_holdings, ua_sought, ru_sought, truth.csv and scenario.json.

    truth.csv links sought rows to the holdings rows of the same person, for scoring
    matching; never import it.
    """
    from homeward.scenario.generate import generate_scenario
    from homeward.scenario.writers import write_scenario

    result = generate_scenario(preset, seed)
    paths = write_scenario(result, out, fmt)
    for key, records in result.files.items():
        click.echo(f"{paths[key]}: {len(records)} rows")
    click.echo(f"{paths['truth']}: {len(result.truth)} links (for scoring only; do not import)")
    acknowledged = json.dumps(result.acknowledged(), sort_keys=True)
    click.echo(f"held and sought by their own side: {acknowledged}")


@scenario.command("rows")
@click.option("--count", type=click.IntRange(min=0), default=1000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; its suffix must match --format.",
)
@click.option(
    "--bad-share",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Share of rows malformed on purpose (quarantine tests), spread evenly.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="csv, xlsx or json; default: from the suffix of --out.",
)
def rows(count: int, seed: int, out: Path, bad_share: float, fmt: str | None) -> None:
    """Stream COUNT plausible person rows to a file, for the import benchmark."""
    from homeward.scenario.rows import BENCH_HEADER, RowStats, iter_bench_rows
    from homeward.scenario.writers import write_table

    suffix = out.suffix.lower().lstrip(".")
    fmt = fmt or suffix
    if fmt not in FORMATS:
        raise click.BadParameter(
            f"use a .csv, .xlsx or .json file, not {out.name}", param_hint="--out"
        )
    if suffix != fmt:
        raise click.BadParameter(f"{out.name} does not end in .{fmt}", param_hint="--out")
    stats = RowStats()
    started = time.perf_counter()
    write_table(BENCH_HEADER, iter_bench_rows(count, seed, bad_share, fmt, stats), out)
    seconds = time.perf_counter() - started
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(stats.by_kind.items())) or "none"
    click.echo(f"{out}: {stats.rows} rows, {stats.bad} malformed ({kinds}) in {seconds:.1f} s")
