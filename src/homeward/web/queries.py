"""Read-only queries the pages need that no service offers yet (registry listing, search).

Plain Core selects on the registry tables; every caller has passed the access policy for
the party first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select

from homeward.adapters.tables_registry import import_batches, persons
from homeward.domain.values import RegistryKind, Side
from homeward.web.search import matches

SHOWN = (
    "id",
    "record_id",
    "surname",
    "given_name",
    "patronymic",
    "date_of_birth",
    "category",
    "status",
    "health",
    "custody",
    "held_at",
    "rank",
)
SEARCH_SCAN_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: int
    record_id: str
    surname: str
    given_name: str
    patronymic: str | None
    date_of_birth: str | None
    category: str | None
    status: str | None
    health: str | None
    custody: str
    held_at: str | None
    rank: str | None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in SHOWN}


# Ukrainian collation (domain/collation.py, key stored at import): А Б В Г Ґ Д Е Є ... then
# Latin; a row without a key (erased) comes last on SQLite and PostgreSQL alike.
_NAME_ORDER = (persons.c.sort_key.is_(None), persons.c.sort_key, persons.c.id)


def _columns() -> list[Any]:
    return [persons.c[name] for name in SHOWN]


def list_persons(
    engine: Engine,
    party: Side,
    kind: RegistryKind,
    query: str = "",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[PersonRow], int]:
    """A page of a registry and the total; ``query`` searches names across scripts."""
    where = (persons.c.party == party.value, persons.c.kind == kind.value)
    with engine.connect() as conn:
        if not query.strip():
            total = conn.execute(select(func.count()).where(*where)).scalar_one()
            rows = conn.execute(
                select(*_columns()).where(*where).order_by(*_NAME_ORDER).limit(limit).offset(offset)
            )
            return [PersonRow(*r) for r in rows], int(total)
        found: list[PersonRow] = []
        total = 0
        rows = conn.execute(
            select(*_columns()).where(*where).order_by(*_NAME_ORDER).limit(SEARCH_SCAN_LIMIT)
        )
        for r in rows:
            person = PersonRow(*r)
            if matches(
                query, person.surname, person.given_name, person.patronymic, person.record_id
            ):
                total += 1
                if offset < total <= offset + limit:
                    found.append(person)
        return found, total


def registry_counts(engine: Engine, party: Side) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(persons.c.kind, func.count())
            .where(persons.c.party == party.value)
            .group_by(persons.c.kind)
        )
        counts = {k.value: 0 for k in RegistryKind}
        counts.update({str(kind): int(n) for kind, n in rows})
        return counts


def recent_batches(engine: Engine, party: Side, limit: int = 10) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(import_batches)
            .where(import_batches.c.party == party.value)
            .order_by(import_batches.c.id.desc())
            .limit(limit)
        )
        return [dict(r._mapping) for r in rows]


def latest_agreement_id(engine: Engine) -> int | None:
    """The newest agreement (the exchange under way), or None before any is drafted."""
    from homeward.adapters.tables_exchange import agreements

    with engine.connect() as conn:
        found = conn.execute(select(func.max(agreements.c.id))).scalar()
    return None if found is None else int(found)
