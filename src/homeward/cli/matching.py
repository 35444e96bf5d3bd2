"""``homeward match``: match a request list against a registry, file to file."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import click
from tqdm import tqdm

from homeward.adapters.personfile import PersonFileError, RowResult, read_person_file
from homeward.adapters.spreadsheet import neutralise
from homeward.bootstrap import Workspace
from homeward.cli.workspace import with_workspace
from homeward.domain.person import PersonRecord
from homeward.domain.validation import UNNAMED_PREFIX, parse_person_row
from homeward.matching.decide import MatchResult, Thresholds
from homeward.matching.engine import (
    BACKENDS,
    FeatureTable,
    features,
    match_features_lists,
    registry_columns,
    registry_table,
    train_model,
)

OUTPUT_HEADER = ("request_id", "record_id", "probability", "decision")


class MalformedFile(click.ClickException):
    exit_code = 2


# The fields the matching reads; a value it cannot read elsewhere is only a warning.
MATCHED_FIELDS = frozenset(
    {"record_id", "surname", "given_name", "patronymic", "sex", "date_of_birth"}
    | {"service_number", "unit", "document_number", "row"}
)


def read_records(path: Path, bar: tqdm) -> list[PersonRecord]:  # type: ignore[type-arg]
    """Every record of ``path``, field values read through the uk/ru/en mapping.

    A bad value in a field the matching reads (names, birth date, sex, numbers) stops with
    exit 2, naming file, line and field. One in a field it does not read (status, category,
    health, ...) is dropped from the record and counted in a warning on stderr.
    """
    records: list[PersonRecord] = []
    ignored: Counter[str] = Counter()
    examples: dict[str, str] = {}
    try:
        for row in read_person_file(path):
            bar.update(1)
            record = row.record
            if record is None:
                record = _without_unread_fields(row, ignored, examples)
            if record is None:
                reasons = "; ".join(str(e) for e in row.errors)
                raise MalformedFile(f"{path}:{row.line}: {reasons}")
            records.append(record)
    except PersonFileError as exc:
        raise MalformedFile(str(exc)) from None
    for name, count in sorted(ignored.items()):
        click.echo(
            f"warning: {path}: {count} rows with a {name} value homeward does not read "
            f"(e.g. {examples[name]}); matching does not use {name}, so it was ignored",
            err=True,
        )
    return records


def _without_unread_fields(
    row: RowResult, ignored: Counter[str], examples: dict[str, str]
) -> PersonRecord | None:
    """The record without the unreadable fields matching does not use, or None."""
    fields = {e.field for e in row.errors}
    if not fields or fields & MATCHED_FIELDS:
        return None
    kept = {
        k: v for k, v in row.raw.items() if k not in fields and not k.startswith(UNNAMED_PREFIX)
    }
    record, errors = parse_person_row(kept)
    if record is None or errors:
        return None
    for error in row.errors:
        ignored[error.field] += 1
        examples.setdefault(error.field, error.reason)
    return record


def read_registry(path: Path) -> FeatureTable:
    """The registry's features. A clean UTF-8 CSV is read and checked column by column
    (``personfile_columns``, seconds for a million rows); any other file, or one with
    anything to report, goes row by row through ``read_records``, which reports it."""
    from homeward.adapters.personfile_columns import read_clean_csv  # pyarrow: load on use

    clean = read_clean_csv(path, MATCHED_FIELDS)
    if clean is not None:
        return registry_columns(clean)
    with tqdm(desc="reading", unit=" rows", file=sys.stderr, leave=False) as bar:
        return registry_table(read_records(path, bar))


def write_results(path: Path, results: list[MatchResult]) -> None:
    """The output CSV; ids that would run as spreadsheet formulas are written as text."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(OUTPUT_HEADER)
        for r in results:
            writer.writerow(
                (
                    neutralise(r.request_id),
                    neutralise(r.record_id or ""),
                    f"{r.probability:.6f}",
                    r.decision.value,
                )
            )


@click.group("match", invoke_without_command=True)
@click.option("--registry", "registry_path",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Person file (CSV, XLSX, JSON) of the records to search.")  # fmt: skip
@click.option("--requests", "requests_path",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Person file of the people sought.")  # fmt: skip
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV written: request_id,record_id,probability,decision.")  # fmt: skip
@click.option("--model", "model_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Saved Splink model (JSON); default: the model shipped with homeward. "
              "Trained on these inputs and saved there if the file does not exist.")  # fmt: skip
@click.option("--match-threshold", default=Thresholds().match, show_default=True, type=float)
@click.option("--review-threshold", default=Thresholds().review, show_default=True, type=float)
@click.option("--backend", default="duckdb", show_default=True, type=click.Choice(BACKENDS))
@click.pass_context
def match_command(
    ctx: click.Context,
    registry_path: Path | None,
    requests_path: Path | None,
    out_path: Path | None,
    model_path: Path | None,
    match_threshold: float,
    review_threshold: float,
    backend: str,
) -> None:
    """Match every request to its best registry record: match, review or no_match.

    Exactly one output row per request. A malformed input fails before any work, naming
    the file, line and field (exit status 2); values in Ukrainian, Russian or English are
    read (docs/formats.md), and an unreadable value in a column matching does not use
    (status, category, health, ...) is a warning with a count, not a failure.
    ``homeward match train`` trains the workspace's own model, which the web app uses.
    """
    if ctx.invoked_subcommand is not None:
        return
    for name, value in (("--registry", registry_path), ("--requests", requests_path),
                        ("--out", out_path)):  # fmt: skip
        if value is None:
            raise click.UsageError(f"Missing option '{name}'.", ctx)
    assert registry_path is not None
    assert requests_path is not None
    assert out_path is not None
    try:
        thresholds = Thresholds(match_threshold, review_threshold)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    reg_features = read_registry(registry_path)
    with tqdm(desc="reading", unit=" rows", file=sys.stderr, leave=False) as bar:
        requests = read_records(requests_path, bar)
    req_features = features(requests)
    if model_path is not None and not model_path.exists() and len(reg_features) and requests:
        with tqdm(total=1, desc="training", file=sys.stderr, leave=False) as bar:
            train_model(model_path, reg_features, req_features)
            bar.update(1)
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


match = match_command


@match_command.command("train")
@with_workspace
def train_command(workspace: Workspace) -> None:
    """Train the workspace's matching model on the lists the parties submitted to the
    mediator and save it (HOMEWARD_WORKSPACE/match-model.json), replacing any older one.

    Matching in the web app only loads this model: run this once the first lists are in,
    and again to retrain on newer lists.
    """
    from homeward.services.match_model import train_workspace_model

    trained = train_workspace_model(workspace.engine, workspace.matcher)
    click.echo(
        f"trained on {trained.seeker.value}'s {trained.requests} sought against "
        f"{trained.records} records ({trained.purpose}) -> {workspace.matcher.model_path}"
    )
