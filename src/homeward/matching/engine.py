"""``match_records``: the simple API. Normalise, score with the saved Splink model, decide.

>>> # results = match_records(registry, requests)  # list[MatchResult], one per request
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from homeward.domain.person import PersonRecord
from homeward.matching.decide import (
    DEFAULT_THRESHOLDS,
    Candidate,
    MatchResult,
    Thresholds,
    decide,
)
from homeward.matching.normalise import MatchFeatures, match_features

Progress = Callable[[str], None]
BACKENDS = ("duckdb", "spark")


def default_model_path() -> Path:
    """The model trained on synthetic data that ships with homeward."""
    return Path(str(resources.files("homeward.matching").joinpath("data", "model.json")))


def features(records: Sequence[PersonRecord]) -> list[MatchFeatures]:
    return [match_features(r) for r in records]


def _api(backend: str) -> Any:
    if backend == "duckdb":
        from homeward.matching.splink_engine import duckdb_api

        return duckdb_api()
    if backend == "spark":
        from homeward.matching.spark_engine import spark_api

        return spark_api()
    raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")


def score_features(
    registry: Sequence[MatchFeatures],
    requests: Sequence[MatchFeatures],
    model: dict[str, Any],
    backend: str = "duckdb",
) -> list[Candidate]:
    """Scored candidate pairs (empty when either side is empty)."""
    if not registry or not requests:
        return []
    from homeward.matching import splink_engine as se

    pairs = se.score(
        se.features_table(registry, se.REGISTRY),
        se.features_table(requests, se.REQUESTS),
        model,
        _api(backend),
    )
    return [Candidate.from_pair(p) for p in pairs]


def load_or_train(
    model_path: Path | None,
    registry: Sequence[MatchFeatures],
    requests: Sequence[MatchFeatures],
) -> dict[str, Any]:
    """The saved model at ``model_path`` (default: the shipped one); trains only if absent."""
    from homeward.matching import splink_engine as se

    path = model_path or default_model_path()
    if path.exists():
        return se.load_model(path)
    model = se.train(
        se.features_table(registry, se.REGISTRY), se.features_table(requests, se.REQUESTS)
    )
    se.save_model(model, path)
    return model


def match_features_lists(
    registry: Sequence[MatchFeatures],
    requests: Sequence[MatchFeatures],
    model_path: Path | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    backend: str = "duckdb",
) -> list[MatchResult]:
    ids = [r.unique_id for r in requests]
    flags = {r.unique_id: r.flags for r in requests if r.flags}
    if not registry or not requests:
        return decide(ids, [], thresholds, flags)
    model = load_or_train(model_path, registry, requests)
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
        features(registry), features(requests), model_path, thresholds, backend
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
    model = load_or_train(model_path, feats, feats)
    found = score_features(feats, feats, model, backend)
    return [c for c in found if c.request_id < c.record_id and c.probability >= thresholds.review]
