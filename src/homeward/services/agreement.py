"""Use cases on the terms of an exchange: propose them, show them, check who is eligible.

Signing is ``services.exchange.sign_agreement``; planning a signed agreement is
``services.planning_bridge.plan_agreement``.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, func, select

from homeward.adapters.tables_exchange import agreement_signatures, agreements, tranches
from homeward.planning.canonical import terms_to_canonical
from homeward.planning.eligibility import check_eligibility
from homeward.planning.model import Terms
from homeward.planning.terms_file import terms_from_dict
from homeward.services.events import EventSink
from homeward.services.exchange import agreement_terms, create_agreement
from homeward.services.planning_bridge import acknowledged_candidates


def propose_terms(engine: Engine, events: EventSink, terms: Terms) -> int:
    """Record ``terms`` (in canonical form) as a new agreement awaiting signatures."""
    return create_agreement(terms.name, terms_to_canonical(terms), engine, events)


def agreement_view(engine: Engine, agreement_id: int) -> dict[str, Any]:
    """The agreement, its terms, who signed when, and whether it is planned
    (``NoResultFound`` if there is no such agreement)."""
    with engine.connect() as conn:
        row = conn.execute(select(agreements).where(agreements.c.id == agreement_id)).one()
        signed = {
            r.party: r.signed_at
            for r in conn.execute(
                select(agreement_signatures).where(
                    agreement_signatures.c.agreement_id == agreement_id
                )
            )
        }
        planned = conn.execute(
            select(func.count()).where(tranches.c.agreement_id == agreement_id)
        ).scalar_one()
    return {
        "id": row.id,
        "name": row.name,
        "terms": json.loads(row.terms),
        "signed": signed,
        "planned": int(planned) > 0,
    }


def eligibility(engine: Engine, agreement_id: int) -> dict[str, Any]:
    """The eligibility report for the people each side acknowledged holding."""
    raw = agreement_terms(engine, agreement_id)
    if raw.get("format") == "homeward-category-terms/1":  # a category agreement (round 2)
        from homeward.services.category_round import category_eligibility

        view = category_eligibility(engine, agreement_id)
        return {"counts": view["counts"], "summary": "", **view}
    terms = terms_from_dict(raw)
    with engine.connect() as conn:
        candidates = acknowledged_candidates(conn)
    report = check_eligibility(terms, candidates)
    return {"counts": report.counts(), "summary": report.summary()}
