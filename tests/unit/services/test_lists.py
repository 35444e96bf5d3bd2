"""Use cases of services.lists on the fake unit of work."""

from __future__ import annotations

import pytest
from tests.unit.services.fakes import FakeUnitOfWork

from homeward.domain.errors import NotAllowed
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.services.lists import (
    CompareVersions,
    SubmitRegistry,
    list_difference,
    list_drafts,
    list_versions,
    registry_ids,
    submit_registry,
)


def _arrange(uow: FakeUnitOfWork, party: Side, kind: RegistryKind, *surnames: str) -> list[int]:
    with uow:
        ids = [uow.registry.add_person(party, kind, surname=s) for s in surnames]
        uow.commit()
    return ids


def test_a_registry_goes_to_the_other_side_and_the_mediator_in_one_transaction() -> None:
    uow = FakeUnitOfWork()
    ids = _arrange(uow, Side.UA, RegistryKind.SOUGHT, "Коваленко", "Шевчук")
    assert submit_registry(SubmitRegistry(Side.UA, ListKind.SOUGHT), uow) == 1
    assert uow.lists.latest(Side.UA, ListKind.SOUGHT, Side.RU) == ids
    assert uow.lists.latest(Side.UA, ListKind.SOUGHT, Side.MEDIATOR) == ids
    assert [p["recipient"] for _, p in uow.events.events] == ["RU", "MED"]


def test_a_release_offer_is_not_submitted_from_a_registry() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(NotAllowed, match="release_offer"):
        submit_registry(SubmitRegistry(Side.UA, ListKind.RELEASE_OFFER), uow)


def test_a_draft_counts_who_submitting_now_would_add_and_remove() -> None:
    uow = FakeUnitOfWork()
    first = _arrange(uow, Side.UA, RegistryKind.HOLDINGS, "Петренко", "Мельник")
    submit_registry(SubmitRegistry(Side.UA, ListKind.HOLDINGS_ACK), uow)
    with uow:
        del uow.registry.persons[first[0]]
        uow.registry.add_person(Side.UA, RegistryKind.HOLDINGS, surname="Кравець")
        uow.commit()
    drafts = {d.kind: d for d in list_drafts(Side.UA, uow)}
    holdings = drafts[ListKind.HOLDINGS_ACK]
    assert (holdings.in_registry, holdings.last_submitted) == (2, 2)
    assert (holdings.to_add, holdings.to_remove) == (1, 1)
    assert drafts[ListKind.SOUGHT].in_registry == 0


def test_versions_are_listed_newest_first_for_the_parties_asked_about() -> None:
    uow = FakeUnitOfWork()
    _arrange(uow, Side.UA, RegistryKind.SOUGHT, "Коваленко")
    _arrange(uow, Side.RU, RegistryKind.SOUGHT, "Смирнов")
    for _ in range(2):
        submit_registry(SubmitRegistry(Side.UA, ListKind.SOUGHT), uow)
    submit_registry(SubmitRegistry(Side.RU, ListKind.SOUGHT), uow)
    versions = list_versions((Side.UA,), uow)
    assert {v.party for v in versions} == {"UA"}
    assert [(v.recipient, v.version) for v in versions] == [
        ("MED", 2),
        ("MED", 1),
        ("RU", 2),
        ("RU", 1),
    ]


def test_a_difference_shows_rows_as_submitted_in_ukrainian_order() -> None:
    uow = FakeUnitOfWork()
    kept, gone = _arrange(uow, Side.UA, RegistryKind.SOUGHT, "Шевчук", "Лисенко")
    submit_registry(SubmitRegistry(Side.UA, ListKind.SOUGHT), uow)
    with uow:
        del uow.registry.persons[gone]
        uow.registry.persons[kept]["content_hash"] = "changed"
        uow.registry.add_person(Side.UA, RegistryKind.SOUGHT, surname="Їжак")
        uow.registry.add_person(Side.UA, RegistryKind.SOUGHT, surname="Ґалаган")
        uow.commit()
    submit_registry(SubmitRegistry(Side.UA, ListKind.SOUGHT), uow)
    with uow:  # the registry changes again after submitting: the difference does not show it
        uow.registry.persons[kept]["surname"] = "Змінений"
        uow.commit()
    diff = list_difference(CompareVersions(Side.UA, ListKind.SOUGHT, Side.RU, 1, 2), uow)
    assert [r["surname"] for r in diff["added"]] == ["Ґалаган", "Їжак"]
    assert [r["surname"] for r in diff["removed"]] == ["Лисенко"]
    assert [r["surname"] for r in diff["changed"]] == ["Шевчук"]


def test_registry_ids_are_one_partys_one_registry() -> None:
    uow = FakeUnitOfWork()
    mine = _arrange(uow, Side.UA, RegistryKind.SOUGHT, "Коваленко", "Бондар")
    _arrange(uow, Side.UA, RegistryKind.HOLDINGS, "Петренко")
    assert registry_ids(Side.UA, RegistryKind.SOUGHT, uow) == mine
