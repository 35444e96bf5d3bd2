"""Use cases on rounds: list them, choose the one a page shows, refuse a round too early.

``rounds`` lists every round with its status; ``chosen_round`` is the round a page shows
(the one asked for, else the newest signed one: a draft never replaces an agreed round);
``ensure_can_plan`` is called inside the transaction that stores a plan.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from homeward.adapters.rounds_repo import load_rounds
from homeward.domain.rounds import Round, RoundRefused, check_can_plan, default_round
from homeward.services.exchange import NotAllowed


class NoSuchRound(LookupError):
    """The round number asked for does not exist."""


def rounds(engine: Engine) -> list[Round]:
    """Every round of the workspace, oldest first."""
    with engine.connect() as conn:
        return load_rounds(conn)


def chosen_round(engine: Engine, number: int | None = None) -> Round | None:
    """Round ``number``, or (when None) the newest signed round; None if there is none.

    Raises ``NoSuchRound`` when ``number`` names no round.
    """
    all_rounds = rounds(engine)
    if number is None:
        return default_round(all_rounds)
    for r in all_rounds:
        if r.number == number:
            return r
    raise NoSuchRound(f"there is no round {number} (rounds: 1 to {len(all_rounds)})")


def ensure_can_plan(conn: Connection, agreement_id: int) -> None:
    """Raise ``NotAllowed`` if an earlier round still has open tranches."""
    try:
        check_can_plan(load_rounds(conn), agreement_id)
    except RoundRefused as exc:
        raise NotAllowed(str(exc)) from exc
