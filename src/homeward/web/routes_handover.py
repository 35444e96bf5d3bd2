"""The handover console at the crossing: a code, a few keystrokes per person.

Enter or scan the check-in code (or the manifest's QR payload), confirm identity, record
the private interview's outcome, release; the receiving party confirms receipt; or record
an exception and accept or decline the proposed rebalancing. Every route parses, makes one
call to ``services.crossing`` in one worker-thread hop, and renders the typed card.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import NoResultFound
from starlette.concurrency import run_in_threadpool

from homeward.adapters.checkin_secret import load_or_create
from homeward.domain.handover import HandoverException, InvalidTransition
from homeward.domain.tranche import CannotRebalance
from homeward.services import crossing
from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.console import next_codes
from homeward.services.handover import Step
from homeward.web.context import gettext_for, render, web
from homeward.web.crossing_view import QueueIn, card_context, describe, replay
from homeward.web.errors import BadInput
from homeward.web.params import RowId
from homeward.web.security import Require

router = APIRouter(include_in_schema=False)
READ = Require(ResourceKind.HANDOVER, Action.READ)
PUBLIC = Require(ResourceKind.PUBLIC)
# Steps are checked per object in the service: receipt is the receiving party's officer's,
# every other step the field verifier's.
STEP = Require(ResourceKind.HANDOVER, Action.READ, checks_object=True)
WRITE = Require(ResourceKind.HANDOVER, Action.WRITE, checks_object=True)
DECIDE = Require(ResourceKind.PROPOSAL, Action.WRITE, checks_object=True)
EXCEPTIONS = [e for e in HandoverException if e is not HandoverException.ALREADY_RELEASED]


def desk(request: Request) -> crossing.Desk:
    context = web(request)
    return crossing.Desk(
        context.engine,
        context.events,
        context.access_log,
        load_or_create(context.settings.keys_dir),
    )


def _render_card(
    request: Request, card: crossing.Card | None, status: int = 200, **extra: Any
) -> Response:
    _ = gettext_for(request)
    values = {**card_context(card, _), "exceptions": EXCEPTIONS, **extra}
    if card is not None and card.problem and "error" not in values:
        values["error"] = _("No remedy is left: %(why)s", why=card.problem)
    if not request.headers.get("hx-request"):
        # A form posted without htmx (script off, or clicked before htmx bound it):
        # back to the console with the card, so the desk never lands on a bare fragment.
        return render(
            request,
            "handover.html",
            {**values, "waiting": [], "card_inline": True},
            status=status,
        )
    return render(request, "_handover_card.html", values, status=status)


def _act(
    principal: Principal, work: Callable[[], crossing.Card], handover_id: int, d: crossing.Desk
) -> tuple[crossing.Card, str | None]:
    """Run one use case; on a conflict, the card as it is now and why (same thread hop)."""
    try:
        return work(), None
    except (InvalidTransition, CannotRebalance) as exc:
        return crossing.card(d, principal, handover_id), str(exc)


SERVICE_WORKER = Path(__file__).parent / "static" / "sw.js"


@router.get("/sw.js")
async def service_worker(_p: Annotated[Principal | None, Depends(PUBLIC)]) -> Response:
    """The console's service worker, served from the root so that it may control
    /handover (a worker's scope is its own folder)."""
    body = await run_in_threadpool(SERVICE_WORKER.read_bytes)
    return Response(
        body, media_type="application/javascript", headers={"Cache-Control": "no-cache"}
    )


@router.get("/handover")
async def console(request: Request, _p: Annotated[Principal, Depends(READ)]) -> Response:
    waiting = await run_in_threadpool(next_codes, web(request).engine)
    return render(request, "handover.html", {"waiting": waiting})


@router.get("/handover/card")
async def lookup(
    request: Request, principal: Annotated[Principal, Depends(READ)], code: str = ""
) -> Response:
    d = desk(request)
    try:
        card = await run_in_threadpool(crossing.lookup, d, principal, code[:64])
    except NoResultFound:
        return render(
            request,
            "_handover_card.html",
            {
                "card": None,
                "code": code,
                "error": gettext_for(request)(
                    "No one has the check-in code %(code)s.", code=code[:64]
                ),
            },
            status=404,
        )
    return _render_card(request, card)


@router.post("/handover/{handover_id}/step")
async def step(
    request: Request,
    handover_id: RowId,
    principal: Annotated[Principal, Depends(STEP)],
    step: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    d = desk(request)
    try:
        chosen = Step(step)
    except ValueError:
        card = await run_in_threadpool(crossing.card, d, principal, handover_id)
        return _render_card(request, card, status=422, error=f"unknown step {step!r}")
    card, error = await run_in_threadpool(
        _act,
        principal,
        lambda: crossing.take_step(d, principal, handover_id, chosen, note.strip() or None),
        handover_id,
        d,
    )
    return _render_card(request, card, status=409 if error else 200, error=error)


@router.post("/handover/{handover_id}/exception")
async def exception(
    request: Request,
    handover_id: RowId,
    principal: Annotated[Principal, Depends(WRITE)],
    kind: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    d = desk(request)
    try:
        chosen = HandoverException(kind)
    except ValueError:
        card = await run_in_threadpool(crossing.card, d, principal, handover_id)
        return _render_card(
            request, card, status=422, error=gettext_for(request)("Choose the exception.")
        )
    card, error = await run_in_threadpool(
        _act,
        principal,
        lambda: crossing.record_exception(d, principal, handover_id, chosen, note.strip() or None),
        handover_id,
        d,
    )
    return _render_card(request, card, status=409 if error else 200, error=error)


@router.post("/handover/queue")
async def replay_queue(
    request: Request, principal: Annotated[Principal, Depends(STEP)]
) -> Response:
    """The console's outage queue (JSON, with the session's CSRF token in its header):
    the same use case as ``POST /api/v1/handovers/queue``."""
    try:
        body = QueueIn.model_validate(await request.json())
    except (ValueError, ValidationError) as exc:
        raise BadInput("steps", str(exc)[:500]) from None
    outcomes = await run_in_threadpool(replay, desk(request), principal, body)
    return JSONResponse([o.model_dump() for o in outcomes])


@router.post("/handover/proposals/{proposal_id}")
async def decide(
    request: Request,
    proposal_id: RowId,
    principal: Annotated[Principal, Depends(DECIDE)],
    decision: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Accept or decline a pending proposal, from the card or from the plan page."""
    _ = gettext_for(request)
    if decision not in ("accept", "decline"):
        return render(
            request, "error.html", {"message": _("Accept or decline the proposal.")}, status=422
        )
    d = desk(request)
    try:
        decided = await run_in_threadpool(
            crossing.decide_proposal, d, principal, proposal_id, decision == "accept"
        )
    except InvalidTransition as exc:
        return render(request, "error.html", {"message": str(exc)}, status=409)
    if back == "plan" and not request.headers.get("hx-request"):
        return RedirectResponse("/plan", status_code=303)
    what = describe(decided.proposal, _)
    if decided.proposal.state == "accepted":
        notice = _("Rebalanced: %(what)s", what=what)
    else:
        notice = _("Declined: %(what)s", what=what)
    error = _("No remedy is left: %(why)s", why=decided.problem) if decided.problem else None
    return _render_card(request, decided.card, notice=notice, error=error)
