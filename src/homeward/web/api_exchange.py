"""JSON API for the exchange: a party's lists, drafts and matches; handovers at the crossing."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.exc import NoResultFound
from starlette.concurrency import run_in_threadpool

from homeward.adapters.checkin_secret import load_or_create
from homeward.domain.handover import HandoverException, InvalidTransition
from homeward.domain.lists import ListKind
from homeward.domain.values import Side
from homeward.services import crossing
from homeward.services.access import Action, Principal, Resource, ResourceKind
from homeward.services.crossing_writer import StepWriter
from homeward.services.handover import Step
from homeward.services.list_matching import Verdict, link_party, review_link, review_queue
from homeward.services.lists import SubmitRegistry, list_drafts, list_versions, submit_registry
from homeward.web.context import gettext_for, guard, web
from homeward.web.crossing_view import (
    HandoverOut,
    ProposalOut,
    QueuedOut,
    QueueIn,
    handover_out,
    proposal_out,
    replay,
)
from homeward.web.errors import BadInput, Conflict, NotFound
from homeward.web.security import Require

router = APIRouter(prefix="/api/v1", tags=["exchange"])
PartyCode = Literal["UA", "RU"]
DENIED: dict[int | str, dict[str, Any]] = {
    403: {"description": "not allowed"},
    404: {"description": "not found or not yours"},
}


class ListVersionOut(BaseModel):
    party: str
    kind: str
    recipient: str
    version: int
    size: int


class SubmitListIn(BaseModel):
    kind: Literal["sought", "holdings_ack"] = Field(description="Which registry to submit")


class SubmitListOut(BaseModel):
    version: int


class DraftOut(BaseModel):
    kind: str
    in_registry: int
    last_submitted: int
    to_add: int
    to_remove: int


Purpose = Literal["holdings", "missing"]


class MatchOut(BaseModel):
    link_id: int
    purpose: Purpose = Field(
        description="holdings: a sought person against the other side's holdings; missing: a"
        " family claim against the same party's own missing-person report"
    )
    probability: str
    decision: str
    reasons: dict[str, Any]
    sought_record_id: str
    held_record_id: str


class ReviewIn(BaseModel):
    verdict: Literal["accept", "reject", "different_people"] = Field(
        description="accept: the same person; reject: not enough evidence; different_people:"
        " the reviewer knows they are two people"
    )


class ReviewOut(BaseModel):
    decision: str


class HandoverRowOut(BaseModel):
    id: int
    code: str
    day: int
    from_party: str
    category: str
    state: str


class StepIn(BaseModel):
    step: Literal["check_in", "confirm_identity", "confirm_free_will", "release", "receive"]


class ExceptionIn(BaseModel):
    exception: Literal[
        "not_found",
        "refuses_repatriation",
        "deceased",
        "unfit_to_travel",
        "held_for_proceedings",
        "identity_mismatch",
    ]


class DecisionIn(BaseModel):
    decision: Literal["accept", "decline"]


class DecisionOut(BaseModel):
    proposal: ProposalOut
    next: ProposalOut | None = Field(description="after a decline: the next remedy proposed")
    problem: str | None = Field(description="why no remedy is left, if none is")
    handover: HandoverOut


@router.get("/parties/{party}/lists", responses=DENIED)
async def lists(
    request: Request,
    party: PartyCode,
    principal: Annotated[Principal, Depends(Require(ResourceKind.LIST, Action.READ))],
) -> list[ListVersionOut]:
    """Every version of the party's lists, and the other side's lists addressed to it."""
    side = Side(party)
    rows = await run_in_threadpool(list_versions, (side, side.other), web(request).unit_of_work())
    return [
        ListVersionOut(
            party=v.party, kind=v.kind, recipient=v.recipient, version=v.version, size=v.size
        )
        for v in rows
        if v.party == party
        or (v.recipient == party and principal.party is side)
        or principal.role.is_mediator
    ]


@router.post("/parties/{party}/lists", responses=DENIED)
async def submit(
    request: Request,
    party: PartyCode,
    body: SubmitListIn,
    _p: Annotated[Principal, Depends(Require(ResourceKind.DRAFT, Action.WRITE))],
) -> SubmitListOut:
    """Submit the party's registry as a new version of a list (to the other side and the
    mediator)."""
    version = await run_in_threadpool(
        submit_registry,
        SubmitRegistry(Side(party), ListKind(body.kind)),
        web(request).unit_of_work(),
    )
    return SubmitListOut(version=version)


@router.get("/parties/{party}/drafts", responses=DENIED)
async def drafts(
    request: Request,
    party: PartyCode,
    _p: Annotated[Principal, Depends(Require(ResourceKind.DRAFT, Action.READ))],
) -> list[DraftOut]:
    """What submitting each list now would change against its last version."""
    found = await run_in_threadpool(list_drafts, Side(party), web(request).unit_of_work())
    return [
        DraftOut(
            kind=d.kind.value,
            in_registry=d.in_registry,
            last_submitted=d.last_submitted,
            to_add=d.to_add,
            to_remove=d.to_remove,
        )
        for d in found
    ]


@router.get("/parties/{party}/matches", responses=DENIED)
async def matches(
    request: Request,
    party: PartyCode,
    _p: Annotated[Principal, Depends(Require(ResourceKind.MATCH, Action.READ))],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[MatchOut]:
    """Pairs about the party's sought people awaiting review: against the other side's
    holdings, and family claims against the party's own missing-person reports."""
    queue = await run_in_threadpool(review_queue, web(request).engine, Side(party), limit)
    return [
        MatchOut(
            link_id=i.link_id,
            purpose=cast(Purpose, i.purpose),
            probability=i.probability,
            decision=i.decision,
            reasons=i.reasons,
            sought_record_id=i.sought["record_id"],
            held_record_id=i.held["record_id"],
        )
        for i in queue
    ]


@router.post("/matches/{link_id}", responses=DENIED)
async def review(
    request: Request,
    link_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: ReviewIn,
    principal: Annotated[Principal, Depends(Require(ResourceKind.MATCH, Action.WRITE))],
) -> ReviewOut:
    """Accept, reject or mark as different people a pair waiting for review."""
    party = await run_in_threadpool(link_party, web(request).engine, link_id)
    if party is None:
        raise NotFound(f"no match {link_id}")
    await guard(request, principal, Action.WRITE, Resource(ResourceKind.MATCH, party, str(link_id)))
    try:
        decision = await run_in_threadpool(
            review_link,
            web(request).engine,
            web(request).events,
            link_id,
            Verdict(body.verdict),
            principal.username,
        )
    except LookupError as exc:
        raise BadInput("link_id", str(exc)) from None
    return ReviewOut(decision=decision)


def _desk(request: Request) -> crossing.Desk:
    context = web(request)
    return crossing.Desk(
        context.engine,
        context.events,
        context.access_log,
        load_or_create(context.settings.keys_dir),
    )


def _missing(exc: NoResultFound) -> NotFound:
    return NotFound(str(exc).splitlines()[0] if str(exc) else "not found")


@router.get("/handovers", responses=DENIED)
async def list_handovers(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ResourceKind.HANDOVER, Action.READ))],
    day: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    state: Annotated[str | None, Query(max_length=32)] = None,
) -> list[HandoverRowOut]:
    """Handovers the caller may see, in plan order, optionally of one day and in one state
    (as the caller sees it: a party sees ``did_not_travel`` for the mediator's findings)."""
    rows = await run_in_threadpool(crossing.list_handovers, _desk(request), principal, day, state)
    return [
        HandoverRowOut(
            id=r.id,
            code=r.code,
            day=r.day,
            from_party=r.from_party.value,
            category=r.category.value,
            state=r.state,
        )
        for r in rows
    ]


@router.get("/handovers/by-code/{code}", responses=DENIED)
async def by_code(
    request: Request,
    code: Annotated[str, Path(min_length=1, max_length=64)],
    principal: Annotated[
        Principal,
        Depends(Require(ResourceKind.HANDOVER, Action.READ, checks_object=True)),
    ],
) -> HandoverOut:
    """The handover with this check-in code, or with the manifest QR payload
    ``HW1:<tranche>:<side>:<code>``."""
    _ = gettext_for(request)
    try:
        card = await run_in_threadpool(crossing.lookup, _desk(request), principal, code)
    except NoResultFound:
        raise NotFound(f"no handover has check-in code {code!r}") from None
    return handover_out(card, _)


@router.get("/handovers/{handover_id}", responses=DENIED)
async def one_handover(
    request: Request,
    handover_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    principal: Annotated[
        Principal,
        Depends(Require(ResourceKind.HANDOVER, Action.READ, checks_object=True)),
    ],
) -> HandoverOut:
    """One handover as the caller may see it, with the next step it may take."""
    try:
        card = await run_in_threadpool(crossing.card, _desk(request), principal, handover_id)
    except NoResultFound as exc:
        raise _missing(exc) from None
    return handover_out(card, gettext_for(request))


class StepOut(BaseModel):
    id: int
    step: str
    previous: str = Field(description="the state before the step, as the caller may see it")
    state: str = Field(description="the state after it, as the caller may see it")
    next_step: str | None = Field(None, description="the next step the caller may take")


@router.post(
    "/handovers/{handover_id}/steps", responses={**DENIED, 409: {"description": "not now"}}
)
async def take_step(
    request: Request,
    handover_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: StepIn,
    principal: Annotated[
        Principal,
        Depends(Require(ResourceKind.HANDOVER, Action.READ, checks_object=True)),
    ],
    card: Annotated[bool, Query(description="answer the whole handover instead")] = False,
) -> StepOut | HandoverOut:
    """Take the next step of a handover: the field verifier takes every step but receipt,
    which the receiving party's officer alone confirms. Answers what changed
    ``{id, step, previous, state, next_step}``, or the whole handover with ``?card=true``.
    409 when the handover's state does not allow the step."""
    step = Step(body.step)
    try:
        if card:
            d = _desk(request)

            def work() -> crossing.Card:  # one worker-thread hop in all
                return crossing.take_step(d, principal, handover_id, step)

            return handover_out(await run_in_threadpool(work), gettext_for(request))
        # The writer applies the steps that arrive together in one transaction.
        submitted = _step_writer(request).submit(principal, handover_id, step)
        done = await asyncio.wrap_future(submitted)
    except InvalidTransition as exc:
        raise Conflict(str(exc)) from None
    except NoResultFound as exc:
        raise _missing(exc) from None
    return StepOut(
        id=done.id,
        step=done.step.value,
        previous=done.previous,
        state=done.state,
        next_step=done.next_step.value if done.next_step else None,
    )


def _step_writer(request: Request) -> StepWriter:
    """The app's one writer of confirmations (made at the first step; closed at shutdown)."""
    state = request.app.state
    writer: StepWriter | None = getattr(state, "step_writer", None)
    if writer is None:  # no await between the check and the set: one writer per app
        writer = state.step_writer = StepWriter(_desk(request))
    return writer


@router.post(
    "/handovers/{handover_id}/exception",
    responses={**DENIED, 409: {"description": "not now, or no remedy left"}},
)
async def record_exception(
    request: Request,
    handover_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: ExceptionIn,
    principal: Annotated[
        Principal,
        Depends(Require(ResourceKind.HANDOVER, Action.WRITE, checks_object=True)),
    ],
) -> ProposalOut:
    """Record an exception (the field verifier) and answer the pending proposal that keeps
    parity. 409 when the state does not allow it, or when it is recorded but no remedy is
    left (the detail says why)."""
    d, _ = _desk(request), gettext_for(request)

    def work() -> crossing.Card:
        try:
            return crossing.record_exception(
                d, principal, handover_id, HandoverException(body.exception)
            )
        except InvalidTransition as exc:
            raise Conflict(str(exc)) from None

    try:
        card = await run_in_threadpool(work)
    except NoResultFound as exc:
        raise _missing(exc) from None
    mine = [p for p in card.proposals if p.handover_id == handover_id]
    if not mine:
        raise Conflict(f"the exception is recorded but no remedy is left: {card.problem}")
    return proposal_out(mine[0], _)


@router.get("/proposals", responses=DENIED)
async def proposals(
    request: Request,
    principal: Annotated[
        Principal, Depends(Require(ResourceKind.PROPOSAL, Action.READ, checks_object=True))
    ],
    state: Annotated[Literal["pending", "accepted", "declined", "superseded"], Query()] = "pending",
) -> list[ProposalOut]:
    """Rebalancing proposals in one state (the mediator's), oldest first."""
    _ = gettext_for(request)
    views = await run_in_threadpool(crossing.pending_proposals, _desk(request), principal, state)
    return [proposal_out(v, _) for v in views]


@router.post(
    "/proposals/{proposal_id}", responses={**DENIED, 409: {"description": "already settled"}}
)
async def decide_proposal(
    request: Request,
    proposal_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: DecisionIn,
    principal: Annotated[
        Principal, Depends(Require(ResourceKind.PROPOSAL, Action.WRITE, checks_object=True))
    ],
) -> DecisionOut:
    """Accept (apply) or decline a pending proposal; a decline answers the next one."""
    d, _ = _desk(request), gettext_for(request)

    def work() -> crossing.Decided:
        try:
            return crossing.decide_proposal(d, principal, proposal_id, body.decision == "accept")
        except InvalidTransition as exc:
            raise Conflict(str(exc)) from None

    try:
        decided = await run_in_threadpool(work)
    except NoResultFound as exc:
        raise _missing(exc) from None
    return DecisionOut(
        proposal=proposal_out(decided.proposal, _),
        next=proposal_out(decided.next_proposal, _) if decided.next_proposal else None,
        problem=decided.problem,
        handover=handover_out(decided.card, _),
    )


@router.post("/handovers/queue", responses=DENIED)
async def replay_queue(
    request: Request,
    body: QueueIn,
    principal: Annotated[
        Principal,
        Depends(Require(ResourceKind.HANDOVER, Action.READ, checks_object=True)),
    ],
) -> list[QueuedOut]:
    """Replay the steps a device took while offline: each applied at most once, in the
    device's order, and only if the handover is still as the device saw it; otherwise a
    conflict for the verifier to resolve."""
    return await run_in_threadpool(replay, _desk(request), principal, body)
