"""Each kind of damage a request carries, scored by the shipped model on DuckDB: the damaged
field still counts for the pair (a positive weight at its own level), and a request whose
surname and given name are in each other's columns is matched when the rest agrees."""

from __future__ import annotations

from dataclasses import replace

import pytest

from homeward.domain.person import PersonRecord
from homeward.domain.values import PartialDate, Sex
from homeward.matching.decide import SWAPPED, Decision
from homeward.matching.engine import features, load_model, match_records, score_features

HELD = PersonRecord(
    "R1", "Демʼянчук", "Володимир", "Миколайович", sex=Sex.MALE,
    date_of_birth=PartialDate(1987, 4, 9), service_number="А1234567", unit="в/ч А1234",
)  # fmt: skip
OTHERS = [
    PersonRecord(f"R{i}", surname, given, patronymic, sex=Sex.MALE,
                 date_of_birth=PartialDate(1960 + i, 1 + i % 12, 1 + i % 28))
    for i, (surname, given, patronymic) in enumerate(
        [("Коваленко", "Андрій", "Петрович"), ("Шевчук", "Олег", "Іванович"),
         ("Бондар", "Сергій", "Васильович"), ("Ткаченко", "Петро", "Андрійович"),
         ("Кравець", "Іван", "Олегович"), ("Мельник", "Юрій", "Сергійович")] * 5, start=2)
]  # fmt: skip


def asked(**changes: object) -> PersonRecord:
    return replace(HELD, record_id="Q1", **changes)  # type: ignore[arg-type]


NOISES: list[tuple[str, dict[str, object], str]] = [
    ("surname typo", {"surname": "Демʼянчкук"}, "surname"),
    ("given-name typo", {"given_name": "Володимр"}, "given_name"),
    ("given-name typo in the Russian form", {"given_name": "Владимр"}, "given_name"),
    ("diminutive", {"given_name": "Вова"}, "given_name"),
    ("Russian form", {"given_name": "Владимир", "patronymic": "Николаевич"}, "given_name"),
    ("Latin by KMU", {"surname": "Demianchuk"}, "surname"),
    ("Latin by German rules", {"surname": "Demjantschuk"}, "surname"),
    ("Latin by ISO 9", {"surname": "Demʼânčuk"}, "surname"),
    ("apostrophe as soft sign", {"surname": "Демьянчук"}, "surname"),
    ("apostrophe left out", {"surname": "Демянчук"}, "surname"),
    ("Latin look-alikes", {"surname": "Дeмʼянчук"}, "surname"),
    ("upper case and stray spaces", {"surname": "  ДЕМʼЯНЧУК  "}, "surname"),
    ("patronymic in Russian", {"patronymic": "Николаевич"}, "patronymic"),
    ("day and month swapped", {"date_of_birth": PartialDate(1987, 9, 4)}, "date_of_birth"),
    ("year one off", {"date_of_birth": PartialDate(1988, 4, 9)}, "date_of_birth"),
    ("one wrong digit", {"date_of_birth": PartialDate(1987, 4, 19)}, "date_of_birth"),
    ("year only", {"date_of_birth": PartialDate(1987)}, "date_of_birth"),
    ("year and month", {"date_of_birth": PartialDate(1987, 4)}, "date_of_birth"),
    ("service number in Latin", {"service_number": "A1234567"}, "service_number"),
    ("service number one digit wrong", {"service_number": "А1234568"}, "service_number"),
    ("unit in Latin words", {"unit": "military unit A1234"}, "unit"),
    ("unit as v/ch", {"unit": "v/ch A1234"}, "unit"),
]
EXTRA = {
    "different date": asked(date_of_birth=PartialDate(1979, 11, 23)),
    "no patronymic": asked(patronymic=None),
    "straight": asked(service_number=None, unit=None),
    "swapped": asked(surname="Володимир", given_name="Демʼянчук", service_number=None, unit=None),
}


@pytest.fixture(scope="module")
def scored() -> dict[str, dict[str, float]]:
    """Field weights of the held record against each damaged request, scored in one run."""
    requests = {name: asked(**changes) for name, changes, _ in NOISES} | EXTRA
    ids = {f"Q{i}": name for i, name in enumerate(requests)}
    batch = [replace(r, record_id=f"Q{i}") for i, r in enumerate(requests.values())]
    registry = features([HELD, *OTHERS])
    model = load_model(None)
    found = score_features(registry, features(batch), model)
    return {ids[c.request_id]: dict(c.field_weights) for c in found if c.record_id == "R1"}


@pytest.mark.parametrize(("noise", "changes", "field"), NOISES)
def test_a_damaged_field_still_counts_for_the_pair(
    scored: dict[str, dict[str, float]], noise: str, changes: dict[str, object], field: str
) -> None:
    assert noise in scored, "the held record was not even compared"
    assert scored[noise][field] > 0, (changes, scored[noise])


def test_a_plainly_different_birth_date_counts_against_the_pair(
    scored: dict[str, dict[str, float]],
) -> None:
    assert scored["different date"]["date_of_birth"] < 0


def test_a_missing_patronymic_is_no_evidence_either_way(
    scored: dict[str, dict[str, float]],
) -> None:
    assert scored["no patronymic"]["patronymic"] == 0


def test_a_request_with_surname_and_given_name_swapped_is_matched_when_the_rest_agrees() -> None:
    request = asked(surname="Володимир", given_name="Демʼянчук", service_number=None, unit=None)
    [result] = match_records([HELD, *OTHERS], [request])
    assert (result.record_id, result.decision) == ("R1", Decision.MATCH)
    assert SWAPPED in result.flags
    assert result.field_weights["surname"] > 0
    assert result.field_weights["given_name"] > 0


def test_the_swapped_reading_costs_its_prior_against_the_straight_one(
    scored: dict[str, dict[str, float]],
) -> None:
    straight, swapped = scored["straight"], scored["swapped"]
    assert swapped[SWAPPED] < 0
    assert SWAPPED not in straight
    assert sum(swapped.values()) < sum(straight.values())
