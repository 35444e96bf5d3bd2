"""JSON API for the exchange: a party's lists, drafts and matches; handovers at the crossing."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.exc import NoResultFound
from starlette.concurrency import run_in_threadpool

from homeward.domain.handover import InvalidTransition
from homeward.domain.lists import ListKind
from homeward.domain.values import Side
from homeward.services.access import (
    AccessDenied,
    Action,
    Decision,
    Principal,
    Resource,
    ResourceKind,
    Role,
    authorize,
)
from homeward.services.console import handover_brief, handover_card, involved_party
from homeward.services.disclosure import card_seen_by
from homeward.services.handover import Step, advance, find_by_code
from homeward.services.list_matching import Verdict, link_party, review_link, review_queue
from homeward.services.lists import list_drafts, list_versions, submit_registry
from homeward.web.context import guard, web
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


class HandoverOut(BaseModel):
    id: int
    state: str
    day: int
    from_party: str
    category: str
    code: str


class StepIn(BaseModel):
    step: Literal["check_in", "confirm_identity", "confirm_free_will", "release", "receive"]


@router.get("/parties/{party}/lists", responses=DENIED)
async def lists(
    request: Request,
    party: PartyCode,
    principal: Annotated[Principal, Depends(Require(ResourceKind.LIST, Action.READ))],
) -> list[ListVersionOut]:
    """Every version of the party's lists, and the other side's lists addressed to it."""
    side = Side(party)
    rows = await run_in_threadpool(list_versions, web(request).engine, (side, side.other))
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
        submit_registry, web(request).engine, web(request).events, Side(party), ListKind(body.kind)
    )
    return SubmitListOut(version=version)


@router.get("/parties/{party}/drafts", responses=DENIED)
async def drafts(
    request: Request,
    party: PartyCode,
    _p: Annotated[Principal, Depends(Require(ResourceKind.DRAFT, Action.READ))],
) -> list[DraftOut]:
    """What submitting each list now would change against its last version."""
    found = await run_in_threadpool(list_drafts, web(request).engine, Side(party))
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


async def _handover(request: Request, principal: Principal, handover_id: int) -> HandoverOut:
    try:
        card = await run_in_threadpool(handover_card, web(request).engine, handover_id)
    except NoResultFound:
        raise NotFound(f"no handover {handover_id}") from None
    # Both sides take part in every handover (one releases, one receives), so either
    # party may look at the card; only the receiving side may confirm receipt.
    await guard(
        request,
        principal,
        Action.READ,
        Resource(ResourceKind.HANDOVER, involved_party(principal, card), str(handover_id)),
    )
    card = card_seen_by(card, principal.party)  # a party reads "did not travel", no reason
    return HandoverOut(
        id=card["id"],
        state=card["state"],
        day=card["day"],
        from_party=card["from_party"],
        category=card["category"],
        code=card["code"],
    )


@router.get("/handovers/by-code/{code}", responses=DENIED)
async def by_code(
    request: Request,
    code: Annotated[str, Path(min_length=1, max_length=32)],
    principal: Annotated[Principal, Depends(Require(ResourceKind.HANDOVER, Action.READ))],
) -> HandoverOut:
    """The handover with this check-in code."""
    try:
        handover_id = await run_in_threadpool(find_by_code, web(request).engine, code)
    except KeyError:
        raise NotFound(f"no handover has check-in code {code!r}") from None
    return await _handover(request, principal, handover_id)


@router.post(
    "/handovers/{handover_id}/steps", responses={**DENIED, 409: {"description": "not now"}}
)
async def take_step(
    request: Request,
    handover_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: StepIn,
    principal: Annotated[
        Principal,
        Depends(Require(ResourceKind.HANDOVER, Action.WRITE, checks_object=True)),
    ],
) -> HandoverOut:
    """Take the next step of a handover (the field verifier; a receiving officer may only
    confirm receipt). 409 when the handover's state does not allow the step."""
    step = Step(body.step)
    context = web(request)

    # One worker-thread hop for the whole confirmation: at the crossing desk every
    # millisecond of latency is a person waiting.
    def work() -> HandoverOut:
        row = handover_brief(context.engine, handover_id)
        if row is None:
            raise NotFound(f"no handover {handover_id}")
        receiving = Side(row["from_party"]).other
        resource = Resource(ResourceKind.HANDOVER, receiving, str(handover_id))
        authorize(principal, Action.WRITE, resource, context.access_log)
        if principal.role is not Role.MEDIATOR_VERIFIER and step is not Step.RECEIVE:
            raise AccessDenied(Decision(False, "only the field verifier runs this step"))
        try:
            state = advance(
                handover_id, step, context.engine, context.events, actor=principal.username
            )
        except InvalidTransition as exc:
            raise Conflict(str(exc)) from None
        return HandoverOut(
            id=handover_id,
            state=state.value,
            day=row["day"],
            from_party=row["from_party"],
            category=row["category"],
            code=row["checkin_code"],
        )

    return await run_in_threadpool(work)
