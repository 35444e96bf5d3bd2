"""The public bulletin: aggregates only, like a ministry's announcement of the day."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from homeward.services.access import Principal, ResourceKind
from homeward.services.reports import exchange_summary, public_bulletin
from homeward.web.context import render, web
from homeward.web.queries import latest_agreement_id
from homeward.web.security import Require

router = APIRouter()
PUBLIC = Require(ResourceKind.PUBLIC)


def bulletin_data(engine: Any) -> dict[str, Any] | None:
    agreement_id = latest_agreement_id(engine)
    if agreement_id is None:
        return None
    return public_bulletin(exchange_summary(engine, agreement_id))


@router.get("/bulletin", include_in_schema=False)
async def bulletin_page(
    request: Request, _p: Annotated[Principal | None, Depends(PUBLIC)]
) -> Response:
    data = await run_in_threadpool(bulletin_data, web(request).engine)
    return render(request, "bulletin.html", {"bulletin": data})


@router.get("/api/v1/bulletin", tags=["public"])
async def bulletin_api(
    request: Request, _p: Annotated[Principal | None, Depends(PUBLIC)]
) -> dict[str, Any]:
    """The public bulletin: people returned home per day and category, small counts
    (under 5) shown as "<5". No personal data."""
    data = await run_in_threadpool(bulletin_data, web(request).engine)
    return data or {"exchange": None, "days": [], "totals": {}}
