"""Rounds in the API: every round with its status and the cumulative totals, and one
round's figures (the newest signed one unless ``?round=N``), as the caller may see them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from homeward.services.access import Action, Principal, ResourceKind
from homeward.web.context import web
from homeward.web.routes_dashboard import dashboard_data
from homeward.web.security import Require

router = APIRouter(prefix="/api/v1", tags=["rounds"])
REPORT = Require(ResourceKind.REPORT, Action.READ)


def _rounds_view(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "round": r.number,
            "name": r.name,
            "status": r.status.value,
            "signed_by": sorted(r.signed_by),
        }
        for r in data["rounds"]
    ]


@router.get("/rounds")
async def rounds_api(
    request: Request, principal: Annotated[Principal, Depends(REPORT)]
) -> dict[str, Any]:
    """Every round (drafts too, marked ``draft``), each signed round's figures and the
    cumulative totals, which are the sums of the rounds."""
    data = await run_in_threadpool(dashboard_data, web(request).engine, principal, None)
    return {"rounds": _rounds_view(data), "history": data["history"], "still_owed": data["owed"]}


@router.get("/rounds/summary")
async def round_summary_api(
    request: Request,
    principal: Annotated[Principal, Depends(REPORT)],
    round_number: Annotated[int | None, Query(alias="round", ge=1, le=100_000)] = None,
) -> dict[str, Any]:
    """One round's figures per tranche and category (the newest signed round unless
    ``round`` is given); a party sees its own side's exceptions only, and the mediator's
    findings as ``did_not_travel``."""
    data = await run_in_threadpool(dashboard_data, web(request).engine, principal, round_number)
    shown = data["round"]
    summary = data["summary"]
    return {
        "round": None
        if shown is None
        else {"round": shown.number, "name": shown.name, "status": shown.status.value},
        "tranches": summary["tranches"] if summary else [],
        "totals": summary["totals"] if summary else {},
        "exceptions": data["exceptions"],
        "sought_recovered": data["recovered"],
    }
