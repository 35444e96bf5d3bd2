"""The crossing, one path for the console page and the API.

Each use case takes a principal, checks it against the access policy (every decision on a
person logged), works in one transaction and returns a typed ``Card``: take a step, record
an exception, accept or decline a rebalancing proposal, look a person up by code or by the
manifest's QR payload. Rebalancing is the domain's: the service loads the agreement's
``Exchange`` (tranches, reserves, who travels outside parity), asks it for a remedy or
applies the accepted one, stores the result and appends the event in the same transaction.

A failure leaves a *pending* proposal in ``rebalancing_proposals``: it survives a reload
or a restart until the mediator accepts it or declines it (a decline asks the exchange for
another remedy).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, NoResultFound

from homeward.adapters.db import inserted_id
from homeward.adapters.list_snapshots import shared_rows
from homeward.adapters.tables_exchange import (
    agreements,
    handovers,
    interview_notes,
    queued_steps,
    rebalancing_proposals,
    releases,
    reserves,
    tranches,
)
from homeward.adapters.tables_registry import persons
from homeward.domain.disclosure import exception_seen_by, state_seen_by
from homeward.domain.handover import (
    Handover,
    HandoverException,
    HandoverState,
    InvalidTransition,
)
from homeward.domain.tranche import (
    CannotRebalance,
    Exchange,
    HeadCount,
    Parity,
    ParityCount,
    Proposal,
    Remedy,
    Tranche,
    parity_counts,
)
from homeward.domain.values import Category, Side
from homeward.planning.manifest import ManifestRow
from homeward.services.access import (
    AccessDenied,
    AccessLog,
    Action,
    Principal,
    Resource,
    ResourceKind,
    authorize,
    decide,
    joined,
)
from homeward.services.disclosure import committed_outcome
from homeward.services.events import EventSink
from homeward.services.handover import Step, advance_in, free_code, load_handover, parse_code

PENDING, ACCEPTED, DECLINED, SUPERSEDED = "pending", "accepted", "declined", "superseded"
NEXT_STEP: dict[HandoverState, Step] = {
    HandoverState.PLANNED: Step.CHECK_IN,
    HandoverState.CHECKED_IN: Step.CONFIRM_IDENTITY,
    HandoverState.IDENTITY_CONFIRMED: Step.CONFIRM_FREE_WILL,
    HandoverState.FREE_WILL_CONFIRMED: Step.RELEASE,
    HandoverState.RELEASED: Step.RECEIVE,
}
_OPEN = (
    HandoverState.PLANNED,
    HandoverState.CHECKED_IN,
    HandoverState.IDENTITY_CONFIRMED,
    HandoverState.FREE_WILL_CONFIRMED,
)


@dataclass(frozen=True)
class Desk:
    """What the crossing's use cases reach: the database, the log, the access log."""

    engine: Engine
    events: EventSink
    access_log: AccessLog
    code_key: bytes | None = None  # the workspace's check-in code secret


@dataclass(frozen=True, slots=True)
class PersonView:
    person_id: int
    surname: str
    given_name: str
    patronymic: str
    date_of_birth: str
    rank: str
    service_number: str
    held_at: str

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A stored proposal in words: who substitutes or is held back, and what it does to
    parity (``parity_now``/``parity_after``: the counts the terms compare on the days
    concerned, or overall)."""

    id: int
    handover_id: int
    remedy: Remedy
    state: str
    day: int
    failed: PersonView
    failed_side: Side
    failed_category: Category
    exception: HandoverException | None
    person: PersonView | None
    side: Side | None
    category: Category | None
    person_day: int | None
    parity_now: tuple[ParityCount, ...]
    parity_after: tuple[ParityCount, ...]


@dataclass(frozen=True, slots=True)
class Card:
    """One person at the crossing as ``principal`` may see it, and what they may do."""

    id: int
    code: str
    day: int
    crossing: str
    from_party: Side
    category: Category
    state: str
    exception: str | None
    outside_parity: bool
    person: PersonView
    interview: str | None
    next_step: Step | None
    can_record_exception: bool
    can_decide: bool
    parity: tuple[ParityCount, ...]
    proposals: tuple[ProposalView, ...] = ()
    problem: str | None = None

    @property
    def to_party(self) -> Side:
        return self.from_party.other


@dataclass(frozen=True, slots=True)
class StepTaken:
    """What one confirmation changed, as the caller may see it, and the step it may take
    next (None when none is its to take)."""

    id: int
    step: Step
    previous: str
    state: str
    next_step: Step | None


@dataclass(frozen=True, slots=True)
class HandoverRow:
    id: int
    code: str
    day: int
    from_party: Side
    category: Category
    state: str


@dataclass(frozen=True, slots=True)
class Decided:
    """A settled proposal, the next one when a decline left the failure open (or why no
    remedy is left), and the card of the person concerned."""

    proposal: ProposalView
    next_proposal: ProposalView | None
    problem: str | None
    card: Card


@dataclass
class _Loaded:
    exchange: Exchange
    agreement_id: int
    tranche_ids: dict[int, int] = field(default_factory=dict)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- the stored model -------------------------------------------------------------------


def _agreement_of(conn: Connection, handover_id: int) -> int:
    found = conn.execute(
        select(tranches.c.agreement_id)
        .join(handovers, handovers.c.tranche_id == tranches.c.id)
        .where(handovers.c.id == handover_id)
    ).scalar()
    if found is None:
        raise NoResultFound(f"no handover {handover_id}")
    return int(found)


def _parity_of(conn: Connection, agreement_id: int) -> Parity:
    text = conn.execute(
        select(agreements.c.terms).where(agreements.c.id == agreement_id)
    ).scalar_one()
    terms = json.loads(text)
    return Parity(terms.get("parity") or Parity.PER_TRANCHE_AND_CATEGORY.value)


def load_exchange(conn: Connection, agreement_id: int) -> _Loaded:
    """The agreement's tranches, reserves and settled failures as the domain aggregate."""
    parity = _parity_of(conn, agreement_id)
    query = (
        select(tranches.c.id, tranches.c.day, tranches.c.date)
        .where(tranches.c.agreement_id == agreement_id)
        .order_by(tranches.c.day)
    )
    days = conn.execute(query).all()
    by_tranche: dict[int, Tranche] = {t.id: Tranche(t.day, t.date) for t in days}
    rows = conn.execute(
        select(handovers)
        .where(handovers.c.tranche_id.in_(list(by_tranche)))
        .order_by(handovers.c.position, handovers.c.id)
    ).all()
    for r in rows:
        tranche = by_tranche[r.tranche_id]
        tranche.handovers.append(_handover(r, tranche.day))
    released = select(releases.c.person_id)
    reserve: dict[Side, dict[Category, list[int]]] = {}
    for r in conn.execute(
        select(reserves.c.person_id, reserves.c.party, reserves.c.category)
        .where(
            reserves.c.agreement_id == agreement_id,
            reserves.c.used_by.is_(None),
            reserves.c.person_id.not_in(released),
        )
        .order_by(reserves.c.rank, reserves.c.person_id)
    ):
        reserve.setdefault(Side(r.party), {}).setdefault(Category(r.category), []).append(
            int(r.person_id)
        )
    settled = set(
        conn.execute(
            select(rebalancing_proposals.c.handover_id).where(
                rebalancing_proposals.c.state == ACCEPTED,
                rebalancing_proposals.c.handover_id.in_(
                    select(handovers.c.id).where(handovers.c.tranche_id.in_(list(by_tranche)))
                ),
            )
        ).scalars()
    )
    exchange = Exchange(parity, list(by_tranche.values()), reserve, settled)
    return _Loaded(exchange, agreement_id, {t.day: t.id for t in days})


def _parity_now(conn: Connection, agreement_id: int, day: int) -> list[ParityCount]:
    """The parity counts the card shows, summed by the database (one row per day, side,
    category and state) rather than loaded person by person: that day's tranche, or every
    tranche when parity is over the whole exchange."""
    parity = _parity_of(conn, agreement_id)
    query = (
        select(
            tranches.c.day,
            handovers.c.from_party,
            handovers.c.category,
            handovers.c.state,
            handovers.c.outside_parity,
            func.count(),
        )
        .join(tranches, tranches.c.id == handovers.c.tranche_id)
        .where(tranches.c.agreement_id == agreement_id)
        .group_by(
            tranches.c.day,
            handovers.c.from_party,
            handovers.c.category,
            handovers.c.state,
            handovers.c.outside_parity,
        )
    )
    days_query = select(tranches.c.day).where(tranches.c.agreement_id == agreement_id)
    if parity is not Parity.OVERALL:
        query = query.where(tranches.c.day == day)
        days_query = days_query.where(tranches.c.day == day)
    heads = [
        HeadCount(int(r[0]), Side(r[1]), Category(r[2]), HandoverState(r[3]), bool(r[4]), int(r[5]))
        for r in conn.execute(query)
    ]
    return parity_counts(parity, list(conn.execute(days_query).scalars()), heads)


def _handover(r: object, day: int) -> Handover:
    row = r._mapping  # type: ignore[attr-defined]
    return Handover(
        person_id=int(row["person_id"]),
        from_side=Side(row["from_party"]),
        category=Category(row["category"]),
        day=day,
        state=HandoverState(row["state"]),
        exception=HandoverException(row["exception"]) if row["exception"] else None,
        substitute_for=row["substitute_for"],
        id=int(row["id"]),
        position=int(row["position"]),
        outside_parity=bool(row["outside_parity"]),
    )


def _store_state(conn: Connection, handover: Handover) -> None:
    conn.execute(
        update(handovers)
        .where(handovers.c.id == handover.id)
        .values(
            state=handover.state.value,
            exception=handover.exception.value if handover.exception else None,
            updated_at=_now(),
        )
    )


def _declined(conn: Connection, failed_id: int) -> set[tuple[Remedy, int | None]]:
    """Remedies ruled out for ``failed_id``: declined for it, or promised to another
    pending proposal (so two proposals never name the same person)."""
    out: set[tuple[Remedy, int | None]] = set()
    for r in conn.execute(
        select(rebalancing_proposals).where(
            (
                (rebalancing_proposals.c.handover_id == failed_id)
                & (rebalancing_proposals.c.state == DECLINED)
            )
            | (
                (rebalancing_proposals.c.handover_id != failed_id)
                & (rebalancing_proposals.c.state == PENDING)
            )
        )
    ):
        remedy = Remedy(r.remedy)
        out.add((remedy, r.held_back_id if remedy is Remedy.HOLD_BACK else r.person_id))
    return out


def _propose_and_store(conn: Connection, loaded: _Loaded, failed_id: int) -> int:
    """Ask the exchange for a remedy and keep it pending; returns the proposal's id."""
    proposal = loaded.exchange.propose(failed_id, _declined(conn, failed_id))
    return int(
        inserted_id(
            conn.execute(
                insert(rebalancing_proposals).values(
                    handover_id=failed_id,
                    remedy=proposal.remedy.value,
                    person_id=proposal.person_id,
                    party=proposal.side.value if proposal.side else None,
                    category=proposal.category.value if proposal.category else None,
                    day=proposal.day,
                    held_back_id=proposal.held_back,
                    state=PENDING,
                    created_at=_now(),
                )
            )
        )
    )


def _proposal_of(row: object) -> Proposal:
    r = row._mapping  # type: ignore[attr-defined]
    return Proposal(
        failed=int(r["handover_id"]),
        remedy=Remedy(r["remedy"]),
        person_id=r["person_id"],
        side=Side(r["party"]) if r["party"] else None,
        category=Category(r["category"]) if r["category"] else None,
        day=r["day"],
        held_back=r["held_back_id"],
    )


def _apply_and_store(
    conn: Connection,
    loaded: _Loaded,
    proposal: Proposal,
    events: EventSink,
    actor: str,
    code_key: bytes | None = None,
) -> int | None:
    """Apply an accepted proposal to the stored model; the handover it created or held
    back (``None`` for a drop)."""
    failed = loaded.exchange.handover(proposal.failed)
    changed = loaded.exchange.apply(proposal)
    base = {
        "day": failed.day,
        "failed_handover": proposal.failed,
        "from": failed.from_side.value,
        "category": failed.category.value,
        "confirmed_by": actor,
    }
    if changed is None:
        events.append(conn, "OutsideParityDropped", base)
        return None
    if proposal.remedy is Remedy.SUBSTITUTE:
        new_id = int(
            inserted_id(
                conn.execute(
                    insert(handovers).values(
                        tranche_id=loaded.tranche_ids[changed.day],
                        person_id=changed.person_id,
                        from_party=changed.from_side.value,
                        category=changed.category.value,
                        state=HandoverState.PLANNED.value,
                        substitute_for=proposal.failed,
                        checkin_code=free_code(
                            conn, loaded.agreement_id, changed.person_id, set(), code_key
                        ),
                        position=changed.position,
                        outside_parity=False,
                        updated_at=_now(),
                    )
                )
            )
        )
        changed.id = new_id
        conn.execute(
            update(reserves)
            .where(
                reserves.c.agreement_id == loaded.agreement_id,
                reserves.c.person_id == changed.person_id,
            )
            .values(used_by=new_id)
        )
        events.append(
            conn,
            "SubstituteAssigned",
            {**base, "handover": new_id, "person": events.person_ref(conn, changed.person_id)},
        )
        return new_id
    assert changed.id is not None
    _store_state(conn, changed)
    _to_head_of_reserve(conn, loaded.agreement_id, changed)
    events.append(
        conn,
        "CounterpartHeldBack",
        {
            **base,
            "handover": changed.id,
            "held_back_day": changed.day,
            "person": events.person_ref(conn, changed.person_id),
            "held_back_from": changed.from_side.value,
            "held_back_category": changed.category.value,
        },
    )
    return changed.id


def _to_head_of_reserve(conn: Connection, agreement_id: int, held: Handover) -> None:
    first = conn.execute(
        select(func.min(reserves.c.rank)).where(
            reserves.c.agreement_id == agreement_id,
            reserves.c.party == held.from_side.value,
            reserves.c.category == held.category.value,
        )
    ).scalar()
    rank = (int(first) if first is not None else 1) - 1
    exists = conn.execute(
        select(reserves.c.person_id).where(
            reserves.c.agreement_id == agreement_id, reserves.c.person_id == held.person_id
        )
    ).first()
    if exists:
        conn.execute(
            update(reserves)
            .where(reserves.c.agreement_id == agreement_id, reserves.c.person_id == held.person_id)
            .values(rank=rank, used_by=None, party=held.from_side.value)
        )
    else:
        conn.execute(
            insert(reserves).values(
                agreement_id=agreement_id,
                person_id=held.person_id,
                party=held.from_side.value,
                category=held.category.value,
                rank=rank,
            )
        )


# -- reading ----------------------------------------------------------------------------


def _person(conn: Connection, person_id: int, holder: Side, viewer: Side) -> PersonView:
    """The person as ``viewer`` may see them: the holder reads its registry as it is; anyone
    else the row as the holder last submitted it to them (blank if it never did)."""
    if viewer is holder:
        p: Any = conn.execute(select(persons).where(persons.c.id == person_id)).one()
    else:
        shared = shared_rows(conn, [person_id], viewer).get(person_id)
        p = SimpleNamespace(**dict.fromkeys(_PERSON_VIEW_FIELDS))
        for name, value in (shared or {}).items():
            setattr(p, name, value)
    return PersonView(
        person_id=person_id,
        surname=p.surname or "",
        given_name=p.given_name or "",
        patronymic=p.patronymic or "",
        date_of_birth=p.date_of_birth or "",
        rank=p.rank or "",
        service_number=p.service_number or "",
        held_at=p.held_at or "",
    )


_PERSON_VIEW_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "date_of_birth",
    "rank",
    "service_number",
    "held_at",
)


def _relevant(counts: list[ParityCount], days: Collection[int]) -> tuple[ParityCount, ...]:
    return tuple(c for c in counts if c.day is None or c.day in days)


def _proposal_view(conn: Connection, row: object, loaded: _Loaded | None = None) -> ProposalView:
    r = row._mapping  # type: ignore[attr-defined]
    failed_id = int(r["handover_id"])
    loaded = loaded or load_exchange(conn, _agreement_of(conn, failed_id))
    failed = loaded.exchange.handover(failed_id)
    proposal = _proposal_of(row)
    days = {failed.day} | ({proposal.day} if proposal.day is not None else set())
    now = _relevant(loaded.exchange.parity_counts(), days)
    after = now
    if r["state"] == PENDING:
        trial = load_exchange(conn, loaded.agreement_id)
        try:
            trial.exchange.apply(proposal)
            after = _relevant(trial.exchange.parity_counts(), days)
        except CannotRebalance:
            after = now
    return ProposalView(
        id=int(r["id"]),
        handover_id=failed_id,
        remedy=proposal.remedy,
        state=str(r["state"]),
        day=failed.day,
        failed=_person(conn, failed.person_id, failed.from_side, Side.MEDIATOR),
        failed_side=failed.from_side,
        failed_category=failed.category,
        exception=failed.exception,
        person=(
            _person(conn, proposal.person_id, proposal.side, Side.MEDIATOR)
            if proposal.person_id is not None and proposal.side is not None
            else None
        ),
        side=proposal.side,
        category=proposal.category,
        person_day=proposal.day,
        parity_now=now,
        parity_after=after,
    )


def _may(principal: Principal, action: Action, kind: ResourceKind, party: Side | None) -> bool:
    return decide(principal, action, Resource(kind, party)).allowed


def _involved(principal: Principal, from_party: Side) -> Side:
    """The party a reader stands for in a handover: a party is always one of the two sides
    (one releases, one receives); the mediator reads on behalf of the receiving side."""
    return principal.party if principal.role.is_party else from_party.other


def _card_in(
    conn: Connection, desk: Desk, principal: Principal, handover_id: int, *, check: bool = True
) -> Card:
    row = conn.execute(
        select(handovers, tranches.c.day, tranches.c.crossing, tranches.c.agreement_id)
        .join(tranches, tranches.c.id == handovers.c.tranche_id)
        .where(handovers.c.id == handover_id)
    ).first()
    if row is None:
        raise NoResultFound(f"no handover {handover_id}")
    from_party = Side(row.from_party)
    if check:
        authorize(
            principal,
            Action.READ,
            Resource(ResourceKind.HANDOVER, _involved(principal, from_party), str(handover_id)),
            desk.access_log,
        )
    state = HandoverState(row.state)
    exception = HandoverException(row.exception) if row.exception else None
    viewer = principal.party
    interview = None
    if _may(principal, Action.READ, ResourceKind.INTERVIEW, None):
        interview = conn.execute(
            select(interview_notes.c.outcome).where(interview_notes.c.handover_id == handover_id)
        ).scalar()
    step = NEXT_STEP.get(state)
    if step is Step.RECEIVE:
        allowed = _may(principal, Action.WRITE, ResourceKind.RECEIPT, from_party.other)
    else:
        allowed = _may(principal, Action.WRITE, ResourceKind.HANDOVER, from_party.other)
    can_decide = _may(principal, Action.WRITE, ResourceKind.PROPOSAL, None)
    parity_now = _parity_now(conn, int(row.agreement_id), int(row.day))
    proposals: tuple[ProposalView, ...] = ()
    if _may(principal, Action.READ, ResourceKind.PROPOSAL, None):
        pending = conn.execute(
            select(rebalancing_proposals)
            .where(
                rebalancing_proposals.c.state == PENDING,
                (rebalancing_proposals.c.handover_id == handover_id)
                | (rebalancing_proposals.c.held_back_id == handover_id),
            )
            .order_by(rebalancing_proposals.c.id)
        ).all()
        if pending:
            loaded = load_exchange(conn, int(row.agreement_id))
            proposals = tuple(_proposal_view(conn, p, loaded) for p in pending)
    return Card(
        id=int(row.id),
        code=row.checkin_code,
        day=int(row.day),
        crossing=row.crossing,
        from_party=from_party,
        category=Category(row.category),
        state=state_seen_by(state, exception, viewer),
        exception=(seen.value if (seen := exception_seen_by(exception, viewer)) else None),
        outside_parity=bool(row.outside_parity),
        person=_person(conn, int(row.person_id), from_party, viewer),
        interview=interview,
        next_step=step if allowed else None,
        can_record_exception=state in _OPEN
        and _may(principal, Action.WRITE, ResourceKind.HANDOVER, from_party.other),
        can_decide=can_decide,
        parity=_relevant(parity_now, {int(row.day)}),
        proposals=proposals,
    )


def card(desk: Desk, principal: Principal, handover_id: int) -> Card:
    """One person's card (``NoResultFound`` if there is no such handover)."""
    with desk.engine.connect() as conn:
        return _card_in(conn, desk, principal, handover_id)


def lookup(desk: Desk, principal: Principal, code: str) -> Card:
    """The card for a check-in code or the manifest's QR payload (``HW1:day-1:RU:CODE``);
    ``NoResultFound`` when nobody has it."""
    cleaned = parse_code(code)
    with desk.engine.connect() as conn:
        found = conn.execute(
            select(handovers.c.id).where(handovers.c.checkin_code == cleaned)
        ).scalar()
        if found is None:
            raise NoResultFound(f"no handover has check-in code {cleaned!r}")
        return _card_in(conn, desk, principal, int(found))


def list_handovers(
    desk: Desk, principal: Principal, day: int | None = None, state: str | None = None
) -> list[HandoverRow]:
    """Handovers the caller may see (a party: those it releases or receives, which is
    every handover), in plan order; ``state`` as the caller sees it."""
    authorize(principal, Action.READ, Resource(ResourceKind.HANDOVER), desk.access_log)
    query = (
        select(
            handovers.c.id,
            handovers.c.checkin_code,
            handovers.c.from_party,
            handovers.c.category,
            handovers.c.state,
            handovers.c.exception,
            tranches.c.day,
        )
        .join(tranches, tranches.c.id == handovers.c.tranche_id)
        .order_by(tranches.c.day, handovers.c.position, handovers.c.id)
    )
    if day is not None:
        query = query.where(tranches.c.day == day)
    with desk.engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    for r in rows:
        seen = state_seen_by(
            HandoverState(r.state),
            HandoverException(r.exception) if r.exception else None,
            principal.party,
        )
        if state is not None and seen != state:
            continue
        out.append(
            HandoverRow(
                int(r.id),
                r.checkin_code,
                int(r.day),
                Side(r.from_party),
                Category(r.category),
                seen,
            )
        )
    return out


def pending_proposals(desk: Desk, principal: Principal, state: str = PENDING) -> list[ProposalView]:
    """Proposals in ``state`` (the mediator's alone), oldest first."""
    authorize(principal, Action.READ, Resource(ResourceKind.PROPOSAL), desk.access_log)
    with desk.engine.connect() as conn:
        rows = conn.execute(
            select(rebalancing_proposals)
            .where(rebalancing_proposals.c.state == state)
            .order_by(rebalancing_proposals.c.id)
        ).all()
        cache: dict[int, _Loaded] = {}
        out = []
        for r in rows:
            agreement = _agreement_of(conn, int(r.handover_id))
            if agreement not in cache:
                cache[agreement] = load_exchange(conn, agreement)
            out.append(_proposal_view(conn, r, cache[agreement]))
        return out


# -- acting -----------------------------------------------------------------------------


def take_step(
    desk: Desk, principal: Principal, handover_id: int, step: Step, note: str | None = None
) -> Card:
    """Take one step for ``principal``: receipt by the receiving party's officer alone,
    every other step by the field verifier (``InvalidTransition`` when the state does not
    allow it); answers the whole card."""
    with joined(desk.engine, desk.access_log) as (conn, log):
        _step_in(conn, desk, principal, handover_id, step, note, log)
        return _card_in(conn, desk, principal, handover_id, check=False)


def confirm_step(
    desk: Desk, principal: Principal, handover_id: int, step: Step, note: str | None = None
) -> StepTaken:
    """``take_step`` answering what changed rather than the card: the access decision,
    the step and its ledger event in one transaction, nothing read again."""
    with joined(desk.engine, desk.access_log) as (conn, log):
        return _step_in(conn, desk, principal, handover_id, step, note, log)


def confirm_in(
    conn: Connection,
    desk: Desk,
    log: AccessLog,
    principal: Principal,
    handover_id: int,
    step: Step,
) -> StepTaken:
    """One confirmation inside the caller's transaction, its decisions kept by ``log``
    (``services.crossing_writer`` applies many in one transaction)."""
    return _step_in(conn, desk, principal, handover_id, step, None, log)


def _step_in(
    conn: Connection,
    desk: Desk,
    principal: Principal,
    handover_id: int,
    step: Step,
    note: str | None = None,
    log: AccessLog | None = None,
) -> StepTaken:
    """One step inside the caller's transaction, after the access policy said yes (its
    decision logged through ``log``: in this transaction, or else on its own)."""
    log = log or desk.access_log
    handover = load_handover(conn, handover_id)
    receiving = handover.from_side.other
    was = state_seen_by(handover.state, handover.exception, principal.party)
    kind = ResourceKind.RECEIPT if step is Step.RECEIVE else ResourceKind.HANDOVER
    authorize(principal, Action.WRITE, Resource(kind, receiving, str(handover_id)), log)
    if note and step is Step.CONFIRM_FREE_WILL:
        authorize(
            principal, Action.WRITE, Resource(ResourceKind.INTERVIEW, None, str(handover_id)), log
        )
    state = advance_in(
        conn,
        handover_id,
        step,
        desk.events,
        actor=principal.username,
        note=note if step is Step.CONFIRM_FREE_WILL else None,
        loaded=handover,
    )
    after = NEXT_STEP.get(state)
    next_kind = ResourceKind.RECEIPT if after is Step.RECEIVE else ResourceKind.HANDOVER
    return StepTaken(
        id=handover_id,
        step=step,
        previous=was,
        state=state_seen_by(state, handover.exception, principal.party),
        next_step=after if after and _may(principal, Action.WRITE, next_kind, receiving) else None,
    )


def record_exception(
    desk: Desk,
    principal: Principal,
    handover_id: int,
    exception: HandoverException,
    note: str | None = None,
) -> Card:
    """Mark the handover failed and leave a pending proposal that keeps parity; the card
    carries it (or, in ``problem``, why no remedy is left)."""
    with joined(desk.engine, desk.access_log) as (conn, log):
        row = conn.execute(
            select(handovers.c.from_party).where(handovers.c.id == handover_id)
        ).first()
        if row is None:
            raise NoResultFound(f"no handover {handover_id}")
        receiving = Side(row.from_party).other
        authorize(
            principal,
            Action.WRITE,
            Resource(ResourceKind.HANDOVER, receiving, str(handover_id)),
            log,
        )
        if note:
            authorize(
                principal,
                Action.WRITE,
                Resource(ResourceKind.INTERVIEW, None, str(handover_id)),
                log,
            )
        loaded = load_exchange(conn, _agreement_of(conn, handover_id))
        failed = loaded.exchange.handover(handover_id)
        failed.fail(exception)
        _store_state(conn, failed)
        if note:
            conn.execute(
                insert(interview_notes).values(
                    handover_id=handover_id,
                    outcome=exception.value,
                    note=note,
                    recorded_by=principal.username,
                    recorded_at=_now(),
                )
            )
        desk.events.append(
            conn,
            "HandoverFailed",
            {
                "handover": handover_id,
                "day": failed.day,
                "person": desk.events.person_ref(conn, failed.person_id),
                "from": failed.from_side.value,
                "category": failed.category.value,
                # "did_not_travel" for the mediator's findings, and a sealed commitment
                **committed_outcome(conn, handover_id, exception),
                "by": principal.username,
            },
        )
        problem = None
        try:
            _propose_and_store(conn, loaded, handover_id)
        except CannotRebalance as exc:
            problem = str(exc)
        shown = _card_in(conn, desk, principal, handover_id, check=False)
    return _with_problem(shown, problem)


def _with_problem(shown: Card, problem: str | None) -> Card:
    return shown if problem is None else replace(shown, problem=problem)


def decide_proposal(desk: Desk, principal: Principal, proposal_id: int, accept: bool) -> Decided:
    """Accept (apply) or decline a pending proposal. A decline, or an accept that finds the
    proposal stale, asks the exchange for the next remedy and keeps it pending."""
    with joined(desk.engine, desk.access_log) as (conn, log):
        authorize(
            principal,
            Action.WRITE,
            Resource(ResourceKind.PROPOSAL, None, str(proposal_id)),
            log,
        )
        row = conn.execute(
            select(rebalancing_proposals).where(rebalancing_proposals.c.id == proposal_id)
        ).first()
        if row is None:
            raise NoResultFound(f"no proposal {proposal_id}")
        claimed = conn.execute(
            update(rebalancing_proposals)
            .where(
                rebalancing_proposals.c.id == proposal_id,
                rebalancing_proposals.c.state == PENDING,
            )
            .values(state=DECLINED, decided_at=_now(), decided_by=principal.username)
        ).rowcount
        if claimed != 1:
            raise InvalidTransition(f"proposal {proposal_id} is already {row.state}")
        failed_id = int(row.handover_id)
        loaded = load_exchange(conn, _agreement_of(conn, failed_id))
        problem = None
        result: int | None = None
        settled = False
        if accept:
            try:
                result = _apply_and_store(
                    conn, loaded, _proposal_of(row), desk.events, principal.username, desk.code_key
                )
                settled = True
                conn.execute(
                    update(rebalancing_proposals)
                    .where(rebalancing_proposals.c.id == proposal_id)
                    .values(state=ACCEPTED, result_handover_id=result)
                )
            except CannotRebalance as exc:
                problem = str(exc)
                conn.execute(
                    update(rebalancing_proposals)
                    .where(rebalancing_proposals.c.id == proposal_id)
                    .values(state=SUPERSEDED)
                )
        else:
            desk.events.append(
                conn,
                "RebalancingDeclined",
                {
                    "failed_handover": failed_id,
                    "remedy": row.remedy,
                    "confirmed_by": principal.username,
                },
            )
        next_view = None
        if not settled:
            loaded = load_exchange(conn, loaded.agreement_id)
            try:
                next_id = _propose_and_store(conn, loaded, failed_id)
                next_row = conn.execute(
                    select(rebalancing_proposals).where(rebalancing_proposals.c.id == next_id)
                ).one()
                next_view = _proposal_view(conn, next_row)
            except CannotRebalance as exc:
                problem = str(exc) if problem is None else f"{problem}; {exc}"
        done = conn.execute(
            select(rebalancing_proposals).where(rebalancing_proposals.c.id == proposal_id)
        ).one()
        view = _proposal_view(conn, done)
        shown = _card_in(
            conn, desk, principal, result if result is not None else failed_id, check=False
        )
    return Decided(view, next_view, problem, shown)


def proposal(desk: Desk, principal: Principal, proposal_id: int) -> ProposalView:
    """One proposal (the mediator's alone)."""
    authorize(
        principal,
        Action.READ,
        Resource(ResourceKind.PROPOSAL, None, str(proposal_id)),
        desk.access_log,
    )
    with desk.engine.connect() as conn:
        row = conn.execute(
            select(rebalancing_proposals).where(rebalancing_proposals.c.id == proposal_id)
        ).first()
        if row is None:
            raise NoResultFound(f"no proposal {proposal_id}")
        return _proposal_view(conn, row)


def settle_everything(
    desk: Desk, principal: Principal, failed_ids: Collection[int]
) -> list[int | None]:
    """Accept the pending proposal of each failed handover (the demo's mediator)."""
    out: list[int | None] = []
    for failed_id in failed_ids:
        with desk.engine.connect() as conn:
            pid = conn.execute(
                select(rebalancing_proposals.c.id).where(
                    rebalancing_proposals.c.handover_id == failed_id,
                    rebalancing_proposals.c.state == PENDING,
                )
            ).scalar()
        if pid is not None:
            decided = decide_proposal(desk, principal, int(pid), accept=True)
            out.append(decided.card.id)
    return out


def manifest_reserve(engine: Engine, tranche_id: int, side: Side) -> list[ManifestRow]:
    """The reserve ``side`` keeps for the agreement of ``tranche_id``, in order (best
    first): people not handed over, not released and not due in any tranche. They have no
    check-in code until a substitution puts them in a tranche."""
    with engine.connect() as conn:
        agreement = conn.execute(
            select(tranches.c.agreement_id).where(tranches.c.id == tranche_id)
        ).scalar_one()
        due = select(handovers.c.person_id).where(
            handovers.c.state.not_in([HandoverState.FAILED.value, HandoverState.WITHDRAWN.value])
        )
        rows = conn.execute(
            select(reserves.c.category, persons)
            .join(persons, persons.c.id == reserves.c.person_id)
            .where(
                reserves.c.agreement_id == agreement,
                reserves.c.party == side.value,
                reserves.c.used_by.is_(None),
                reserves.c.person_id.not_in(select(releases.c.person_id)),
                reserves.c.person_id.not_in(due),
            )
            .order_by(reserves.c.rank, reserves.c.person_id)
        ).all()
    return [
        ManifestRow(
            "", r.surname, r.given_name, r.patronymic or "", r.date_of_birth or "", r.category
        )
        for r in rows
    ]


# -- steps taken offline ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueuedStep:
    """A step a device took while the network was down: ``id`` is made by the device,
    ``seq`` orders one device's steps, ``seen_state`` is the state it acted on."""

    id: str
    device: str
    seq: int
    handover_id: int
    step: Step
    seen_state: str


@dataclass(frozen=True, slots=True)
class QueuedOutcome:
    """``applied``, ``conflict`` (not applied: ``detail`` says why, ``state`` is what the
    handover is now) or ``duplicate`` (already sent: the first answer again)."""

    id: str
    outcome: str
    state: str | None
    detail: str


def apply_queued(
    desk: Desk, principal: Principal, steps: Collection[QueuedStep]
) -> list[QueuedOutcome]:
    """Apply steps replayed from a device's outage queue: each at most once (its id is
    kept with its outcome), in the device's order, and only when the handover is still in
    the state the device saw; otherwise a conflict, recorded and answered, never applied
    over what another device did meanwhile. The log's order is the order applied here."""
    out = []
    for item in sorted(steps, key=lambda s: (s.device, s.seq)):
        out.append(_apply_one(desk, principal, item))
    return out


def _apply_one(desk: Desk, principal: Principal, item: QueuedStep) -> QueuedOutcome:
    try:
        return _apply_one_in(desk, principal, item)
    except IntegrityError:  # the same id or device step arrived twice at once: one won
        with desk.engine.connect() as conn:
            seen = conn.execute(select(queued_steps).where(queued_steps.c.id == item.id)).first()
        if seen is None:
            return QueuedOutcome(item.id, "conflict", None, "this device already sent that step")
        return QueuedOutcome(item.id, "duplicate", seen.state_after, seen.detail)


def _apply_one_in(desk: Desk, principal: Principal, item: QueuedStep) -> QueuedOutcome:
    with joined(desk.engine, desk.access_log) as (conn, log):
        seen = conn.execute(select(queued_steps).where(queued_steps.c.id == item.id)).first()
        if seen is not None:
            return QueuedOutcome(item.id, "duplicate", seen.state_after, seen.detail)
        last = conn.execute(
            select(func.max(queued_steps.c.seq)).where(queued_steps.c.device == item.device)
        ).scalar()
        if last is not None and item.seq <= int(last):
            # Out of order (or a second step under one number): not applied, not kept, so
            # the device's own order stays the only order its steps are applied in.
            return QueuedOutcome(
                item.id, "conflict", None, f"arrived after this device's step {last}"
            )
        current = conn.execute(
            select(handovers.c.state, handovers.c.exception).where(
                handovers.c.id == item.handover_id
            )
        ).first()
        outcome, detail = "applied", ""
        if current is None:
            outcome, detail = "conflict", f"no handover {item.handover_id}"
        else:
            now = state_seen_by(
                HandoverState(current.state),
                HandoverException(current.exception) if current.exception else None,
                principal.party,
            )
            if now != item.seen_state:
                outcome = "conflict"
                detail = f"the handover is now {now}, not {item.seen_state} as this device saw"
            else:
                try:  # both are raised before the step writes anything
                    _step_in(conn, desk, principal, item.handover_id, item.step, log=log)
                except (InvalidTransition, AccessDenied) as exc:
                    outcome, detail = "conflict", str(exc)
        state_after = conn.execute(
            select(handovers.c.state).where(handovers.c.id == item.handover_id)
        ).scalar()
        conn.execute(
            insert(queued_steps).values(
                id=item.id,
                device=item.device,
                seq=item.seq,
                handover_id=item.handover_id,
                step=item.step.value,
                seen_state=item.seen_state,
                username=principal.username,
                outcome=outcome,
                detail=detail,
                state_after=state_after,
                received_at=_now(),
            )
        )
        return QueuedOutcome(item.id, outcome, state_after, detail)
