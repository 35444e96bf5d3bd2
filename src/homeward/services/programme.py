"""The programme: every round's figures, the totals across rounds, and the public bulletin.

``programme_summary`` gives each signed round's summary (``services.reports``) and the
cumulative figures, always the sums of the rounds; drafts are listed, as drafts, without
figures. ``programme_bulletin`` announces only tranches that are completed and not dated
in the future, for every round, and builds every published number from cells of 5 or
more only, so that no count under 5 can be worked out by subtracting one figure from
another, in one bulletin or across successive ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, func, select

from homeward.adapters.tables_exchange import handovers, identity_links, tranches
from homeward.adapters.tables_registry import persons
from homeward.domain.handover import HandoverState
from homeward.domain.rounds import Round
from homeward.domain.values import BELLIGERENTS, Category, Side
from homeward.services.reports import (
    SUPPRESS_BELOW,
    exchange_summary,
    sought_recovered,
    summary_seen_by,
)
from homeward.services.rounds import rounds as load_all_rounds


def round_summary(engine: Engine, r: Round) -> dict[str, Any]:
    """One round in the shape ``summary.json`` gives it (``round``, ``name``, ``status``,
    ``agreement``, ``tranches``, ``totals``, ``exceptions``)."""
    summary = exchange_summary(engine, r.agreement_id)
    return {
        "round": r.number,
        "name": r.name,
        "status": r.status.value,
        "agreement": summary["agreement"],
        "tranches": summary["tranches"],
        "totals": summary["totals"],
        "exceptions": summary["exceptions"],
    }


def recovered_by_round(engine: Engine) -> dict[int, dict[str, int]]:
    """Per agreement id and party: distinct people it sought who were received in it."""
    out: dict[int, dict[str, int]] = {}
    with engine.connect() as conn:
        for side in BELLIGERENTS:
            rows = conn.execute(
                select(tranches.c.agreement_id, func.count(func.distinct(handovers.c.person_id)))
                .join(tranches, tranches.c.id == handovers.c.tranche_id)
                .join(identity_links, identity_links.c.held_person_id == handovers.c.person_id)
                .join(persons, persons.c.id == identity_links.c.sought_person_id)
                .where(
                    handovers.c.state == HandoverState.RECEIVED.value,
                    handovers.c.from_party == side.other.value,
                    identity_links.c.decision == "match",
                    identity_links.c.purpose == "holdings",
                    persons.c.party == side.value,
                )
                .group_by(tranches.c.agreement_id)
            )
            for agreement_id, n in rows:
                out.setdefault(int(agreement_id), {s.value: 0 for s in BELLIGERENTS})[
                    side.value
                ] = int(n)
    return out


def programme_summary(engine: Engine, viewer: Side = Side.MEDIATOR) -> dict[str, Any]:
    """Every round and the cumulative figures (the sums of the rounds), as ``viewer`` may
    see them; drafts appear under ``drafts`` with no figures."""
    all_rounds = load_all_rounds(engine)
    recovered = recovered_by_round(engine)
    per_round = []
    for r in all_rounds:
        if not r.signed:
            continue
        summary = round_summary(engine, r)
        summary = summary_seen_by(summary, viewer)
        summary["recovered"] = recovered.get(r.agreement_id, {s.value: 0 for s in BELLIGERENTS})
        per_round.append(summary)
    by_category = {s.value: {c.value: 0 for c in Category} for s in BELLIGERENTS}
    for summary in per_round:
        for side, counts in summary["totals"].items():
            for c in Category:
                by_category[side][c.value] += counts[c.value]
    return {
        "rounds": per_round,
        "drafts": [{"round": r.number, "name": r.name} for r in all_rounds if not r.signed],
        "cumulative": {
            "released_by": {
                side: sum(s["totals"][side]["total"] for s in per_round) for side in by_category
            },
            "by_category": by_category,
            "sought_recovered": sought_recovered(engine),
        },
    }


def _published(cells: list[int]) -> int | str:
    """A sum built only from cells of 5 or more; each smaller cell adds "<5" to it."""
    shown = sum(n for n in cells if n >= SUPPRESS_BELOW)
    hidden = sum(1 for n in cells if 0 < n < SUPPRESS_BELOW)
    if not hidden:
        return shown
    bound = f"<{SUPPRESS_BELOW * hidden}"
    return f"{shown}+{bound}" if shown else bound


def _cell(n: int) -> int | str:
    return f"<{SUPPRESS_BELOW}" if 0 < n < SUPPRESS_BELOW else n


def programme_bulletin(engine: Engine, today: dt.date) -> dict[str, Any]:
    """The public bulletin across every round: completed tranches dated up to ``today``."""
    categories = [c.value for c in Category]
    out_rounds: list[dict[str, Any]] = []
    all_cells: dict[str, dict[str, list[int]]] = {
        s.value: {c: [] for c in categories} for s in BELLIGERENTS
    }
    dnt_cells: dict[str, dict[str, list[int]]] = {s.value: {} for s in BELLIGERENTS}
    for r in load_all_rounds(engine):
        done_days = {t.day for t in r.tranches if t.completed_by(today)}
        if not r.signed or not done_days:
            continue
        summary = summary_seen_by(exchange_summary(engine, r.agreement_id), Side.UA)
        days = []
        for t in summary["tranches"]:
            if t["day"] not in done_days:
                continue
            returned = {}
            for side, counts in t["released_by"].items():
                cells = [counts[c] for c in categories]
                returned[side] = {c: _cell(counts[c]) for c in categories} | {
                    "total": _published(cells)
                }
                for c in categories:
                    all_cells[side][c].append(counts[c])
            did_not: dict[str, dict[str, int]] = {s.value: {} for s in BELLIGERENTS}
            for e in summary["exceptions"]:
                if e["day"] == t["day"]:
                    by = did_not[e["side"]]
                    by[e["exception"]] = by.get(e["exception"], 0) + 1
            for side, by in did_not.items():
                for outcome, n in by.items():
                    dnt_cells[side].setdefault(outcome, []).append(n)
            days.append(
                {
                    "day": t["day"],
                    "date": t["date"],
                    "returned_home": returned,
                    "did_not_travel": {
                        side: {o: _cell(n) for o, n in sorted(by.items())}
                        for side, by in did_not.items()
                    },
                }
            )
        out_rounds.append({"round": r.number, "name": r.name, "days": days})
    totals = {
        side: {c: _published(cells[c]) for c in categories}
        | {"total": _published([n for c in categories for n in cells[c]])}
        for side, cells in all_cells.items()
    }
    return {
        "exchange": " · ".join(r["name"] for r in out_rounds) if out_rounds else None,
        "as_of": today.isoformat(),
        "rounds": out_rounds,
        "days": [d | {"round": r["round"]} for r in out_rounds for d in r["days"]],
        "totals": totals,
        "did_not_travel": {
            side: {o: _published(cells) for o, cells in sorted(by.items())}
            for side, by in dnt_cells.items()
        },
    }
