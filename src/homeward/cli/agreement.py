"""``homeward agreement check``, ``homeward plan`` and ``homeward manifest``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from homeward.bootstrap import Workspace
from homeward.cli.workspace import with_workspace
from homeward.planning import (
    Category,
    Plan,
    Terms,
    TermsCannotBeMetError,
    TermsFileError,
    load_terms,
    terms_problems,
    terms_to_canonical,
)

SIDE_CHOICE = click.Choice(["UA", "RU"])


def _dash(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def terms_summary(terms: Terms) -> list[str]:
    """The terms in a few lines a negotiator can check against what was agreed."""
    parity = terms.parity.value.replace("_", " ")
    lines = [
        terms.name,
        f"  {terms.total_per_side:,} per side ({' and '.join(terms.sides)}), parity {parity}, "
        f"reserve {terms.reserve_size} per side and category",
    ]
    quotas = [f"{c.value} {_dash(terms.quota(c))}" for c in terms.categories]
    lines.append(f"  categories: {', '.join(quotas)} (overall, per side; - means free)")
    groups = ", ".join(g.value for g in terms.priority_groups) or "none"
    outside = "outside" if terms.seriously_ill_outside_parity else "inside"
    lines.append(f"  priority groups: {groups}; the seriously ill travel {outside} parity")
    for rule in terms.eligibility:
        parts = ["acknowledged custody" if rule.require_acknowledged else "any custody"]
        if rule.min_age is not None or rule.max_age is not None:
            parts.append(f"age {_dash(rule.min_age)} to {_dash(rule.max_age)}")
        if rule.health is not None:
            parts.append("health " + "/".join(h.value for h in rule.health))
        if rule.statuses is not None:
            parts.append("status " + "/".join(rule.statuses))
        if rule.captured_from or rule.captured_until:
            parts.append(f"captured {rule.captured_from or '…'} to {rule.captured_until or '…'}")
        lines.append(f"  eligible {rule.category.value}: {', '.join(parts)}")
    lines.append(
        f"  {'tranche':<10}{'day':<12}{'crossing':<18}{'total':>7}{'military':>10}{'civilian':>10}"
    )
    for t in terms.tranches:
        lines.append(
            f"  {t.id:<10}{t.day.isoformat():<12}{t.crossing:<18}{_dash(t.total):>7}"
            f"{_dash(t.military):>10}{_dash(t.civilian):>10}"
        )
    for p in terms.crossing_points:
        lines.append(f"  crossing {p.name}: {p.daily_capacity:,} per side per day")
    return lines


@click.group()
def agreement() -> None:
    """Terms of an exchange, written in TOML (docs/terms.md)."""


@agreement.command("check")
@click.argument("terms_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--canonical", is_flag=True, help="Print the canonical JSON the parties sign.")
@click.pass_context
def agreement_check(ctx: click.Context, terms_file: Path, canonical: bool) -> None:
    """Validate TERMS_FILE and print a summary.

    Exit 2 when a key is unknown, missing or of the wrong type (the key is named);
    exit 1 when the terms contradict themselves (e.g. tranches that do not add up).
    """
    if "[[categories]]" in terms_file.read_text(encoding="utf-8"):
        _check_category_terms(ctx, terms_file, canonical)
        return
    try:
        terms = load_terms(terms_file)
    except TermsFileError as exc:
        click.echo(f"error: {terms_file}: {exc}", err=True)
        ctx.exit(2)
    if canonical:
        data = terms_to_canonical(terms)
        click.echo(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        return
    for line in terms_summary(terms):
        click.echo(line)
    problems = terms_problems(terms)
    for problem in problems:
        click.echo(f"problem: {problem.message}", err=True)
    if problems:
        ctx.exit(1)
    click.echo("terms are consistent")


def _check_category_terms(ctx: click.Context, terms_file: Path, canonical: bool) -> None:
    """A category agreement ("all for all" by category, docs/rounds.md)."""
    from homeward.planning.categories import category_terms_problems, category_terms_to_dict
    from homeward.planning.category_terms_file import parse_category_terms_toml

    try:
        terms = parse_category_terms_toml(terms_file.read_text(encoding="utf-8"))
    except TermsFileError as exc:
        click.echo(f"error: {terms_file}: {exc}", err=True)
        ctx.exit(2)
    if canonical:
        data = category_terms_to_dict(terms)
        click.echo(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        return
    number = "all for all" if terms.per_side is None else f"{terms.per_side:,} per side"
    click.echo(terms.name)
    click.echo(
        f"  {number}, stages of {terms.stage_capacity} per side every "
        f"{terms.days_between_stages} days from {terms.first_stage.isoformat()}"
    )
    for rule in terms.rules:
        click.echo(
            f"  category {rule.name}: "
            + ", ".join(
                f"{k} {v}" for k, v in sorted((k, repr(v)) for k, v in rule.selectors().items())
            )
        )
    problems = category_terms_problems(terms)
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        ctx.exit(1)
    click.echo("terms are consistent")


def _stored_terms(conn: Any, agreement_id: int | None) -> tuple[int, dict[str, Any]]:
    from sqlalchemy import select

    from homeward.adapters.tables_exchange import agreements

    query = select(agreements.c.id, agreements.c.terms).order_by(agreements.c.id.desc())
    if agreement_id is not None:
        query = query.where(agreements.c.id == agreement_id)
    row = conn.execute(query.limit(1)).first()
    if row is None:
        raise click.ClickException("no agreement in the workspace (create and sign one first)")
    terms: dict[str, Any] = json.loads(row.terms)
    return int(row.id), terms


def print_plan(plan: Plan) -> None:
    """Per tranche and side: how many of each category, and the solve quality."""
    for t in plan.tranches:
        parts = []
        for side, people in t.sides.items():
            counts = ", ".join(f"{t.counted(side, c)} {c.value}" for c in Category)
            extra = sum(1 for p in people if p.outside_parity)
            more = f" + {extra} outside parity" if extra else ""
            parts.append(f"{side} {t.counted(side)} ({counts}){more}")
        click.echo(f"{t.tranche_id}  {t.day.isoformat()}  {t.crossing}:  " + ";  ".join(parts))
    for side, by_cat in plan.reserves.items():
        sizes = ", ".join(f"{len(ps)} {c.value}" for c, ps in by_cat.items())
        click.echo(f"reserve {side}: {sizes}")
    r = plan.report
    click.echo(
        f"plan {r.status}: {r.facility_groups} facility groups (bound {r.bound}, "
        f"gap {r.gap:.1%}) in {r.seconds:.2f} s"
    )


@click.command()
@click.option("--agreement", "agreement_id", type=int, help="Agreement id (default: the newest).")
@click.option(
    "--terms",
    "terms_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Plan against these draft terms instead of the stored agreement.",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the plan as JSON.",
)
@with_workspace
def plan(
    workspace: Workspace, agreement_id: int | None, terms_file: Path | None, json_out: Path | None
) -> None:
    """Plan the tranches of an agreement from the acknowledged holdings in the workspace.

    Prints the plan; it is stored by the exchange services once the parties agree.
    """
    from homeward.adapters.repositories.lists import SqlListRepository
    from homeward.domain.lists import ListKind
    from homeward.domain.values import BELLIGERENTS
    from homeward.planning import check_eligibility, plan_exchange, terms_from_dict
    from homeward.services.planning_bridge import offer_candidates

    try:
        with workspace.engine.connect() as conn:
            if terms_file is not None:
                terms = load_terms(terms_file)
            else:
                _, data = _stored_terms(conn, agreement_id)
                terms = terms_from_dict(data)
            candidates = [
                c
                for side in BELLIGERENTS
                for c in offer_candidates(
                    conn,
                    side,
                    SqlListRepository(conn).latest(side, ListKind.HOLDINGS_ACK, side.other),
                )
            ]
    except TermsFileError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(check_eligibility(terms, candidates).summary())
    try:
        result = plan_exchange(terms, candidates)
    except TermsCannotBeMetError as exc:
        for short in exc.shortfalls:
            click.echo(f"cannot be met: {short.message}", err=True)
        raise click.exceptions.Exit(1) from None
    print_plan(result)
    if json_out is not None:
        json_out.write_text(
            json.dumps(result.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        click.echo(f"plan written to {json_out}")


@click.command()
@click.option(
    "--tranche", "tranche_id", type=int, required=True, help="Tranche id in the workspace."
)
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "csv"]), default="pdf", show_default=True
)
@click.option("--side", type=SIDE_CHOICE, help="Only this side's list (default: both).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for tranche-<DAY>-<SIDE>.<FORMAT>.",
)
@click.option(
    "--language",
    type=click.Choice(["en", "uk", "ru"]),
    default="en",
    show_default=True,
    help="Language of the PDF manifest.",
)
@with_workspace
def manifest(
    workspace: Workspace, tranche_id: int, fmt: str, side: str | None, out: Path, language: str
) -> None:
    """Write the manifest of a stored tranche: one line per person with a check-in code (PDF:
    a QR code each, totals per category, the reserve, signature blocks, page numbers)."""
    from sqlalchemy.exc import NoResultFound

    from homeward.adapters.manifest_csv import save_manifest_csv
    from homeward.adapters.manifest_pdf import save_manifest_pdf
    from homeward.domain.values import BELLIGERENTS
    from homeward.services.crossing import manifest_reserve
    from homeward.services.planning_bridge import manifest as load_manifest
    from homeward.web.i18n import load_catalogue

    try:
        lists = [
            (
                *load_manifest(workspace.engine, tranche_id, s),
                manifest_reserve(workspace.engine, tranche_id, s),
            )
            for s in BELLIGERENTS
            if side is None or s.value == side
        ]
    except NoResultFound:
        raise click.ClickException(f"no tranche {tranche_id} in the workspace") from None
    out.mkdir(parents=True, exist_ok=True)
    messages = load_catalogue(language)

    def gettext(message: str, **values: object) -> str:
        text = messages.get(message) or message
        return text % values if values else text

    for rows, header, reserve in lists:
        path = out / f"tranche-{header.tranche_id}-{header.side}.{fmt}"
        if fmt == "csv":
            save_manifest_csv(rows, path)
        else:
            save_manifest_pdf(rows, header, path, gettext=gettext, reserve=reserve)
        click.echo(f"{path}: {len(rows)} people")
