"""Use cases before the crossing: submit lists, record identity links, agree terms."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

# Re-exported: handover, rounds and carry_over still import it from here.
from homeward.domain.errors import NotAllowed as NotAllowed  # noqa: PLC0414
from homeward.domain.lists import ListDiff, ListKind, diff_lists
from homeward.domain.values import RegistryKind, Side
from homeward.services.repositories.links import IdentityLink
from homeward.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from homeward.services.events import EventSink

__all__ = [
    "BULK_ROWS",
    "CompareVersions",
    "IdentityLink",
    "NotAllowed",
    "ProposeTerms",
    "RecordLinks",
    "SignAgreement",
    "SubmitList",
    "SubmittedList",
    "agreement_terms",
    "create_agreement",
    "list_versions_diff",
    "record_identity_links",
    "record_links",
    "sign_agreement",
    "submit_in",
    "submit_list",
]


@dataclass(frozen=True, slots=True)
class SubmitList:
    party: Side
    kind: ListKind
    recipient: Side
    person_ids: Sequence[int]


@dataclass(frozen=True, slots=True)
class SubmittedList:
    list_id: int
    version: int
    size: int


# From this many rows written at once, the planner's statistics are refreshed afterwards.
BULK_ROWS = 1000


def submit_list(command: SubmitList, uow: UnitOfWork) -> SubmittedList:
    """Submit a new version of a list; a party may list only its own registry's persons."""
    with uow:
        submitted = submit_in(uow, command)
        uow.commit()
    return submitted


def submit_in(uow: UnitOfWork, command: SubmitList) -> SubmittedList:
    """``submit_list`` inside an open unit of work, for use cases that submit as one step
    of their own transaction (``lists.submit_registry``)."""
    if command.party is Side.MEDIATOR or command.recipient is command.party:
        raise NotAllowed("a list goes from a party to the other side or the mediator")
    registry = RegistryKind.SOUGHT if command.kind is ListKind.SOUGHT else RegistryKind.HOLDINGS
    ids = sorted(set(command.person_ids))
    owned = set(uow.registry.ids(command.party, registry))
    foreign = [i for i in ids if i not in owned]
    if foreign:
        raise NotAllowed(
            f"{len(foreign)} persons are not in {command.party.value}'s {registry.value} "
            f"registry (first: {foreign[0]})"
        )
    if command.kind is ListKind.RELEASE_OFFER:
        again = uow.lists.already_released(ids)
        if again:
            raise NotAllowed("the offer lists people already released: " + "; ".join(again))
    version = uow.lists.next_version(command.party, command.kind, command.recipient)
    # The rows as they stand now: what the other side and the mediator will read.
    list_id = uow.lists.add(
        command.party, command.kind, command.recipient, version, uow.clock.now(), ids
    )
    uow.events.append(
        "ListSubmitted",
        {
            "party": command.party.value,
            "kind": command.kind.value,
            "recipient": command.recipient.value,
            "version": version,
            "size": len(ids),
        },
    )
    if len(ids) >= BULK_ROWS:
        uow.refresh_statistics(("exchange_lists", "exchange_list_items"))
    return SubmittedList(list_id, version, len(ids))


@dataclass(frozen=True, slots=True)
class CompareVersions:
    """Two versions of one list: ``party``'s ``kind`` list to ``recipient``."""

    party: Side
    kind: ListKind
    recipient: Side
    old: int
    new: int


def list_versions_diff(query: CompareVersions, uow: UnitOfWork) -> ListDiff:
    """What version ``new`` of a list adds and removes against version ``old``."""
    with uow:
        old = uow.lists.items(query.party, query.kind, query.recipient, query.old)
        new = uow.lists.items(query.party, query.kind, query.recipient, query.new)
    return diff_lists(old, new)


@dataclass(frozen=True, slots=True)
class RecordLinks:
    """Match decisions between a sought list and an acknowledged holdings list (or, with
    ``purpose="missing"``, the same party's missing reports)."""

    links: Sequence[IdentityLink]
    purpose: str = "holdings"


def record_identity_links(command: RecordLinks, uow: UnitOfWork) -> int:
    """Store the match decisions and log how many of each there were; returns how many."""
    if command.purpose not in ("holdings", "missing"):
        raise NotAllowed(f"links are for holdings or missing reports, not {command.purpose!r}")
    with uow:
        uow.links.add_many(command.links, command.purpose)
        counts = Counter(link.decision for link in command.links)
        payload: dict[str, Any] = {"decisions": dict(sorted(counts.items()))}
        if command.purpose != "holdings":  # holdings events keep the shape the ledger had
            payload["purpose"] = command.purpose
        uow.events.append("ListsMatched", payload)
        if len(command.links) >= BULK_ROWS:
            uow.refresh_statistics(("identity_links",))
        uow.commit()
    return len(command.links)


def record_links(
    links: Iterable[IdentityLink], engine: Engine, events: EventSink, purpose: str = "holdings"
) -> int:
    """``record_identity_links`` for ``services.list_matching``, which has an engine and a
    sink rather than a unit of work; goes once list_matching is converted."""
    from homeward.adapters.unit_of_work import SqlUnitOfWork

    return record_identity_links(RecordLinks(list(links), purpose), SqlUnitOfWork(engine, events))


@dataclass(frozen=True, slots=True)
class ProposeTerms:
    name: str
    terms: dict[str, Any]


def create_agreement(command: ProposeTerms, uow: UnitOfWork) -> int:
    """Record agreed terms (canonical form, no floats) awaiting the three signatures."""
    text = json.dumps(command.terms, sort_keys=True, ensure_ascii=False, allow_nan=False)
    with uow:
        agreement_id = uow.agreements.add(command.name, text, uow.clock.now())
        uow.events.append("TermsProposed", {"agreement": agreement_id, "terms": command.terms})
        uow.commit()
    return agreement_id


@dataclass(frozen=True, slots=True)
class SignAgreement:
    """``party`` signs the terms; ``signed_note`` is its own signed note over them, already
    verified by ``services.agreement.upload_signature`` (the mediator signs on its server
    and gives none)."""

    agreement_id: int
    party: Side
    signed_note: str | None = None


def sign_agreement(command: SignAgreement, uow: UnitOfWork) -> bool:
    """Sign the terms; True once all three (UA, RU, mediator) have signed. The note is
    stored, and the log commits to it."""
    with uow:
        uow.agreements.terms(command.agreement_id)  # NotFound for an unknown agreement
        signed = uow.agreements.signed_by(command.agreement_id)
        if command.party in signed:
            raise NotAllowed(
                f"{command.party.value} has already signed agreement {command.agreement_id}"
            )
        uow.agreements.sign(
            command.agreement_id, command.party, uow.clock.now(), command.signed_note
        )
        signed.add(command.party)
        payload: dict[str, Any] = {"agreement": command.agreement_id, "party": command.party.value}
        if command.signed_note is not None:
            payload["signed_note_sha256"] = hashlib.sha256(command.signed_note.encode()).hexdigest()
        uow.events.append("TermsSigned", payload)
        uow.commit()
    return signed == set(Side)


def agreement_terms(agreement_id: int, uow: UnitOfWork) -> dict[str, Any]:
    """The agreement's terms; ``NotFound`` if there is no such agreement."""
    with uow:
        terms: dict[str, Any] = json.loads(uow.agreements.terms(agreement_id))
    return terms
