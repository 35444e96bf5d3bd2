"""``match_records``: the simple API. Normalise, score with the saved Splink model, decide.

>>> # results = match_records(registry, requests)  # list[MatchResult], one per request
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from homeward.domain.person import PersonRecord
from homeward.matching.decide import (
    DEFAULT_THRESHOLDS,
    SWAPPED,
    Candidate,
    MatchResult,
    Thresholds,
    decide,
)
from homeward.matching.normalise import (
    MatchFeatures,
    could_be_swapped,
    match_features,
    swap_names,
)

Progress = Callable[[str], None]
BACKENDS = ("duckdb", "spark")


def default_model_path() -> Path:
    """The model trained on synthetic data that ships with homeward."""
    return Path(str(resources.files("homeward.matching").joinpath("data", "model.json")))


def features(records: Sequence[PersonRecord]) -> list[MatchFeatures]:
    return [match_features(r) for r in records]


@dataclass(frozen=True, slots=True)
class FeatureTable:
    """A registry's features as the engine's input table, built column by column (each
    distinct name normalised once); what large registries go through."""

    table: Any
    size: int

    def __len__(self) -> int:
        return self.size


def registry_table(records: Sequence[PersonRecord]) -> FeatureTable:
    from homeward.matching import splink_engine as se
    from homeward.matching.columns import records_table

    return FeatureTable(records_table(records, se.REGISTRY), len(records))


def registry_columns(table: Any) -> FeatureTable:
    """A registry from its validated Arrow columns (``adapters.personfile_columns``)."""
    from homeward.matching import splink_engine as se
    from homeward.matching.columns import columns_table

    return FeatureTable(columns_table(table, se.REGISTRY), table.num_rows)


Registry = Sequence[MatchFeatures] | FeatureTable


def _registry_input(registry: Registry) -> Any:
    from homeward.matching import splink_engine as se

    if isinstance(registry, FeatureTable):
        return registry.table
    return se.features_table(registry, se.REGISTRY)


def _api(backend: str) -> Any:
    if backend == "duckdb":
        from homeward.matching.splink_engine import duckdb_api

        return duckdb_api()
    if backend == "spark":
        from homeward.matching.spark_engine import spark_api

        return spark_api()
    raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")


SWAP_SUFFIX = "\x1fswapped"
# Prior odds that a request has its surname and given name in each other's columns: the
# swapped reading of a request pays log2(P_SWAP) bits against the straight one.
P_SWAP = 0.05
SWAP_PENALTY = math.log2(P_SWAP)


def with_swapped_readings(requests: Sequence[MatchFeatures]) -> list[MatchFeatures]:
    """The requests, plus a second reading (names swapped) of those that could be swapped."""
    extra = [swap_names(r, r.unique_id + SWAP_SUFFIX) for r in requests if could_be_swapped(r)]
    return [*requests, *extra]


def _straighten(candidate: Candidate) -> Candidate:
    """A swapped reading's candidate under the request's own id, with the swap's prior."""
    if not candidate.request_id.endswith(SWAP_SUFFIX):
        return candidate
    weight = candidate.match_weight + SWAP_PENALTY
    return Candidate(
        candidate.request_id[: -len(SWAP_SUFFIX)],
        candidate.record_id,
        1.0 / (1.0 + 2.0**-weight),
        weight,
        {**candidate.field_weights, SWAPPED: round(SWAP_PENALTY, 3)},
    )


def collapse_readings(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per (request, record): the better of the straight and swapped readings."""
    best: dict[tuple[str, str], Candidate] = {}
    for candidate in map(_straighten, candidates):
        key = (candidate.request_id, candidate.record_id)
        if key not in best or candidate.match_weight > best[key].match_weight:
            best[key] = candidate
    return list(best.values())


def score_features(
    registry: Registry,
    requests: Sequence[MatchFeatures],
    model: dict[str, Any],
    backend: str = "duckdb",
    *,
    swaps: bool = True,
) -> list[Candidate]:
    """Scored candidate pairs (empty when either side is empty).

    With ``swaps`` each request whose names could be in the wrong columns is also scored
    read the other way round; its best reading stands for it.
    """
    if not registry or not requests:
        return []
    from homeward.matching import splink_engine as se

    pairs = se.score(
        _registry_input(registry),
        se.features_table(with_swapped_readings(requests) if swaps else requests, se.REQUESTS),
        model,
        _api(backend),
    )
    return collapse_readings([Candidate.from_pair(p) for p in pairs])


class ModelMissing(LookupError):
    """No trained model where one was asked for; the message says how to make one."""


def load_model(model_path: Path | None) -> dict[str, Any]:
    """The saved model at ``model_path`` (default: the shipped one). Never trains: training
    is an explicit step (``train_model``, ``homeward match train``), not a side effect of
    matching, so nothing trains inside a web request."""
    from homeward.matching import splink_engine as se

    path = model_path or default_model_path()
    if not path.exists():
        raise ModelMissing(
            f"no trained matching model at {path}: train one on the workspace's submitted "
            "lists with `homeward match train`"
        )
    return se.load_model(path)


def train_model(
    model_path: Path, registry: Registry, requests: Sequence[MatchFeatures]
) -> dict[str, Any]:
    """Train without labels on ``registry`` and ``requests``, save the model at
    ``model_path`` and return it (the one place homeward trains at run time)."""
    from homeward.matching import splink_engine as se

    model = se.train(_registry_input(registry), se.features_table(requests, se.REQUESTS))
    model_path.parent.mkdir(parents=True, exist_ok=True)
    se.save_model(model, model_path)
    return model


@dataclass(frozen=True, slots=True)
class Matcher:
    """A workspace's matching model: the file it is saved in. Matching loads it; only an
    explicit step trains it."""

    model_path: Path

    @property
    def trained(self) -> bool:
        return self.model_path.exists()

    def train(self, registry: Sequence[PersonRecord], requests: Sequence[PersonRecord]) -> None:
        train_model(self.model_path, registry_table(registry), features(requests))


def match_features_lists(
    registry: Registry,
    requests: Sequence[MatchFeatures],
    model_path: Path | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    backend: str = "duckdb",
) -> list[MatchResult]:
    ids = [r.unique_id for r in requests]
    flags = {r.unique_id: r.flags for r in requests if r.flags}
    if not registry or not requests:
        return decide(ids, [], thresholds, flags)
    model = load_model(model_path)
    return decide(ids, score_features(registry, requests, model, backend), thresholds, flags)


def match_records(
    registry: Sequence[PersonRecord],
    requests: Sequence[PersonRecord],
    model_path: Path | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    backend: str = "duckdb",
) -> list[MatchResult]:
    """Match each request against the registry: one result per request, in order."""
    return match_features_lists(
        registry_table(registry), features(requests), model_path, thresholds, backend
    )


def find_duplicates(
    registry: Sequence[PersonRecord],
    model_path: Path | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    backend: str = "duckdb",
) -> list[Candidate]:
    """Likely duplicate pairs inside one registry (each pair once), for review only.

    Nothing is merged here: a merge needs a reviewer's accepted verdict.
    """
    feats = features(registry)
    if len(feats) < 2:  # a pair needs two records
        return []
    model = load_model(model_path)
    found = score_features(feats, feats, model, backend, swaps=False)
    return [c for c in found if c.request_id < c.record_id and c.probability >= thresholds.review]
