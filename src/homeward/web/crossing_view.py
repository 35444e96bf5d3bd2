"""The crossing's answers in words and in JSON: one card builder for the page and the API.

``describe`` says what a rebalancing proposal does, by name, category and side, with what
it does to parity, in the reader's language; ``handover_out`` and ``proposal_out`` are the
API's shapes of the same typed results the page renders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, cast

from fastapi import Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from homeward.domain.tranche import ParityCount, Remedy
from homeward.services.access import Action, Principal, Resource, ResourceKind, decide
from homeward.services.crossing import (
    Card,
    Desk,
    ProposalView,
    QueuedStep,
    apply_queued,
    pending_proposals,
)
from homeward.services.handover import Step
from homeward.web.context import gettext_for

Gettext = Callable[..., str]


def parity_words(counts: Sequence[ParityCount], _: Gettext) -> str:
    """``day 1 military: UA 25 – RU 25; ...`` (``overall`` for parity over the exchange)."""
    parts = []
    for c in counts:
        where = _("overall") if c.day is None else _("day %(day)s", day=c.day)
        if c.category is not None:
            where = f"{where} {_(c.category.value)}"
        parts.append(f"{where}: UA {c.ua} – RU {c.ru}")
    return "; ".join(parts)


def describe(view: ProposalView, _: Gettext) -> str:
    """The proposal in words, with its effect on parity."""
    failed = view.failed.name
    why = _(view.exception.value) if view.exception else ""
    if view.remedy is Remedy.DROP:
        text = _(
            "%(name)s travels outside parity: dropped from day %(day)s; nobody replaces or counterbalances them.",  # noqa: E501
            name=failed,
            day=view.day,
        )
    elif view.remedy is Remedy.SUBSTITUTE:
        assert view.person is not None
        assert view.side is not None
        assert view.category is not None
        text = _(
            "%(side)s sends %(name)s (%(category)s), next in its reserve, in place of %(failed)s (%(why)s) on day %(day)s.",  # noqa: E501
            side=view.side.value,
            name=view.person.name,
            category=_(view.category.value),
            failed=failed,
            why=why,
            day=view.day,
        )
    else:
        assert view.person is not None
        assert view.side is not None
        assert view.category is not None
        text = _(
            "%(failed_side)s has no %(failed_category)s reserve left for %(failed)s (%(why)s): %(side)s holds back %(name)s (%(category)s, day %(day)s), who goes to the head of its reserve.",  # noqa: E501
            failed_side=view.failed_side.value,
            failed_category=_(view.failed_category.value),
            failed=failed,
            why=why,
            side=view.side.value,
            name=view.person.name,
            category=_(view.category.value),
            day=view.person_day,
        )
    now = parity_words(view.parity_now, _)
    after = parity_words(view.parity_after, _)
    if view.state == "pending":
        return f"{text} " + _("Parity now %(now)s; after: %(after)s.", now=now, after=after)
    return f"{text} " + _("Parity: %(now)s.", now=now)


class ProposalPersonOut(BaseModel):
    person_id: int
    name: str
    side: str
    category: str
    day: int | None


class ParityOut(BaseModel):
    day: int | None = Field(description="None: over the whole exchange")
    category: str | None = Field(description="None: all categories together")
    UA: int
    RU: int


class ProposalOut(BaseModel):
    id: int
    handover_id: int
    remedy: str = Field(description="substitute, hold_back or drop")
    state: str = Field(description="pending, accepted, declined or superseded")
    person: ProposalPersonOut | None = Field(
        description="The substitute or the person held back (none for a drop)"
    )
    text: str
    parity_after: list[ParityOut]


class HandoverOut(BaseModel):
    id: int
    code: str
    day: int
    from_party: str
    category: str
    state: str = Field(description="as the caller may see it: did_not_travel hides the reason")
    exception: str | None = None
    outside_parity: bool = False
    next_step: str | None = Field(None, description="the next step the caller may take")
    proposals: list[ProposalOut] = Field(default_factory=list)


def _parity(counts: Sequence[ParityCount]) -> list[ParityOut]:
    return [
        ParityOut(day=c.day, category=c.category.value if c.category else None, UA=c.ua, RU=c.ru)
        for c in counts
    ]


def proposal_out(view: ProposalView, _: Gettext) -> ProposalOut:
    person = None
    if view.person is not None and view.side is not None and view.category is not None:
        person = ProposalPersonOut(
            person_id=view.person.person_id,
            name=view.person.name,
            side=view.side.value,
            category=view.category.value,
            day=view.person_day,
        )
    return ProposalOut(
        id=view.id,
        handover_id=view.handover_id,
        remedy=view.remedy.value,
        state=view.state,
        person=person,
        text=describe(view, _),
        parity_after=_parity(view.parity_after),
    )


def handover_out(card: Card, _: Gettext) -> HandoverOut:
    return HandoverOut(
        id=card.id,
        code=card.code,
        day=card.day,
        from_party=card.from_party.value,
        category=card.category.value,
        state=card.state,
        exception=card.exception,
        outside_parity=card.outside_parity,
        next_step=card.next_step.value if card.next_step else None,
        proposals=[proposal_out(p, _) for p in card.proposals],
    )


def card_context(card: Card | None, _: Gettext) -> dict[str, Any]:
    """What the card template needs besides the card: proposals in words."""
    if card is None:
        return {"card": None}
    return {
        "card": card,
        "proposal_texts": {p.id: describe(p, _) for p in card.proposals},
        "parity_text": parity_words(card.parity, _),
    }


async def pending_proposals_context(request: Request, principal: Principal) -> dict[str, Any]:
    """The pending rebalancing proposals for the plan page: the mediator's only."""
    if not decide(principal, Action.READ, Resource(ResourceKind.PROPOSAL)).allowed:
        return {"proposals": [], "proposal_texts": {}}
    context = request.app.state.web
    desk = Desk(context.engine, context.events, context.access_log)
    views = await run_in_threadpool(pending_proposals, desk, principal)
    _ = gettext_for(request)
    return {
        "proposals": views,
        "proposal_texts": {v.id: describe(v, _) for v in views},
        "can_decide": decide(principal, Action.WRITE, Resource(ResourceKind.PROPOSAL)).allowed,
    }


class QueuedStepIn(BaseModel):
    id: str = Field(min_length=8, max_length=64, description="made by the device (a UUID)")
    seq: int = Field(ge=0, le=2**31 - 1, description="the device's own order")
    handover_id: int = Field(ge=1, le=2**31 - 1)
    step: Literal["check_in", "confirm_identity", "confirm_free_will", "release", "receive"]
    seen_state: str = Field(max_length=32, description="the state the device acted on")


class QueueIn(BaseModel):
    device: str = Field(min_length=8, max_length=64)
    steps: list[QueuedStepIn] = Field(max_length=1000)


class QueuedOut(BaseModel):
    id: str
    outcome: Literal["applied", "conflict", "duplicate"]
    state: str | None
    detail: str


def replay(desk: Desk, principal: Principal, body: QueueIn) -> list[QueuedOut]:
    """A device's outage queue through ``services.crossing.apply_queued`` (one hop)."""
    steps = [
        QueuedStep(s.id, body.device, s.seq, s.handover_id, Step(s.step), s.seen_state)
        for s in body.steps
    ]
    return [
        QueuedOut(id=o.id, outcome=cast(Any, o.outcome), state=o.state, detail=o.detail)
        for o in apply_queued(desk, principal, steps)
    ]
