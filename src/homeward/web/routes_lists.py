"""Lists (submit, versions, differences) and match review (side by side, keyboard)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from homeward.domain.lists import ListKind
from homeward.domain.values import BELLIGERENTS, Side
from homeward.services.access import (
    Action,
    Principal,
    Resource,
    ResourceKind,
)
from homeward.services.list_matching import (
    Verdict,
    link_party,
    review_link,
    review_queue,
    run_matching,
)
from homeward.services.lists import (
    CompareVersions,
    SubmitRegistry,
    list_difference,
    list_versions,
    submit_registry,
)
from homeward.web.context import gettext_for, guard, render, web
from homeward.web.errors import NotFound
from homeward.web.params import BaseVersion, RowId, Version
from homeward.web.security import Require

router = APIRouter(include_in_schema=False)
LIST_READ = Require(ResourceKind.LIST, Action.READ)
SUBMIT = Require(ResourceKind.DRAFT, Action.WRITE)
MATCH_READ = Require(ResourceKind.MATCH, Action.READ)
MATCH_WRITE = Require(ResourceKind.MATCH, Action.WRITE)
RUN_MATCHING = Require(ResourceKind.EXCHANGE, Action.WRITE)
SUBMITTABLE = (ListKind.SOUGHT, ListKind.HOLDINGS_ACK)
VERDICTS = frozenset(v.value for v in Verdict)


def _visible(principal: Principal) -> tuple[Side, ...]:
    return (principal.party, principal.party.other) if principal.role.is_party else BELLIGERENTS


@router.get("/lists")
async def lists_page(
    request: Request, principal: Annotated[Principal, Depends(LIST_READ)], notice: str = ""
) -> Response:
    versions = await run_in_threadpool(
        list_versions, _visible(principal), web(request).unit_of_work()
    )
    if principal.role.is_party:
        # The other side's lists count only where they were addressed to this party.
        versions = [v for v in versions if principal.party.value in (v.party, v.recipient)]
    return render(
        request, "lists.html", {"versions": versions, "notice": notice, "kinds": SUBMITTABLE}
    )


@router.post("/lists/submit")
async def submit(
    request: Request,
    principal: Annotated[Principal, Depends(SUBMIT)],
    kind: Annotated[str, Form()] = "",
) -> Response:
    _ = gettext_for(request)
    if kind not in {k.value for k in SUBMITTABLE}:
        versions = await run_in_threadpool(
            list_versions, _visible(principal), web(request).unit_of_work()
        )
        return render(
            request,
            "lists.html",
            {
                "versions": versions,
                "kinds": SUBMITTABLE,
                "errors": {"kind": _("Choose which list to submit.")},
            },
            status=422,
        )
    version = await run_in_threadpool(
        submit_registry,
        SubmitRegistry(principal.party, ListKind(kind)),
        web(request).unit_of_work(),
    )
    return RedirectResponse(f"/lists?notice=submitted-{kind}-v{version}", status_code=303)


@router.get("/lists/diff")
async def diff(
    request: Request,
    principal: Annotated[Principal, Depends(LIST_READ)],
    party: str,
    kind: str,
    recipient: str,
    old: BaseVersion,
    new: Version,
) -> Response:
    try:
        side, list_kind, to = Side(party), ListKind(kind), Side(recipient)
    except ValueError:
        raise NotFound("no such list") from None
    shared = to is principal.party
    await guard(request, principal, Action.READ, Resource(ResourceKind.LIST, side, kind, shared))
    changes = await run_in_threadpool(
        list_difference,
        CompareVersions(side, list_kind, to, old, new),
        web(request).unit_of_work(),
    )
    return render(request, "_list_diff.html", {"changes": changes, "old": old, "new": new})


@router.get("/review")
async def review_page(
    request: Request, principal: Annotated[Principal, Depends(MATCH_READ)]
) -> Response:
    party = principal.party if principal.role.is_party else None
    queue = await run_in_threadpool(review_queue, web(request).engine, party)
    return render(request, "review.html", {"queue": queue})


@router.post("/review/run")
async def run(request: Request, _p: Annotated[Principal, Depends(RUN_MATCHING)]) -> Response:
    found = await run_in_threadpool(
        run_matching,
        web(request).engine,
        web(request).events,
        web(request).workspace.matcher.model_path,  # loaded, never trained here
    )
    return RedirectResponse(f"/review?ran={sum(found.values())}", status_code=303)


@router.post("/review/{link_id}")
async def decide_link(
    request: Request,
    link_id: RowId,
    principal: Annotated[Principal, Depends(MATCH_WRITE)],
    decision: Annotated[str, Form()] = "",
) -> Response:
    party = await run_in_threadpool(link_party, web(request).engine, link_id)
    if party is None:
        raise NotFound("no such match")
    await guard(request, principal, Action.WRITE, Resource(ResourceKind.MATCH, party, str(link_id)))
    if decision not in VERDICTS:
        _ = gettext_for(request)
        message = _("Choose accept, reject or different people.")
        return render(request, "error.html", {"message": message}, status=422)
    try:
        await run_in_threadpool(
            review_link,
            web(request).engine,
            web(request).events,
            link_id,
            Verdict(decision),
            principal.username,
        )
    except LookupError as exc:
        return render(request, "error.html", {"message": str(exc)}, status=409)
    return RedirectResponse("/review", status_code=303)
