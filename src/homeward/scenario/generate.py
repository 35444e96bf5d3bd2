"""Generate a whole scenario in memory: four registries and the truth that links them.

>>> scenario = generate_scenario("small", seed=1)
>>> len(scenario.ru_holdings), scenario.ru_holdings[0].record_id
(260, 'RU-H-000001')
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from homeward.domain.person import PersonRecord
from homeward.domain.values import Category, Side
from homeward.scenario.population import Identity, PopulationMaker, facility_names
from homeward.scenario.presets import PeoplePlan, Preset, get_preset
from homeward.scenario.render import Source, render_holding, render_sought

FILE_KEYS = ("ua_holdings", "ru_holdings", "ua_sought", "ru_sought")


@dataclass(frozen=True, slots=True)
class Scenario:
    """Registries of both sides plus the ground truth (sought_record_id, holdings_record_id).

    ``ua_holdings`` are the people UA holds (RU's people); ``ua_sought`` are UA's own people
    that UA seeks. The truth is for scoring matching only and is never imported.
    """

    preset: Preset
    seed: int
    ua_holdings: tuple[PersonRecord, ...]
    ru_holdings: tuple[PersonRecord, ...]
    ua_sought: tuple[PersonRecord, ...]
    ru_sought: tuple[PersonRecord, ...]
    truth: tuple[tuple[str, str], ...]

    @property
    def files(self) -> dict[str, tuple[PersonRecord, ...]]:
        return {key: getattr(self, key) for key in FILE_KEYS}

    def summary(self) -> dict[str, object]:
        """What scenario.json holds: preset, seed, counts per file, category and source."""
        files: dict[str, object] = {}
        for key, records in self.files.items():
            entry: dict[str, object] = {
                "rows": len(records),
                "by_category": _count(r.category.value if r.category else "" for r in records),
                "by_health": _count(r.health.value if r.health else "" for r in records),
            }
            if key.endswith("_sought"):
                entry["by_source"] = _count(r.extra["source"] for r in records)
            files[key] = entry
        return {
            "preset": self.preset.name,
            "seed": self.seed,
            "reference_date": self.preset.reference_date.isoformat(),
            "files": files,
            "truth_links": len(self.truth),
            "acknowledged_on_both_sides": self.acknowledged(),
        }

    def acknowledged(self) -> dict[str, dict[str, int]]:
        """Per nation, held people that their own side also seeks, by category."""
        linked = {holding for _, holding in self.truth}
        result: dict[str, dict[str, int]] = {}
        for nation, holdings in (
            (Side.UA, self.ru_holdings),
            (Side.RU, self.ua_holdings),
        ):
            counts = Counter(r.effective_category.value for r in holdings if r.record_id in linked)
            result[nation.value] = {c.value: counts[c.value] for c in Category}
        return result


def _count(values: Iterable[str]) -> dict[str, int]:
    return {k or "unknown": v for k, v in sorted(Counter(values).items())}


@dataclass(frozen=True, slots=True)
class _SideOutput:
    holdings: tuple[PersonRecord, ...]
    sought: tuple[PersonRecord, ...]
    truth: tuple[tuple[str, str], ...]


def generate_scenario(preset: str, seed: int) -> Scenario:
    """The scenario of ``preset`` for ``seed``: the same seed gives the same records."""
    chosen = get_preset(preset)
    ua = _generate_people(chosen, chosen.ua_people, seed)
    ru = _generate_people(chosen, chosen.ru_people, seed)
    return Scenario(
        preset=chosen,
        seed=seed,
        ua_holdings=ru.holdings,
        ru_holdings=ua.holdings,
        ua_sought=ua.sought,
        ru_sought=ru.sought,
        truth=tuple(sorted(ua.truth + ru.truth)),
    )


def _split(total: int, share: float) -> int:
    return round(total * share)


def _generate_people(preset: Preset, plan: PeoplePlan, seed: int) -> _SideOutput:
    nation, holder = plan.nation, plan.nation.other
    # One stream per nation: changing one side's plan leaves the other side's people alone.
    rng = random.Random(f"homeward:{preset.name}:{seed}:{nation.value}")
    maker = PopulationMaker(nation, seed, preset.reference_date)
    facilities = facility_names(holder, plan.holder_facilities)

    civilians = _split(plan.held, plan.held_civilian_share)
    categories = [Category.CIVILIAN] * civilians + [Category.MILITARY] * (plan.held - civilians)
    rng.shuffle(categories)
    held = [maker.make(rng, category, facilities) for category in categories]
    holding_ids = [f"{holder.value}-H-{i:06d}" for i in range(1, len(held) + 1)]
    holdings = tuple(
        render_holding(person, record_id, holder, rng)
        for person, record_id in zip(held, holding_ids, strict=True)
    )

    entries: list[tuple[Identity, Source, str | None]] = []
    order = list(range(len(held)))
    rng.shuffle(order)
    confirmed = _split(plan.held, plan.confirmed_share)
    missing = _split(plan.held, plan.missing_share)
    for position, index in enumerate(order[: confirmed + missing]):
        source = Source.HELD_CONFIRMED if position < confirmed else Source.MISSING_REPORT
        entries.append((held[index], source, holding_ids[index]))
    for index in sorted(
        rng.sample(range(len(held)), _split(plan.held, plan.family_duplicate_share))
    ):
        entries.append((held[index], Source.FAMILY_CLAIM, holding_ids[index]))

    not_held_reports = plan.sought_total - len(entries) - plan.family_not_held
    if not_held_reports < 0:
        raise ValueError(f"preset {preset.name}: sought_total too small for {nation.value}")
    for source, count in (
        (Source.MISSING_REPORT, not_held_reports),
        (Source.FAMILY_CLAIM, plan.family_not_held),
    ):
        for _ in range(count):
            category = Category.MILITARY if rng.random() < 0.8 else Category.CIVILIAN
            entries.append((maker.make(rng, category, None, missing=True), source, None))

    rng.shuffle(entries)
    sought: list[PersonRecord] = []
    truth: list[tuple[str, str]] = []
    for number, (person, source, holding_id) in enumerate(entries, start=1):
        record_id = f"{nation.value}-S-{number:06d}"
        sought.append(render_sought(person, record_id, source, rng))
        if holding_id is not None:
            truth.append((record_id, holding_id))
    return _SideOutput(holdings, tuple(sought), tuple(truth))
