"""The compound-noise generator: several kinds at once, each kind what it says it is."""

from __future__ import annotations

from collections import Counter
from functools import cache

from homeward.matching.synth import SynthData
from homeward.matching.synth_compound import KINDS, RU_SCHEMES, TUNING_SEEDS, UK_SCHEMES, generate
from homeward.matching.tables import given_names


@cache
def data() -> SynthData:
    return generate(1500, 4000, seed=4242)


def kinds_of(request_id: str) -> set[str]:
    return set(data().noise[request_id].split("+"))


def test_a_request_often_carries_several_kinds_of_noise_at_once() -> None:
    counts = Counter(len(kinds_of(r.record_id) - {"cyrillic_uk"}) for r in data().requests)
    assert counts[0] < 0.3 * len(data().requests)
    assert sum(n for k, n in counts.items() if k >= 3) > 0.1 * len(data().requests)


def test_every_kind_of_noise_occurs() -> None:
    seen = {k for r in data().requests for k in kinds_of(r.record_id)}
    assert seen == set(KINDS)


def test_there_are_about_twenty_latin_schemes_for_each_language() -> None:
    assert len(UK_SCHEMES) >= 20
    assert len(RU_SCHEMES) >= 14


def test_each_kind_is_what_it_says() -> None:
    registry = {r.record_id: r for r in data().registry}
    for request in data().requests:
        kinds = kinds_of(request.record_id)
        if "dob_missing" in kinds:
            assert request.date_of_birth is None
        if "dob_year_only" in kinds:
            assert request.date_of_birth is not None
            assert request.date_of_birth.month is None
        if "no_patronymic" in kinds:
            assert request.patronymic is None
        if "upper_case" in kinds and "names_swapped" not in kinds:
            assert request.surname == request.surname.upper()
        target = data().truth[request.record_id]
        if "dob_year_off" in kinds and target and "registry_partial" not in kinds:
            held = registry[target].date_of_birth
            assert held is not None
            assert request.date_of_birth is not None
            assert abs(request.date_of_birth.year - held.year) == 1


def test_the_registry_holds_ukrainian_and_russian_cyrillic_and_partial_records() -> None:
    registry = data().registry
    ru_only = {n.ru for n in given_names() if n.ru != n.uk}
    uk_only = {n.uk for n in given_names() if n.ru != n.uk}
    russian = sum(r.given_name in ru_only for r in registry)
    ukrainian = sum(r.given_name in uk_only for r in registry)
    assert russian > 0.1 * len(registry)
    assert ukrainian > 0.1 * len(registry)
    assert sum(r.patronymic is None for r in registry) > 0.02 * len(registry)
    assert any(r.record_id.startswith("KIN") for r in registry)


def test_some_requests_ask_for_someone_absent_from_the_registry() -> None:
    absent = sum(t is None for t in data().truth.values())
    assert 0.1 < absent / len(data().truth) < 0.2


def test_the_same_seed_gives_the_same_data_and_tuning_seeds_are_named() -> None:
    again = generate(1500, 4000, seed=4242)
    assert again.requests == data().requests
    assert 4242 not in TUNING_SEEDS
