"""The handover console at the crossing: a code, a few keystrokes per person.

Enter or scan the check-in code, confirm identity, record the private interview's outcome,
release, confirm receipt; or record an exception and accept the proposed rebalancing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.exc import NoResultFound
from starlette.concurrency import run_in_threadpool

from homeward.domain.handover import HandoverException, InvalidTransition
from homeward.domain.values import Side
from homeward.services.access import (
    AccessDenied,
    Action,
    Decision,
    Principal,
    Resource,
    ResourceKind,
    Role,
)
from homeward.services.console import handover_card, involved_party, next_codes
from homeward.services.handover import Step, advance, find_by_code
from homeward.services.rebalance import (
    CannotRebalance,
    Proposal,
    Remedy,
    accept_proposal,
    record_exception,
)
from homeward.web.context import gettext_for, guard, render, web
from homeward.web.errors import BadInput, NotFound
from homeward.web.params import RowId
from homeward.web.security import Require

router = APIRouter(include_in_schema=False)
READ = Require(ResourceKind.HANDOVER, Action.READ)
WRITE = Require(ResourceKind.HANDOVER, Action.WRITE)
NEXT_STEP = {
    "planned": Step.CHECK_IN,
    "checked_in": Step.CONFIRM_IDENTITY,
    "identity_confirmed": Step.CONFIRM_FREE_WILL,
    "free_will_confirmed": Step.RELEASE,
    "released": Step.RECEIVE,
}


async def _card(request: Request, principal: Principal, handover_id: int) -> dict[str, Any]:
    try:
        card = await run_in_threadpool(handover_card, web(request).engine, handover_id)
    except NoResultFound:
        raise NotFound("no such handover") from None
    # Both sides take part in every handover (one releases, one receives), so either
    # party may look at the card; only the receiving side may confirm receipt.
    await guard(
        request,
        principal,
        Action.READ,
        Resource(ResourceKind.HANDOVER, involved_party(principal, card), str(handover_id)),
    )
    if principal.role not in (Role.MEDIATOR_VERIFIER, Role.MEDIATOR_COORDINATOR):
        card["interview"] = None  # the interview's outcome is the mediator's alone
    card["next_step"] = NEXT_STEP.get(card["state"])
    return card


def _render_card(request: Request, card: dict[str, Any], **extra: Any) -> Response:
    status = extra.pop("status", 200)
    if not request.headers.get("hx-request"):
        # A form posted without htmx (script off, or clicked before htmx bound it):
        # back to the console with the card, so the desk never lands on a bare fragment.
        template, extra = "handover.html", {**extra, "waiting": [], "card_inline": True}
    else:
        template = "_handover_card.html"
    return render(
        request,
        template,
        {"card": card, "exceptions": list(HandoverException), **extra},
        status=status,
    )


@router.get("/handover")
async def console(request: Request, _p: Annotated[Principal, Depends(READ)]) -> Response:
    waiting = await run_in_threadpool(next_codes, web(request).engine)
    return render(request, "handover.html", {"waiting": waiting})


@router.get("/handover/card")
async def lookup(
    request: Request, principal: Annotated[Principal, Depends(READ)], code: str = ""
) -> Response:
    _ = gettext_for(request)
    try:
        handover_id = await run_in_threadpool(find_by_code, web(request).engine, code[:32])
    except KeyError:
        return render(
            request,
            "_handover_card.html",
            {
                "card": None,
                "code": code,
                "error": _("No one has the check-in code %(code)s.", code=code[:32]),
            },
            status=404,
        )
    return _render_card(request, await _card(request, principal, handover_id))


@router.post("/handover/{handover_id}/step")
async def step(
    request: Request,
    handover_id: RowId,
    principal: Annotated[Principal, Depends(WRITE)],
    step: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    card = await _card(request, principal, handover_id)
    try:
        chosen = Step(step)
    except ValueError:
        return _render_card(request, card, error=f"unknown step {step!r}", status=422)
    if principal.role is not Role.MEDIATOR_VERIFIER and chosen is not Step.RECEIVE:
        raise AccessDenied(Decision(False, "only the field verifier runs this step"))
    receiving = Side(card["from_party"]).other
    await guard(
        request,
        principal,
        Action.WRITE,
        Resource(ResourceKind.HANDOVER, receiving, str(handover_id)),
    )
    if note.strip():
        await guard(
            request,
            principal,
            Action.WRITE,
            Resource(ResourceKind.INTERVIEW, None, str(handover_id)),
        )
    try:
        await run_in_threadpool(
            lambda: advance(
                handover_id,
                chosen,
                web(request).engine,
                web(request).events,
                actor=principal.username,
                interview_note=note.strip() or None if chosen is Step.CONFIRM_FREE_WILL else None,
            )
        )
    except InvalidTransition as exc:
        return _render_card(request, card, error=str(exc), status=409)
    return _render_card(request, await _card(request, principal, handover_id))


@router.post("/handover/{handover_id}/exception")
async def exception(
    request: Request,
    handover_id: RowId,
    principal: Annotated[Principal, Depends(WRITE)],
    kind: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    card = await _card(request, principal, handover_id)
    if principal.role is not Role.MEDIATOR_VERIFIER:
        raise AccessDenied(Decision(False, "only the field verifier records exceptions"))
    try:
        chosen = HandoverException(kind)
    except ValueError:
        return _render_card(
            request, card, error=gettext_for(request)("Choose the exception."), status=422
        )
    if note.strip():
        await guard(
            request,
            principal,
            Action.WRITE,
            Resource(ResourceKind.INTERVIEW, None, str(handover_id)),
        )
    try:
        proposal = await run_in_threadpool(
            lambda: record_exception(
                handover_id,
                chosen,
                web(request).engine,
                web(request).events,
                actor=principal.username,
                interview_note=note.strip() or None,
            )
        )
    except InvalidTransition as exc:
        return _render_card(request, card, error=str(exc), status=409)
    except CannotRebalance as exc:
        card = await _card(request, principal, handover_id)
        return _render_card(request, card, error=str(exc))
    sealed = web(request).signer.seal(
        "proposal",
        {
            "failed": proposal.failed_handover,
            "remedy": proposal.remedy.value,
            "substitute": proposal.substitute_person,
            "hold_back": proposal.hold_back_handover,
        },
    )
    card = await _card(request, principal, handover_id)
    return _render_card(request, card, proposal=proposal, sealed=sealed)


@router.post("/handover/proposal")
async def accept(
    request: Request,
    principal: Annotated[Principal, Depends(WRITE)],
    sealed: Annotated[str, Form()] = "",
) -> Response:
    data = web(request).signer.unseal("proposal", sealed)
    if data is None:
        raise BadInput("sealed", "the proposal is stale or was altered")
    if principal.role is not Role.MEDIATOR_VERIFIER:
        raise AccessDenied(Decision(False, "only the field verifier accepts a rebalancing"))
    proposal = Proposal(
        int(data["failed"]), Remedy(data["remedy"]), data["substitute"], data["hold_back"]
    )
    new_id = await run_in_threadpool(
        lambda: accept_proposal(
            proposal, web(request).engine, web(request).events, actor=principal.username
        )
    )
    card = await _card(request, principal, new_id)
    return _render_card(
        request,
        card,
        notice=gettext_for(request)("Rebalanced: %(what)s.", what=proposal.describe()),
    )
