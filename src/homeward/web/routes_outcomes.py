"""Registry outcomes: each record's status in the exchange, filtered by outcome."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import Engine, select
from starlette.concurrency import run_in_threadpool

from homeward.adapters.tables_registry import persons
from homeward.domain.outcomes import Outcome
from homeward.domain.values import RegistryKind, Side
from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.outcomes import registry_outcomes
from homeward.services.unit_of_work import UnitOfWork
from homeward.web.context import render, web
from homeward.web.errors import BadInput
from homeward.web.security import Require

router = APIRouter()
READ = Require(ResourceKind.REGISTRY, Action.READ)
PAGE = 50


def outcome_rows(
    engine: Engine,
    uow: UnitOfWork,
    party: Side,
    kind: str,
    outcome: str,
    viewer: Side,
    offset: int,
) -> dict[str, Any]:
    """A page of ``party``'s registry with each record's outcome, filtered by ``outcome``
    ("" for every record)."""
    if kind not in {k.value for k in RegistryKind}:
        raise BadInput("kind", f"kind must be holdings or sought, not {kind!r}")
    if outcome and outcome not in {o.value for o in Outcome}:
        raise BadInput(
            "outcome",
            f"outcome must be one of {', '.join(o.value for o in Outcome)}, not {outcome!r}",
        )
    outcomes = registry_outcomes(party, RegistryKind(kind), viewer, uow)
    counts: dict[str, int] = {o.value: 0 for o in Outcome}
    for o in outcomes.values():
        counts[o.outcome.value] += 1
    chosen = sorted(pid for pid, o in outcomes.items() if not outcome or o.outcome.value == outcome)
    page = chosen[offset : offset + PAGE]
    with engine.connect() as conn:
        found = {
            r.id: r
            for r in conn.execute(
                select(
                    persons.c.id,
                    persons.c.record_id,
                    persons.c.surname,
                    persons.c.given_name,
                    persons.c.date_of_birth,
                ).where(persons.c.id.in_(page))
            )
        }
    rows = []
    for pid in page:
        p, o = found[pid], outcomes[pid]
        rows.append(
            {
                "record_id": p.record_id,
                "surname": p.surname,
                "given_name": p.given_name,
                "date_of_birth": p.date_of_birth,
                "outcome": o.outcome.value,
                "round": o.round_number,
                "date": o.date.isoformat() if o.date else None,
                "reason": o.reason,
                "carried": o.carried,
                "next_round": o.next_round,
            }
        )
    return {
        "party": party.value,
        "kind": kind,
        "outcome": outcome,
        "counts": counts,
        "total": len(chosen),
        "rows": rows,
        "offset": offset,
        "page": PAGE,
    }


@router.get("/parties/{party}/registries/outcomes", include_in_schema=False)
async def outcomes_page(
    request: Request,
    party: str,
    principal: Annotated[Principal, Depends(READ)],
    kind: str = "holdings",
    outcome: str = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    data = await run_in_threadpool(
        outcome_rows,
        web(request).engine,
        web(request).unit_of_work(),
        Side(party.upper()),
        kind,
        outcome,
        principal.party,
        offset,
    )
    return render(
        request, "registry_outcomes.html", data | {"outcomes": [o.value for o in Outcome]}
    )


@router.get("/api/v1/parties/{party}/registries/outcomes", tags=["registry"])
async def outcomes_api(
    request: Request,
    party: str,
    principal: Annotated[Principal, Depends(READ)],
    kind: str = "holdings",
    outcome: str = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Each record of a party's registry with its exchange outcome (offered, in_tranche,
    released, received, did_not_travel, recovered, none), with round and date; the
    mediator's findings read "did_not_travel" to the parties."""
    return await run_in_threadpool(
        outcome_rows,
        web(request).engine,
        web(request).unit_of_work(),
        Side(party.upper()),
        kind,
        outcome,
        principal.party,
        offset,
    )
