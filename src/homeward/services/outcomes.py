"""Outcomes written back to the registries: each person's status moves with the exchange.

Read from the handovers themselves (one source of truth, nothing to fall out of step):
``registry_outcomes`` gives every record of a party's registry its outcome, worded for the
reader (``domain.disclosure``), and ``filter_by_outcome`` the record ids with a given one.
"""

from __future__ import annotations

from homeward.domain.carry_over import CarryFlag, Clearance
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.outcomes import Outcome, PersonOutcome, holding_outcome
from homeward.domain.values import RegistryKind, Side
from homeward.services.repositories.outcomes import LastHandover
from homeward.services.unit_of_work import UnitOfWork


def registry_outcomes(
    party: Side, kind: RegistryKind, viewer: Side, uow: UnitOfWork
) -> dict[int, PersonOutcome]:
    """Person id -> outcome for every record of ``party``'s ``kind`` registry."""
    with uow:
        ids = uow.registry.ids(party, kind)
        number_of = uow.outcomes.round_numbers()
        last = uow.outcomes.last_handovers()
        if kind is RegistryKind.SOUGHT:
            return _sought(ids, last, number_of, uow.outcomes.matches())
        offered = uow.outcomes.offered(party)
        flags_for_viewer = uow.outcomes.carry_flags(viewer)  # counts the clearances recorded
    out: dict[int, PersonOutcome] = {}
    for pid in ids:
        if pid not in last:
            out[pid] = holding_outcome(None, None, viewer, offered=pid in offered)
            continue
        handover = last[pid]
        flag = flags_for_viewer.get(pid)
        out[pid] = holding_outcome(
            HandoverState(handover.state),
            HandoverException(handover.exception) if handover.exception else None,
            viewer,
            round_number=number_of.get(handover.agreement_id),
            date=handover.date,
            carried=flag is not None and not flag.excluded,
            next_round=_next_round(flag),
        )
    return out


def _sought(
    ids: list[int],
    last: dict[int, LastHandover],
    number_of: dict[int, int],
    matches: list[tuple[int, int]],
) -> dict[int, PersonOutcome]:
    out = {pid: PersonOutcome(Outcome.NONE) for pid in ids}
    for sought, held in matches:
        if sought not in out or held not in last:
            continue
        handover = last[held]
        if handover.state == HandoverState.RECEIVED.value:
            out[sought] = PersonOutcome(
                Outcome.RECOVERED, number_of.get(handover.agreement_id), handover.date
            )
    return out


def filter_by_outcome(outcomes: dict[int, PersonOutcome], outcome: Outcome) -> list[int]:
    """Person ids whose outcome is ``outcome``, in id order."""
    return sorted(pid for pid, o in outcomes.items() if o.outcome is outcome)


def _next_round(flag: CarryFlag | None) -> str | None:
    """What the flag means for the next round, as a word the pages translate."""
    if flag is None:
        return None
    if not flag.excluded:
        return "carried"
    if flag.needs is Clearance.MEDIATOR_CONFIRMATION:
        return "needs_mediator_confirmation"
    if flag.needs is Clearance.HOLDER_STATEMENT:
        return "needs_holder_statement"
    if flag.outcome == HandoverException.DECEASED.value:
        return "remains_track"
    return "already_released"
