"""``homeward match``: match a request list against a registry, file to file."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from tqdm import tqdm

from homeward.adapters.personfile import PersonFileError, read_person_file
from homeward.domain.person import PersonRecord
from homeward.matching.decide import MatchResult, Thresholds
from homeward.matching.engine import BACKENDS, features, match_features_lists, registry_table

OUTPUT_HEADER = ("request_id", "record_id", "probability", "decision")


class MalformedFile(click.ClickException):
    exit_code = 2


def read_records(path: Path, bar: tqdm) -> list[PersonRecord]:  # type: ignore[type-arg]
    """Every record of ``path``; the first bad row (file, line, field) stops with exit 2."""
    records: list[PersonRecord] = []
    try:
        for row in read_person_file(path):
            bar.update(1)
            if row.record is None:
                reasons = "; ".join(str(e) for e in row.errors)
                raise MalformedFile(f"{path}:{row.line}: {reasons}")
            records.append(row.record)
    except PersonFileError as exc:
        raise MalformedFile(str(exc)) from None
    return records


def write_results(path: Path, results: list[MatchResult]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(OUTPUT_HEADER)
        for r in results:
            writer.writerow(
                (r.request_id, r.record_id or "", f"{r.probability:.6f}", r.decision.value)
            )


@click.command("match")
@click.option("--registry", "registry_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Person file (CSV, XLSX, JSON) of the records to search.")  # fmt: skip
@click.option("--requests", "requests_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Person file of the people sought.")  # fmt: skip
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV written: request_id,record_id,probability,decision.")  # fmt: skip
@click.option("--model", "model_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Saved Splink model (JSON); default: the model shipped with homeward. "
              "Trained on these inputs and saved there if the file does not exist.")  # fmt: skip
@click.option("--match-threshold", default=Thresholds().match, show_default=True, type=float)
@click.option("--review-threshold", default=Thresholds().review, show_default=True, type=float)
@click.option("--backend", default="duckdb", show_default=True, type=click.Choice(BACKENDS))
def match_command(
    registry_path: Path,
    requests_path: Path,
    out_path: Path,
    model_path: Path | None,
    match_threshold: float,
    review_threshold: float,
    backend: str,
) -> None:
    """Match every request to its best registry record: match, review or no_match.

    Exactly one output row per request. A malformed input fails before any work, naming
    the file, line and field (exit status 2).
    """
    try:
        thresholds = Thresholds(match_threshold, review_threshold)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    with tqdm(desc="reading", unit=" rows", file=sys.stderr, leave=False) as bar:
        registry = read_records(registry_path, bar)
        requests = read_records(requests_path, bar)
    with tqdm(total=len(registry) + len(requests), desc="normalising", unit=" names",
              file=sys.stderr, leave=False) as bar:  # fmt: skip
        reg_features = registry_table(registry)
        bar.update(len(registry))
        req_features = features(requests)
        bar.update(len(requests))
    with tqdm(total=1, desc="linking", file=sys.stderr, leave=False) as bar:
        results = match_features_lists(reg_features, req_features, model_path, thresholds, backend)
        bar.update(1)
    write_results(out_path, results)
    counts = {d: sum(r.decision == d for r in results) for d in ("match", "review", "no_match")}
    click.echo(
        f"{len(results)} requests: {counts['match']} match, {counts['review']} review, "
        f"{counts['no_match']} no_match -> {out_path}",
        err=True,
    )


match = match_command  # the name homeward.cli registers
