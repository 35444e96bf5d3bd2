"""What each reader may learn of a handover's outcome, and the log's sealed commitment to it.

The rule is ``domain.disclosure``; here it is applied where a handover is shown to someone
(``card_seen_by``) and where a failure is logged (``committed_outcome``). The log says only
what a party may see ("did_not_travel" for the mediator's findings) plus an HMAC of the
true outcome under a random salt the mediator keeps in ``outcome_salts`` (never exported):
revealing the salt later (``open_outcome``) proves what the mediator found, and anyone can
check it with ``outcome_commitment``.

>>> outcome_commitment(bytes(32), 7, "refuses_repatriation") == outcome_commitment(
...     bytes(32), 7, "not_found")
False
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from homeward.adapters.tables_disclosure import outcome_salts
from homeward.domain.disclosure import (
    DID_NOT_TRAVEL,
    exception_seen_by,
    public_outcome,
    state_seen_by,
)
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.values import Side
from homeward.ledger import commitments
from homeward.ledger.canonical import canonical_json
from homeward.ledger.privacy import ACTOR_ID, PARTIES, is_actor_key

STAFF = "staff"
"""What a party reads where an old entry named a member of staff."""


def outcome_commitment(salt: bytes, handover_id: int, outcome: str) -> str:
    """HMAC-SHA256 under ``salt`` of ``{"handover": id, "outcome": outcome}`` (canonical)."""
    return commitments.commit(salt, canonical_json({"handover": handover_id, "outcome": outcome}))


def committed_outcome(
    conn: Connection, handover_id: int, exception: HandoverException
) -> dict[str, str]:
    """The log's fields for a failed handover: the outcome as a party may see it and a
    commitment to the true one (its salt kept by the mediator, in the caller's
    transaction)."""
    salt = commitments.new_key()
    conn.execute(delete(outcome_salts).where(outcome_salts.c.handover_id == handover_id))
    conn.execute(
        insert(outcome_salts).values(
            handover_id=handover_id,
            outcome=exception.value,
            salt=salt,
            created_at=dt.datetime.now(dt.UTC),
        )
    )
    return {
        "outcome": public_outcome(exception),
        "outcome_commitment": outcome_commitment(salt, handover_id, exception.value),
    }


@dataclass(frozen=True, slots=True)
class OutcomeOpening:
    """What the mediator reveals to prove a logged outcome: check it with
    ``outcome_commitment(bytes.fromhex(salt), handover, outcome)``."""

    handover: int
    outcome: str
    salt: str


def open_outcome(conn: Connection, handover_id: int) -> OutcomeOpening | None:
    """The opening of a handover's outcome commitment (None: no failure logged, or erased)."""
    row = conn.execute(
        select(outcome_salts).where(outcome_salts.c.handover_id == handover_id)
    ).first()
    return None if row is None else OutcomeOpening(handover_id, row.outcome, bytes(row.salt).hex())


def card_seen_by(card: dict[str, Any], viewer: Side) -> dict[str, Any]:
    """A handover card (``state``, ``exception``) as ``viewer`` may see it: to a party the
    mediator's findings and hold-backs read "did_not_travel", with no reason."""
    exception = HandoverException(card["exception"]) if card.get("exception") else None
    seen = exception_seen_by(exception, viewer)
    return {
        **card,
        "state": state_seen_by(HandoverState(card["state"]), exception, viewer),
        "exception": None if seen is None else seen.value,
    }


def entry_seen_by(entry: dict[str, Any], viewer: Side) -> dict[str, Any]:
    """A log entry as shown on a page. Entries written before outcomes were committed
    named the exception, and before actor ids named staff by username: to a party such an
    entry shows the outcome it may see and "staff" instead. (The entry's bytes, and so its
    proof, are unchanged: that is the old log's content.)"""
    payload = entry.get("payload")
    if viewer is Side.MEDIATOR or not isinstance(payload, dict):
        return entry
    shown = {
        k: STAFF
        if is_actor_key(k) and isinstance(v, str) and v not in PARTIES and not ACTOR_ID.fullmatch(v)
        else v
        for k, v in payload.items()
    }
    if entry.get("kind") == "handover_failed" and "exception" in shown:
        exception = shown.pop("exception")
        try:
            shown["outcome"] = public_outcome(HandoverException(exception))
        except ValueError:
            shown["outcome"] = DID_NOT_TRAVEL
    return {**entry, "payload": shown}
