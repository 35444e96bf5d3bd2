"""services.outcomes on the fake unit of work: each record's outcome from its handovers."""

from __future__ import annotations

import datetime as dt

from tests.unit.services.fakes import FakeUnitOfWork

from homeward.domain.carry_over import CarryFlag
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.outcomes import Outcome
from homeward.domain.values import RegistryKind, Side
from homeward.services.outcomes import filter_by_outcome, registry_outcomes
from homeward.services.repositories.outcomes import LastHandover

DAY = dt.date(2026, 5, 1)


def _registry(uow: FakeUnitOfWork, party: Side, kind: RegistryKind, n: int) -> list[int]:
    with uow:
        ids = [uow.registry.add_person(party, kind, surname=f"Мельник{i}") for i in range(n)]
        uow.commit()
    return ids


def test_a_held_persons_outcome_follows_their_last_handover_and_its_round() -> None:
    uow = FakeUnitOfWork()
    waiting, offered, released, refused = _registry(uow, Side.RU, RegistryKind.HOLDINGS, 4)
    uow.outcomes.rounds = {10: 2}
    uow.outcomes.offers = {Side.RU: {offered}}
    uow.outcomes.handovers = {
        released: LastHandover(HandoverState.RELEASED.value, None, 10, DAY),
        refused: LastHandover(
            HandoverState.FAILED.value, HandoverException.REFUSES_REPATRIATION.value, 10, DAY
        ),
    }
    uow.outcomes.flags = {
        refused: CarryFlag(refused, 2, "did_not_travel", True, None, "refuses repatriation")
    }
    seen = registry_outcomes(Side.RU, RegistryKind.HOLDINGS, Side.MEDIATOR, uow)
    assert seen[waiting].outcome is Outcome.NONE
    assert seen[offered].outcome is Outcome.OFFERED
    assert (seen[released].outcome, seen[released].round_number, seen[released].date) == (
        Outcome.RELEASED,
        2,
        DAY,
    )
    assert seen[refused].outcome is Outcome.DID_NOT_TRAVEL
    assert seen[refused].reason == "refuses_repatriation"
    assert seen[refused].next_round == "already_released"  # excluded, no clearance asked
    assert filter_by_outcome(seen, Outcome.DID_NOT_TRAVEL) == [refused]


def test_a_sought_person_is_recovered_once_their_match_is_received() -> None:
    uow = FakeUnitOfWork()
    found, on_the_way, unmatched = _registry(uow, Side.UA, RegistryKind.SOUGHT, 3)
    held_a, held_b = _registry(uow, Side.RU, RegistryKind.HOLDINGS, 2)
    uow.outcomes.rounds = {10: 1}
    uow.outcomes.matched = [(found, held_a), (on_the_way, held_b)]
    uow.outcomes.handovers = {
        held_a: LastHandover(HandoverState.RECEIVED.value, None, 10, DAY),
        held_b: LastHandover(HandoverState.RELEASED.value, None, 10, DAY),
    }
    seen = registry_outcomes(Side.UA, RegistryKind.SOUGHT, Side.UA, uow)
    assert seen[found].outcome is Outcome.RECOVERED
    assert seen[found].round_number == 1
    assert seen[on_the_way].outcome is Outcome.NONE
    assert seen[unmatched].outcome is Outcome.NONE
    assert set(seen) == {found, on_the_way, unmatched}
