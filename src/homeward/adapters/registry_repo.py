"""Map PersonRecord to and from the persons table (SQLAlchemy Core, no ORM state)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Row, select

from homeward.adapters.tables_registry import persons
from homeward.domain.collation import person_sort_key
from homeward.domain.person import PERSON_FIELDS, PersonRecord
from homeward.domain.validation import parse_person_row


def _hash_row(row: dict[str, str]) -> str:
    canonical = json.dumps(row, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record_to_values(record: PersonRecord) -> dict[str, Any]:
    """Column values for the persons table, with ``content_hash`` (computed once)."""
    row = record.as_row()
    values: dict[str, Any] = {name: (row[name] or None) for name in PERSON_FIELDS}
    values["extra"] = (
        json.dumps(dict(record.extra), sort_keys=True, ensure_ascii=False) if record.extra else "{}"
    )
    values["content_hash"] = _hash_row(row)
    values["sort_key"] = person_sort_key(record.surname, record.given_name, record.patronymic)
    return values


def row_to_record(row: Row[Any] | Mapping[str, Any]) -> PersonRecord:
    """Rebuild the domain record from a stored row (stored rows were validated on import)."""
    mapping = row._mapping if isinstance(row, Row) else row
    raw: dict[str, object] = {name: mapping[name] or "" for name in PERSON_FIELDS}
    raw.update(json.loads(mapping["extra"] or "{}"))
    record, errors = parse_person_row(raw)
    if record is None:
        raise ValueError(f"stored person {mapping['id']} no longer validates: {errors}")
    return record


def existing_hashes(conn: Connection, party: str, kind: str) -> dict[str, tuple[int, str]]:
    """record_id -> (person id, content hash) for one registry."""
    query = select(persons.c.record_id, persons.c.id, persons.c.content_hash).where(
        persons.c.party == party, persons.c.kind == kind
    )
    return {r.record_id: (r.id, r.content_hash) for r in conn.execute(query)}
