"""Use cases of services.exchange on the fake unit of work."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.unit.services.fakes import FakeUnitOfWork

from homeward.domain.errors import NotAllowed, NotFound
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.services.exchange import (
    CompareVersions,
    IdentityLink,
    ProposeTerms,
    RecordLinks,
    SignAgreement,
    SubmitList,
    agreement_terms,
    create_agreement,
    list_versions_diff,
    record_identity_links,
    sign_agreement,
    submit_list,
)


def _people(uow: FakeUnitOfWork, party: Side, kind: RegistryKind, *surnames: str) -> list[int]:
    with uow:
        ids = [uow.registry.add_person(party, kind, surname=s) for s in surnames]
        uow.commit()
    return ids


def test_a_submitted_list_gets_the_next_version_and_its_event_in_one_commit() -> None:
    uow = FakeUnitOfWork()
    ids = _people(uow, Side.UA, RegistryKind.SOUGHT, "Коваленко", "Шевчук")
    first = submit_list(SubmitList(Side.UA, ListKind.SOUGHT, Side.RU, ids), uow)
    second = submit_list(SubmitList(Side.UA, ListKind.SOUGHT, Side.RU, ids[:1]), uow)
    assert (first.version, first.size, second.version, second.size) == (1, 2, 2, 1)
    assert uow.committed
    assert uow.events.events[-1] == (
        "ListSubmitted",
        {"party": "UA", "kind": "sought", "recipient": "RU", "version": 2, "size": 1},
    )
    assert uow.lists.versions([Side.UA])[0].submitted_at == uow.clock.now()


def test_a_party_cannot_list_people_of_the_other_sides_registry() -> None:
    uow = FakeUnitOfWork()
    theirs = _people(uow, Side.RU, RegistryKind.SOUGHT, "Іваненко")
    with pytest.raises(NotAllowed, match="not in UA's sought registry"):
        submit_list(SubmitList(Side.UA, ListKind.SOUGHT, Side.RU, theirs), uow)
    assert uow.lists.lists == []
    assert uow.events.events == []


def test_a_list_cannot_go_from_the_mediator_or_to_its_own_party() -> None:
    uow = FakeUnitOfWork()
    for party, recipient in ((Side.MEDIATOR, Side.UA), (Side.UA, Side.UA)):
        with pytest.raises(NotAllowed, match="from a party to the other side"):
            submit_list(SubmitList(party, ListKind.SOUGHT, recipient, []), uow)


def test_a_release_offer_naming_someone_already_released_is_refused() -> None:
    uow = FakeUnitOfWork()
    held = _people(uow, Side.UA, RegistryKind.HOLDINGS, "Петренко", "Мельник")
    uow.lists.released.add(held[1])
    with pytest.raises(NotAllowed, match="already released"):
        submit_list(SubmitList(Side.UA, ListKind.RELEASE_OFFER, Side.RU, held), uow)
    assert (
        submit_list(SubmitList(Side.UA, ListKind.RELEASE_OFFER, Side.RU, held[:1]), uow).size == 1
    )


def test_a_bulk_list_asks_for_fresh_statistics_after_commit() -> None:
    uow = FakeUnitOfWork()
    many = _people(uow, Side.UA, RegistryKind.SOUGHT, *(f"Бондар{i}" for i in range(1000)))
    submit_list(SubmitList(Side.UA, ListKind.SOUGHT, Side.RU, many), uow)
    assert uow.analyzed == {"exchange_lists", "exchange_list_items"}


def test_two_versions_differ_by_who_was_added_and_who_was_removed() -> None:
    uow = FakeUnitOfWork()
    a, b, c = _people(uow, Side.UA, RegistryKind.SOUGHT, "Кравець", "Лисенко", "Ткаченко")
    submit_list(SubmitList(Side.UA, ListKind.SOUGHT, Side.RU, [a, b]), uow)
    submit_list(SubmitList(Side.UA, ListKind.SOUGHT, Side.RU, [b, c]), uow)
    diff = list_versions_diff(CompareVersions(Side.UA, ListKind.SOUGHT, Side.RU, 1, 2), uow)
    assert (diff.added, diff.removed) == ({c}, {a})


def test_recorded_links_are_stored_and_counted_by_decision_in_the_event() -> None:
    uow = FakeUnitOfWork()
    links = [
        IdentityLink(1, 2, 0.99, "match", {"surname": "equal"}),
        IdentityLink(3, 4, 0.51, "review", {}),
        IdentityLink(5, 6, 0.97, "match", {}),
    ]
    assert record_identity_links(RecordLinks(links, "missing"), uow) == 3
    assert [purpose for _, purpose in uow.links.links] == ["missing"] * 3
    assert uow.events.events == [
        ("ListsMatched", {"decisions": {"match": 2, "review": 1}, "purpose": "missing"})
    ]


def test_links_for_an_unknown_purpose_are_refused() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(NotAllowed, match="holdings or missing"):
        record_identity_links(RecordLinks([], "guesswork"), uow)


def test_terms_are_signed_by_three_and_each_only_once() -> None:
    uow = FakeUnitOfWork()
    agreement = create_agreement(ProposeTerms("Round 1", {"ratio": "1:1"}), uow)
    assert agreement_terms(agreement, uow) == {"ratio": "1:1"}
    assert not sign_agreement(SignAgreement(agreement, Side.UA, "signed note\n"), uow)
    with pytest.raises(NotAllowed, match="already signed"):
        sign_agreement(SignAgreement(agreement, Side.UA), uow)
    assert not sign_agreement(SignAgreement(agreement, Side.RU), uow)
    uow.clock.advance(dt.timedelta(minutes=5))
    assert sign_agreement(SignAgreement(agreement, Side.MEDIATOR), uow)
    assert uow.events.kinds() == ["TermsProposed", "TermsSigned", "TermsSigned", "TermsSigned"]
    assert "signed_note_sha256" in uow.events.events[1][1]
    assert "signed_note_sha256" not in uow.events.events[2][1]


def test_an_unknown_agreement_is_not_found_rather_than_signed() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(NotFound, match="no agreement 7"):
        sign_agreement(SignAgreement(7, Side.MEDIATOR), uow)
    with pytest.raises(NotFound):
        agreement_terms(7, uow)


def test_terms_with_a_float_that_is_not_a_number_are_refused() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(ValueError, match="JSON compliant"):
        create_agreement(ProposeTerms("Round 1", {"ratio": float("nan")}), uow)
    assert uow.agreements.agreements == {}
