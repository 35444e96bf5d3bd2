"""The access log as the administrator searches it: who read whose data, refused or not."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, func, select

from homeward.adapters.tables_web import access_log

PAGE = 100


@dataclass(frozen=True, slots=True)
class AccessQuery:
    """Filters, all optional: the reader's username (any case, part of it), the party whose
    data was reached, the kind of data, the outcome (``allowed``, ``refused``) and the
    object's id exactly (a handover, a match: who looked at this one?)."""

    who: str = ""
    whose: str = ""
    kind: str = ""
    outcome: str = ""
    offset: int = 0
    ident: str = ""


@dataclass(frozen=True)
class AccessRow:
    at: dt.datetime
    username: str
    principal_party: str
    role: str
    action: str
    resource_kind: str
    resource_party: str | None
    resource_id: str | None
    allowed: bool
    reason: str


def search_access_log(engine: Engine, query: AccessQuery) -> tuple[list[AccessRow], int]:
    """The newest decisions first, one page, and how many match in all."""
    t = access_log.c
    conditions: list[ColumnElement[bool]] = []
    if query.who.strip():
        pattern = "%" + query.who.strip().lower().replace("%", r"\%").replace("_", r"\_") + "%"
        conditions.append(func.lower(t.username).like(pattern, escape="\\"))
    if query.whose:
        conditions.append(t.resource_party == query.whose)
    if query.kind:
        conditions.append(t.resource_kind == query.kind)
    if query.ident.strip():
        conditions.append(t.resource_id == query.ident.strip())
    if query.outcome in ("allowed", "refused"):
        conditions.append(t.allowed.is_(query.outcome == "allowed"))
    with engine.connect() as conn:
        total = conn.execute(
            select(func.count()).select_from(access_log).where(*conditions)
        ).scalar_one()
        rows = conn.execute(
            select(
                t.at,
                t.username,
                t.principal_party,
                t.role,
                t.action,
                t.resource_kind,
                t.resource_party,
                t.resource_id,
                t.allowed,
                t.reason,
            )
            .where(*conditions)
            .order_by(t.id.desc())
            .limit(PAGE)
            .offset(query.offset)
        ).all()
    return [AccessRow(**r._asdict()) for r in rows], int(total)
