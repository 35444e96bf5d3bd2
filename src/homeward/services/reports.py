"""Figures of an exchange: per day and category, totals, exceptions, recovered vs sought.

``exchange_summary`` is the mediator's (it names handovers and record ids, and why each
person did not travel); ``summary_seen_by`` is what a party may see of it (the mediator's
findings read "did_not_travel"); ``public_bulletin`` is aggregates only, from the parties'
view, with small counts suppressed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from homeward.adapters.tables_exchange import (
    agreements,
    handovers,
    identity_links,
    rebalancing_proposals,
    tranches,
)
from homeward.adapters.tables_registry import persons
from homeward.domain.disclosure import DID_NOT_TRAVEL, outcome_seen_by
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.values import BELLIGERENTS, Category, Side

DONE = (HandoverState.RELEASED.value, HandoverState.RECEIVED.value)
SUPPRESS_BELOW = 5


def _blank() -> dict[str, int]:
    return {c.value: 0 for c in Category} | {"total": 0}


NONE = "not_rebalanced"
_RESOLUTION = {"hold_back": "counterpart_held_back", "drop": "dropped_outside_parity"}


def _remedies(conn: Connection, failed: list[int]) -> dict[int, str]:
    """How each failed handover was made good, as the stored proposals say (a hold-back
    or a drop accepted, or a proposal still awaiting the mediator)."""
    out: dict[int, str] = {}
    if not failed:
        return out
    for handover_id, remedy, state in conn.execute(
        select(
            rebalancing_proposals.c.handover_id,
            rebalancing_proposals.c.remedy,
            rebalancing_proposals.c.state,
        ).where(
            rebalancing_proposals.c.handover_id.in_(failed),
            rebalancing_proposals.c.state.in_(["accepted", "pending"]),
        )
    ):
        if state == "accepted" and remedy in _RESOLUTION:
            out[handover_id] = _RESOLUTION[remedy]
        elif state == "pending":
            out.setdefault(handover_id, "awaiting_the_mediator")
    return out


def exchange_summary(engine: Engine, agreement_id: int) -> dict[str, Any]:
    """The figures ``summary.json`` and the dashboard show, in one dict."""
    with engine.connect() as conn:
        agreement = conn.execute(select(agreements).where(agreements.c.id == agreement_id)).one()
        days = conn.execute(
            select(tranches).where(tranches.c.agreement_id == agreement_id).order_by(tranches.c.day)
        ).all()
        rows = conn.execute(
            select(
                handovers.c.id,
                handovers.c.tranche_id,
                handovers.c.from_party,
                handovers.c.category,
                handovers.c.state,
                handovers.c.exception,
                handovers.c.substitute_for,
                persons.c.record_id,
            )
            .join(persons, persons.c.id == handovers.c.person_id)
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .where(tranches.c.agreement_id == agreement_id)
        ).all()
        remedies = _remedies(conn, [r.id for r in rows if r.state == HandoverState.FAILED.value])
    by_tranche: dict[int, dict[str, dict[str, int]]] = defaultdict(
        lambda: {s.value: _blank() for s in BELLIGERENTS}
    )
    totals = {s.value: _blank() for s in BELLIGERENTS}
    substitutes = {r.substitute_for: r for r in rows if r.substitute_for is not None}
    for r in rows:
        if r.state in DONE:
            for bucket in (by_tranche[r.tranche_id][r.from_party], totals[r.from_party]):
                bucket[r.category] += 1
                bucket["total"] += 1
    day_of = {t.id: t.day for t in days}
    exceptions = []
    for r in sorted(rows, key=lambda r: (day_of[r.tranche_id], r.id)):
        if r.state == HandoverState.FAILED.value:
            sub = substitutes.get(r.id)
            exceptions.append(
                {
                    "day": day_of[r.tranche_id],
                    "handover": r.id,
                    "side": r.from_party,
                    "category": r.category,
                    "record_id": r.record_id,
                    "exception": r.exception,
                    "resolution": "substitute" if sub is not None else remedies.get(r.id, NONE),
                    "substitute_record_id": sub.record_id if sub is not None else None,
                }
            )
        if r.state == HandoverState.WITHDRAWN.value:
            exceptions.append(
                {
                    "day": day_of[r.tranche_id],
                    "handover": r.id,
                    "side": r.from_party,
                    "category": r.category,
                    "record_id": r.record_id,
                    "exception": "held_back_for_parity",
                    "resolution": "withdrawn",
                    "substitute_record_id": None,
                }
            )
    return {
        "agreement": {"id": agreement.id, "name": agreement.name},
        "tranches": [
            {
                "day": t.day,
                "date": t.date.isoformat(),
                "crossing": t.crossing,
                "released_by": by_tranche[t.id],
            }
            for t in days
        ],
        "totals": totals,
        "exceptions": exceptions,
        "sought_recovered": sought_recovered(engine),
    }


def sought_recovered(engine: Engine) -> dict[str, dict[str, int]]:
    """Per party: how many records it seeks, and how many people it sought came home.

    Several sought records (a confirmed holding, a family claim) may name one person, so
    the recovered figure counts distinct people received, not records.
    """
    out: dict[str, dict[str, int]] = {}
    with engine.connect() as conn:
        for side in BELLIGERENTS:
            sought = conn.execute(
                select(func.count()).where(
                    persons.c.party == side.value, persons.c.kind == "sought"
                )
            ).scalar_one()
            # From the (at most a few thousand) people received, out to their links: the
            # index on identity_links.held_person_id keeps this to milliseconds.
            recovered = conn.execute(
                select(func.count(func.distinct(handovers.c.person_id)))
                .join(identity_links, identity_links.c.held_person_id == handovers.c.person_id)
                .join(persons, persons.c.id == identity_links.c.sought_person_id)
                .where(
                    handovers.c.state == HandoverState.RECEIVED.value,
                    handovers.c.from_party == side.other.value,
                    identity_links.c.decision == "match",
                    identity_links.c.purpose == "holdings",
                    persons.c.party == side.value,
                )
            ).scalar_one()
            out[side.value] = {"sought": int(sought), "recovered": int(recovered)}
    return out


def summary_seen_by(summary: dict[str, Any], viewer: Side) -> dict[str, Any]:
    """The summary as ``viewer`` may see it: to a party every mediator's finding and every
    hold-back reads "did_not_travel", so a refusal cannot be told from the others."""
    if viewer is Side.MEDIATOR:
        return summary

    def seen(e: dict[str, Any]) -> dict[str, Any]:
        if e["resolution"] == "withdrawn":
            return {**e, "exception": DID_NOT_TRAVEL}
        return {**e, "exception": outcome_seen_by(HandoverException(e["exception"]), viewer)}

    return {**summary, "exceptions": [seen(e) for e in summary["exceptions"]]}


def _did_not_travel(summary: dict[str, Any]) -> dict[str, dict[str, int | str]]:
    """Per side, how many did not travel and why, as a party may see it; every count is
    suppressed under 5 and no total is given, so no suppressed count can be worked out
    by subtraction (and the mediator's findings are one count, never split)."""
    counts: dict[str, dict[str, int]] = {s.value: {} for s in BELLIGERENTS}
    for e in summary_seen_by(summary, Side.UA)["exceptions"]:
        by_side = counts.setdefault(e["side"], {})
        by_side[e["exception"]] = by_side.get(e["exception"], 0) + 1
    return {
        side: {outcome: _suppress(n) for outcome, n in sorted(by.items())}
        for side, by in counts.items()
    }


def _suppress(value: int) -> int | str:
    return f"<{SUPPRESS_BELOW}" if 0 < value < SUPPRESS_BELOW else value


def public_bulletin(summary: dict[str, Any]) -> dict[str, Any]:
    """Aggregates only, from a summary: no record ids, no handover ids, small counts hidden,
    and why people did not travel only as a party may see it."""
    return {
        "exchange": summary["agreement"]["name"],
        "days": [
            {
                "day": t["day"],
                "date": t["date"],
                "returned_home": {
                    side: {k: _suppress(v) for k, v in counts.items()}
                    for side, counts in t["released_by"].items()
                },
            }
            for t in summary["tranches"]
        ],
        "totals": {
            side: {k: _suppress(v) for k, v in counts.items()}
            for side, counts in summary["totals"].items()
        },
        "did_not_travel": _did_not_travel(summary),
    }
