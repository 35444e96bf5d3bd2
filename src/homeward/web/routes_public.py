"""The public bulletin: aggregates only, like a ministry's announcement of the day."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from homeward.services.access import Principal, ResourceKind
from homeward.services.programme import programme_bulletin
from homeward.web.context import render, web
from homeward.web.security import Require

router = APIRouter()
PUBLIC = Require(ResourceKind.PUBLIC)


def bulletin_data(engine: Any) -> dict[str, Any] | None:
    """Every round's completed tranches up to today (none dated in the future)."""
    data = programme_bulletin(engine, dt.datetime.now(dt.UTC).date())
    return data if data["rounds"] else None


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
    """The public bulletin: people returned home per completed tranche of every round and
    category, small counts (under 5) shown as "<5" and never part of a sum. No personal
    data."""
    data = await run_in_threadpool(bulletin_data, web(request).engine)
    return data or {"exchange": None, "rounds": [], "days": [], "totals": {}}
