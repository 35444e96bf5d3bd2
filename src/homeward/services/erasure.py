"""Erase a person: their registry data (and its snapshots on submitted lists), the
mediator's notes on them and the salts of its outcome commitments, their commitment key.

The log keeps its entries (so every checkpoint still verifies), but with the key gone the
commitment that stood for the person can no longer be recomputed or linked to anyone. The
registry row stays as an empty shell so the exchange's counts and links keep their shape,
and its record id is replaced wherever it was kept (duplicate candidates, merges).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, select, update

from homeward.adapters.list_snapshots import snapshot_of
from homeward.adapters.tables_disclosure import outcome_salts
from homeward.adapters.tables_exchange import exchange_list_items, handovers, interview_notes
from homeward.adapters.tables_matching import match_candidates, record_merges
from homeward.adapters.tables_registry import person_versions, persons
from homeward.domain.person import PERSON_FIELDS
from homeward.services import ledger
from homeward.services.events import EventSink

ERASED = "[erased]"
_KEPT = {"record_id", "surname", "given_name", "category", "status"}


@dataclass(frozen=True, slots=True)
class Erased:
    person_id: int
    notes_deleted: int
    key_deleted: bool


class UnknownPerson(LookupError):
    pass


def erase_person(person_id: int, engine: Engine, events: EventSink, *, actor: str) -> Erased:
    """Erase everything that identifies ``person_id``, in one transaction.

    Category and legal status stay: they are what the exchange's figures count, and say
    nothing about who the person is.
    """
    with engine.begin() as conn:
        found = conn.execute(
            select(persons.c.party, persons.c.kind, persons.c.record_id).where(
                persons.c.id == person_id
            )
        ).first()
        if found is None:
            raise UnknownPerson(f"no person with id {person_id}")
        _forget_record_id(conn, found.party, found.kind, found.record_id, f"erased-{person_id}")
        blank = {name: None for name in PERSON_FIELDS if name not in _KEPT}
        conn.execute(
            update(persons)
            .where(persons.c.id == person_id)
            .values(
                record_id=f"erased-{person_id}",
                surname=ERASED,
                given_name=ERASED,
                extra="{}",
                content_hash="erased",
                sort_key=None,  # the key would still tell where the name sorted
                **blank,
            )
        )
        # The lists they were submitted on keep the erased shell, not the row as it was.
        shell = conn.execute(select(persons).where(persons.c.id == person_id)).one()
        conn.execute(
            update(exchange_list_items)
            .where(exchange_list_items.c.person_id == person_id)
            .values(record=snapshot_of(shell))
        )
        their_handovers = select(handovers.c.id).where(handovers.c.person_id == person_id)
        conn.execute(delete(outcome_salts).where(outcome_salts.c.handover_id.in_(their_handovers)))
        notes = conn.execute(
            delete(interview_notes).where(interview_notes.c.handover_id.in_(their_handovers))
        ).rowcount
        # Earlier and held versions of the record carry the same personal data.
        conn.execute(delete(person_versions).where(person_versions.c.person_id == person_id))
        key_deleted = ledger.erase(conn, person_id)
        events.append(conn, "PersonErased", {"by": actor, "notes_deleted": notes})
    return Erased(person_id, notes, key_deleted)


def _forget_record_id(conn: Connection, party: str, kind: str, old: str, new: str) -> None:
    """Duplicate candidates and merges name records by the registry's own id: rename it."""
    scope = (match_candidates.c.party == party, match_candidates.c.target_kind == kind)
    for column in (match_candidates.c.request_id, match_candidates.c.record_id):
        conn.execute(update(match_candidates).where(*scope, column == old).values({column: new}))
    merged = (record_merges.c.party == party, record_merges.c.kind == kind)
    for column in (record_merges.c.kept_record_id, record_merges.c.merged_record_id):
        conn.execute(update(record_merges).where(*merged, column == old).values({column: new}))
