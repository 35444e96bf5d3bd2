"""Who may do what to whose data: the one access policy every web and API call goes through.

The policy is a pure function of a Principal, an Action and a Resource; ``authorize`` applies
it and writes every decision on personal data to the access log, then raises AccessDenied
when the answer is no. Templates never decide access.

>>> officer = Principal(1, "ua.officer", Side.UA, Role.PARTY_OFFICER)
>>> decide(officer, Action.READ, Resource(ResourceKind.REGISTRY, Side.RU)).allowed
False
"""

# Every rule takes (principal, action, resource) to fit one dispatch table, used or not,
# and reads as one ladder of returns, like the decision table it is:
# ruff: noqa: ARG001, PLR0911

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sqlalchemy import Connection, Engine, insert

from homeward.adapters.tables_web import access_log
from homeward.domain.values import Side


class Role(StrEnum):
    PARTY_OFFICER = "party_officer"
    PARTY_VIEWER = "party_viewer"
    MEDIATOR_COORDINATOR = "mediator_coordinator"
    MEDIATOR_VERIFIER = "mediator_field_verifier"
    ADMINISTRATOR = "administrator"

    @property
    def is_party(self) -> bool:
        return self in (Role.PARTY_OFFICER, Role.PARTY_VIEWER)

    @property
    def is_mediator(self) -> bool:
        return self in (Role.MEDIATOR_COORDINATOR, Role.MEDIATOR_VERIFIER)


PARTY_ROLES = (Role.PARTY_OFFICER, Role.PARTY_VIEWER)
MEDIATOR_ROLES = (Role.MEDIATOR_COORDINATOR, Role.MEDIATOR_VERIFIER, Role.ADMINISTRATOR)


def check_role_party(role: Role, party: Side) -> None:
    """Party roles belong to UA or RU; mediator roles and the administrator to MED."""
    if role.is_party and party is Side.MEDIATOR:
        raise ValueError(f"role {role} belongs to a party (UA or RU), not MED")
    if not role.is_party and party is not Side.MEDIATOR:
        raise ValueError(f"role {role} belongs to the mediator (MED), not {party}")


class Action(StrEnum):
    READ = "read"
    WRITE = "write"
    SIGN = "sign"


class ResourceKind(StrEnum):
    """What is being reached. PUBLIC, LEDGER and REPORT hold no personal data."""

    PUBLIC = "public"
    REPORT = "report"
    LEDGER = "ledger"
    ACCOUNT = "account"
    USERS = "users"
    REGISTRY = "registry"
    QUARANTINE = "quarantine"
    DRAFT = "draft"
    LIST = "list"
    MATCH = "match"
    AGREEMENT = "agreement"
    PLAN = "plan"
    HANDOVER = "handover"
    RECEIPT = "receipt"
    PROPOSAL = "proposal"
    INTERVIEW = "interview"
    EXCHANGE = "exchange"


PERSONAL = frozenset(
    {
        ResourceKind.REGISTRY,
        ResourceKind.QUARANTINE,
        ResourceKind.DRAFT,
        ResourceKind.LIST,
        ResourceKind.MATCH,
        ResourceKind.PLAN,
        ResourceKind.HANDOVER,
        ResourceKind.RECEIPT,
        ResourceKind.PROPOSAL,
        ResourceKind.INTERVIEW,
    }
)


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user: their party (UA, RU or MED) and role."""

    user_id: int
    username: str
    party: Side
    role: Role
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Resource:
    """What a call touches: its kind, the party that owns it (None: the exchange as a
    whole), an id for the log, and whether the owner shared it with the other side."""

    kind: ResourceKind
    party: Side | None = None
    ident: str | None = None
    shared: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str
    # 404 hides that another party's object exists at all; 403 says "not for your role".
    status: int = 200


class AccessDenied(Exception):
    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.reason)
        self.decision = decision

    @property
    def status(self) -> int:
        return self.decision.status if self.decision.status >= 400 else 403


def _yes(reason: str) -> Decision:
    return Decision(True, reason)


def _no(reason: str, status: int = 403) -> Decision:
    return Decision(False, reason, status)


def _party_data(p: Principal, action: Action, r: Resource) -> Decision:
    """Registries, quarantine and drafts: the owning party only; officers write."""
    if not p.role.is_party:
        return _no(f"{r.kind} belongs to the parties")
    if r.party is not None and r.party is not p.party:
        return _no(f"{r.kind} of {r.party} is not shared", 404)
    if action is Action.READ or p.role is Role.PARTY_OFFICER:
        return _yes("own party")
    return _no("viewers cannot change data")


def _exchange_data(p: Principal, action: Action, r: Resource) -> Decision:
    """Lists and matches: the owning party, the other side when shared, the mediator."""
    if p.role is Role.MEDIATOR_COORDINATOR:
        return _yes("the mediator coordinates the exchange")
    if p.role is Role.MEDIATOR_VERIFIER:
        return _yes("the mediator verifies") if action is Action.READ else _no("read only")
    if not p.role.is_party:
        return _no(f"{r.kind} is not for the {p.role}")
    own = r.party is None or r.party is p.party
    if not own:
        if r.shared and action is Action.READ:
            return _yes("shared by the other side")
        return _no(f"{r.kind} of {r.party} is not shared", 404)
    if action is Action.READ or p.role is Role.PARTY_OFFICER:
        return _yes("own party")
    return _no("viewers cannot change data")


def _public(p: Principal, action: Action, r: Resource) -> Decision:
    return _yes("public")


def _account(p: Principal, action: Action, r: Resource) -> Decision:
    return _yes("own account")


def _users(p: Principal, action: Action, r: Resource) -> Decision:
    return _yes("administrator") if p.role is Role.ADMINISTRATOR else _no("administrators only")


def _aggregates(p: Principal, action: Action, r: Resource) -> Decision:
    if action is Action.READ:
        return _yes("aggregates and commitments only")
    if p.role is Role.MEDIATOR_COORDINATOR:
        return _yes("the mediator publishes")
    return _no("only the mediator coordinator publishes")


def _plan(p: Principal, action: Action, r: Resource) -> Decision:
    if p.role.is_party:
        return _yes("parties see the plan") if action is Action.READ else _no("read only")
    if p.role is Role.MEDIATOR_COORDINATOR:
        return _yes("the mediator plans")
    if p.role is Role.MEDIATOR_VERIFIER and action is Action.READ:
        return _yes("the field verifier works from the plan")
    return _no("not for this role")


def _exchange_steps(p: Principal, action: Action, r: Resource) -> Decision:
    """The mediator's own steps (running the matcher): the coordinator acts, others look."""
    if p.role is Role.MEDIATOR_COORDINATOR:
        return _yes("the mediator coordinates the exchange")
    if action is Action.READ and (p.role.is_party or p.role.is_mediator):
        return _yes("parties and mediator follow the exchange")
    return _no("only the mediator coordinator runs this step")


def _interview(p: Principal, action: Action, r: Resource) -> Decision:
    # Free-will interview notes are the mediator's alone.
    if p.role is Role.MEDIATOR_VERIFIER:
        return _yes("the field verifier holds the interview")
    if p.role is Role.MEDIATOR_COORDINATOR and action is Action.READ:
        return _yes("the mediator reads its own notes")
    return _no("interview notes are the mediator's alone", 404 if p.role.is_party else 403)


def decide(p: Principal, action: Action, r: Resource) -> Decision:
    """The access policy: a pure function, no I/O."""
    return _RULES[r.kind](p, action, r)


def _agreement(p: Principal, action: Action, r: Resource) -> Decision:
    if action is Action.READ:
        if p.role.is_party or p.role.is_mediator:
            return _yes("parties and mediator see the terms")
        return _no("not for this role")
    if action is Action.SIGN:
        if p.role is Role.PARTY_OFFICER and (r.party is None or r.party is p.party):
            return _yes("an officer signs for their party")
        if p.role is Role.MEDIATOR_COORDINATOR:
            return _yes("the mediator countersigns")
        return _no("only officers and the coordinator sign")
    if p.role is Role.MEDIATOR_COORDINATOR:
        return _yes("the mediator drafts the terms")
    return _no("only the mediator coordinator drafts terms")


def _handover(p: Principal, action: Action, r: Resource) -> Decision:
    """The crossing's steps (check-in to release, exceptions): the field verifier's.
    Receipt is a RECEIPT, the receiving party's own act."""
    if p.role is Role.MEDIATOR_VERIFIER:
        return _yes("the field verifier runs the crossing")
    if p.role is Role.MEDIATOR_COORDINATOR:
        return _yes("the coordinator oversees") if action is Action.READ else _no("read only")
    if p.role.is_party and (r.party is None or r.party is p.party):
        if action is Action.READ:
            return _yes("own people at the crossing")
        return _no("the field verifier runs the crossing; a party confirms only its receipt")
    if p.role.is_party:
        return _no("the other side's people at the crossing are not shown", 404)
    return _no("not for this role")


def _receipt(p: Principal, action: Action, r: Resource) -> Decision:
    """Only the receiving party's officer confirms that it received a person: not the
    mediator, not the releasing side, not a viewer."""
    if action is Action.READ:
        return _handover(p, action, r)
    if p.role is Role.PARTY_OFFICER and (r.party is None or r.party is p.party):
        return _yes("an officer confirms its own party's receipt")
    if p.role.is_party and r.party is not None and r.party is not p.party:
        return _no(f"only {r.party} confirms its own receipt", 404)
    return _no("only the receiving party's officer confirms receipt")


def _proposal(p: Principal, action: Action, r: Resource) -> Decision:
    """Rebalancing proposals name the mediator's findings: the mediator's alone; its
    coordinator and field verifier both accept or decline them."""
    if p.role in (Role.MEDIATOR_COORDINATOR, Role.MEDIATOR_VERIFIER):
        return _yes("the mediator keeps parity")
    return _no("rebalancing is the mediator's", 404 if p.role.is_party else 403)


_RULES: dict[ResourceKind, Callable[[Principal, Action, Resource], Decision]] = {
    ResourceKind.PUBLIC: _public,
    ResourceKind.ACCOUNT: _account,
    ResourceKind.USERS: _users,
    ResourceKind.REPORT: _aggregates,
    ResourceKind.LEDGER: _aggregates,
    ResourceKind.REGISTRY: _party_data,
    ResourceKind.QUARANTINE: _party_data,
    ResourceKind.DRAFT: _party_data,
    ResourceKind.LIST: _exchange_data,
    ResourceKind.MATCH: _exchange_data,
    ResourceKind.AGREEMENT: _agreement,
    ResourceKind.PLAN: _plan,
    ResourceKind.HANDOVER: _handover,
    ResourceKind.RECEIPT: _receipt,
    ResourceKind.PROPOSAL: _proposal,
    ResourceKind.INTERVIEW: _interview,
    ResourceKind.EXCHANGE: _exchange_steps,
}


class AccessLog(Protocol):
    def record(self, principal: Principal, action: Action, resource: Resource, d: Decision) -> None:
        """Keep one decision."""

    def flush(self) -> None:
        """Make every recorded decision durable."""


def _row(
    at: dt.datetime, principal: Principal, action: Action, resource: Resource, d: Decision
) -> dict[str, object]:
    return {
        "at": at,
        "username": principal.username,
        "principal_party": principal.party.value,
        "role": principal.role.value,
        "action": action.value,
        "resource_kind": resource.kind.value,
        "resource_party": resource.party.value if resource.party else None,
        "resource_id": resource.ident,
        "allowed": d.allowed,
        "reason": d.reason[:200],
    }


class SqlAccessLog:
    """The access_log table; each decision committed in its own short transaction before
    ``record`` returns, so before the answer it guards is sent: a server killed right
    after answering has already kept every decision (ASVS 16.3.2). No buffer, no thread."""

    def __init__(self, engine: Engine, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.engine = engine
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def record(self, principal: Principal, action: Action, resource: Resource, d: Decision) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(access_log), [_row(self.clock(), principal, action, resource, d)])

    def flush(self) -> None:
        """Nothing is held back."""


class TransactionAccessLog:
    """Decisions written inside the transaction of the change they guard, so that one
    commit keeps both (a confirmation at the crossing then commits once, not twice).

    If that transaction rolls back (a refusal, a step the state does not allow), the
    decisions would go with it: ``keep_after_rollback`` writes them through the durable
    log before the error is answered, so no answered decision is ever lost."""

    def __init__(self, conn: Connection, durable: SqlAccessLog) -> None:
        self.conn, self.durable = conn, durable
        self.written: list[tuple[Principal, Action, Resource, Decision]] = []

    def record(self, principal: Principal, action: Action, resource: Resource, d: Decision) -> None:
        self.record_many([(principal, action, resource, d)])

    def record_many(self, entries: list[tuple[Principal, Action, Resource, Decision]]) -> None:
        """Keep several decisions with one statement (a batch of confirmations)."""
        if not entries:
            return
        at = self.durable.clock()
        self.written.extend(entries)
        self.conn.execute(insert(access_log), [_row(at, *entry) for entry in entries])

    def flush(self) -> None:
        """Kept by the caller's commit."""

    def keep_after_rollback(self) -> None:
        for entry in self.written:
            self.durable.record(*entry)
        self.written.clear()


def within_transaction(log: AccessLog, conn: Connection) -> AccessLog:
    """``log`` writing inside ``conn``'s transaction when it is the SQL log; any other
    log (a fake, a buffer) as it is."""
    return TransactionAccessLog(conn, log) if isinstance(log, SqlAccessLog) else log


def keep_after_rollback(log: AccessLog) -> None:
    """After a rollback: write again what ``within_transaction``'s log had written."""
    if isinstance(log, TransactionAccessLog):
        log.keep_after_rollback()


class _JoinedAccessLog:
    """Decisions written in the caller's transaction: an allowed one becomes durable with
    the work it allowed (one commit, not two). A refusal is committed on its own at once,
    since the refusal rolls the transaction back; so is every decision of a transaction
    that does not commit (``rescue``): none answered is ever lost."""

    def __init__(self, conn: Connection, standalone: SqlAccessLog) -> None:
        self.conn = conn
        self.standalone = standalone
        self.kept: list[tuple[Principal, Action, Resource, Decision]] = []

    def record(self, principal: Principal, action: Action, resource: Resource, d: Decision) -> None:
        if not d.allowed:
            self.standalone.record(principal, action, resource, d)
            return
        row = _row(self.standalone.clock(), principal, action, resource, d)
        self.conn.execute(insert(access_log), [row])
        self.kept.append((principal, action, resource, d))

    def flush(self) -> None:
        """Kept with the caller's commit."""

    def rescue(self) -> None:
        for entry in self.kept:
            self.standalone.record(*entry)
        self.kept.clear()


@contextmanager
def joined(engine: Engine, log: AccessLog) -> Iterator[tuple[Connection, AccessLog]]:
    """One transaction on ``engine`` and an access log that writes its decisions in it
    when ``log`` is the database's own (else ``log`` itself): the decisions commit with the
    work, and are committed on their own when the transaction fails or rolls back."""
    if not isinstance(log, SqlAccessLog) or log.engine is not engine:
        with engine.begin() as conn:
            yield conn, log
        return
    inner: _JoinedAccessLog | None = None
    try:
        with engine.begin() as conn:
            inner = _JoinedAccessLog(conn, log)
            yield conn, inner
    except BaseException:
        if inner is not None:
            inner.rescue()
        raise


class MemoryAccessLog:
    """A fake for unit tests."""

    def __init__(self) -> None:
        self.entries: list[tuple[Principal, Action, Resource, Decision]] = []

    def record(self, principal: Principal, action: Action, resource: Resource, d: Decision) -> None:
        self.entries.append((principal, action, resource, d))

    def flush(self) -> None:
        """Nothing to write."""


def authorize(principal: Principal, action: Action, resource: Resource, log: AccessLog) -> None:
    """Apply the policy; log it when personal data is at stake; raise AccessDenied on no."""
    decision = decide(principal, action, resource)
    if resource.kind in PERSONAL:
        log.record(principal, action, resource, decision)
    if not decision.allowed:
        raise AccessDenied(decision)
