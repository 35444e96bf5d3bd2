"""The Splink 5 linkage model: comparisons, blocking, training, scoring on any backend.

Backends are chosen by the caller (``duckdb_api()`` here, ``spark_engine.spark_api()`` for
Spark); this module builds backend-neutral settings and only asks the backend to run them.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.database_api import DatabaseAPISubClass

from homeward.matching.normalise import MatchFeatures

REGISTRY = "registry"
REQUESTS = "requests"
FIELDS: tuple[str, ...] = (
    "given_name", "surname", "patronymic", "date_of_birth", "service_number", "unit",
    "document_number", "sex",
)  # fmt: skip
_INT_COLUMNS = {"dob_y", "dob_m", "dob_d"}


def _given_name() -> cl.CustomComparison:
    """As ``_name``, with one more way to be one letter off: against the name's full form
    in the tables (``given_canon``), so a typo in Федір still meets Фёдор."""
    one_edit = (
        "levenshtein(given_fold_l, given_fold_r) <= 1 OR "
        "levenshtein(given_canon_l, given_canon_r) <= 1"
    )
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given_fold"),
            cll.ExactMatchLevel("given_key", term_frequency_adjustments=True),
            cll.CustomLevel(one_edit, "one letter off, as written or in full form"),
            cll.ExactMatchLevel("given_phon"),
            cll.LevenshteinLevel("given_fold", 2),
            cll.ElseLevel(),
        ],
    )


def _name(output: str, key: str, folded: str, phon: str) -> cl.CustomComparison:
    """Table key (diminutives, both languages; term frequency), then edit distance on the
    folded skeleton that Cyrillic and every Latin scheme reduce to, then the phonetic key.

    Edit distance is the only string similarity in the model: DuckDB and Spark compute
    ``levenshtein`` by one definition, so both engines put a pair in the same level.
    """
    return cl.CustomComparison(
        output_column_name=output,
        comparison_levels=[
            cll.NullLevel(folded),
            cll.ExactMatchLevel(key, term_frequency_adjustments=True),
            cll.LevenshteinLevel(folded, 1),
            cll.ExactMatchLevel(phon),
            cll.LevenshteinLevel(folded, 2),
            cll.ElseLevel(),
        ],
    )


def _date_of_birth() -> cl.CustomComparison:
    """Per component: a whole date, a swap, a year off, one digit, a partial date."""
    both_full = "dob_l IS NOT NULL AND dob_r IS NOT NULL"
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.CustomLevel("dob_y_l IS NULL OR dob_y_r IS NULL").configure(is_null_level=True),
            cll.CustomLevel(f"{both_full} AND dob_l = dob_r", "exact"),
            cll.CustomLevel(
                "dob_y_l = dob_y_r AND (dob_d_l IS NULL OR dob_d_r IS NULL) AND "
                "(dob_m_l IS NULL OR dob_m_r IS NULL OR dob_m_l = dob_m_r)",
                "partial date agrees",
            ),
            cll.CustomLevel(
                "abs(dob_y_l - dob_y_r) = 1 AND (dob_d_l IS NULL OR dob_d_r IS NULL) AND "
                "(dob_m_l IS NULL OR dob_m_r IS NULL OR dob_m_l = dob_m_r)",
                "partial date, year one off",
            ),
            cll.CustomLevel(
                f"{both_full} AND dob_y_l = dob_y_r AND dob_m_l = dob_d_r AND dob_d_l = dob_m_r",
                "day and month swapped",
            ),
            cll.CustomLevel(
                f"{both_full} AND abs(dob_y_l - dob_y_r) = 1 "
                "AND dob_m_l = dob_m_r AND dob_d_l = dob_d_r",
                "year one off",
            ),
            cll.LevenshteinLevel("dob", 1).configure(label_for_charts="one digit"),
            cll.CustomLevel(
                f"{both_full} AND dob_y_l = dob_y_r AND dob_m_l = dob_m_r", "year and month agree"
            ),
            cll.ElseLevel(),
        ],
    )


def _code(column: str, fuzzy: bool) -> cl.CustomComparison:
    levels = [cll.NullLevel(column), cll.ExactMatchLevel(column)]
    if fuzzy:
        levels.append(cll.LevenshteinLevel(column, 1))
    return cl.CustomComparison(
        output_column_name=column, comparison_levels=[*levels, cll.ElseLevel()]
    )


# Each rule lets through the pairs that one kind of damage would hide from the others: a
# wrong or missing birth date (names alone), a typo in either name (the other name with
# the date, the patronymic or the phonetic key), a diminutive outside the tables.
BLOCKING_RULES: list[BlockingRuleCreator | dict[str, Any]] = [
    block_on("surname_key", "given_key"),
    block_on("given_key", "dob"),
    block_on("surname_key", "dob_y"),
    block_on("surname_phon", "given_key"),
    block_on("surname_key", "patronymic_key"),
    block_on("given_key", "patronymic_key", "dob_y"),
    block_on("surname_phon", "dob"),
    # a damaged surname and a wrong year together: day and month still agree
    block_on("given_key", "patronymic_key", "dob_m", "dob_d"),
    block_on("service_number"),
    block_on("document_number"),
]


def shared_comparisons() -> list[cl.CustomComparison]:
    """Birth date, service number, unit, document number and sex (the baseline uses them too)."""
    return [
        _date_of_birth(),
        _code("service_number", fuzzy=True),
        _code("unit", fuzzy=True),
        _code("document_number", fuzzy=False),
        _code("sex", fuzzy=False),
    ]


def settings(probability_two_random_records_match: float = 1e-5) -> SettingsCreator:
    """The homeward model before training."""
    return SettingsCreator(
        link_type="link_only",
        comparisons=[
            _given_name(),
            _name("surname", "surname_key", "surname_fold", "surname_phon"),
            cl.CustomComparison(
                output_column_name="patronymic",
                comparison_levels=[
                    cll.NullLevel("patronymic_key"),
                    cll.ExactMatchLevel("patronymic_key"),
                    cll.LevenshteinLevel("patronymic_fold", 2),
                    cll.ElseLevel(),
                ],
            ),
            *shared_comparisons(),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        probability_two_random_records_match=probability_two_random_records_match,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
        max_iterations=20,
    )


_NOT_COMPARED = ("given_name", "surname", "patronymic", "flags")
_COLUMNS = [f.name for f in fields(MatchFeatures) if f.name not in _NOT_COMPARED]


def features_table(rows: Sequence[MatchFeatures], source: str) -> pa.Table:
    """The engine's input: one column per feature, plus the source dataset name."""
    get = attrgetter(*_COLUMNS)
    columns = list(zip(*(get(row) for row in rows), strict=True))
    data = {c: list(columns[i]) if columns else [] for i, c in enumerate(_COLUMNS)}
    arrays = {
        c: pa.array(v, type=pa.int32() if c in _INT_COLUMNS else pa.string())
        for c, v in data.items()
    }
    arrays["source_dataset"] = pa.array([source] * len(rows), type=pa.string())
    return pa.table(arrays)


def duckdb_api() -> DatabaseAPISubClass:
    from splink import DuckDBAPI

    return DuckDBAPI()


def _linker(api: DatabaseAPISubClass, registry: pa.Table, requests: pa.Table,
            model: SettingsCreator | dict[str, Any]) -> Linker:  # fmt: skip
    left = api.register(registry, dataset_display_name=REGISTRY)
    right = api.register(requests, dataset_display_name=REQUESTS)
    return Linker([left, right], model, log_level=None)


M_FLOOR = 1e-4
SPLINK_PINNED = "5.0.0"
_EM_PATCH = threading.Lock()


@contextmanager
def floored_em() -> Iterator[None]:
    """Floor EM's m probabilities at ``M_FLOOR`` while training without labels.

    On clean link-only data EM drives the m of levels that only non-matches reach (a name
    one letter off when the tables already caught every match) to 1e-301 or 0.0, which
    Splink 5.0.0 rejects. A floor of 1e-4 keeps those levels negative without claiming a
    certainty the training data cannot give. This is the only place homeward patches
    Splink: process-wide, so under a lock, and pinned to splink==5.0.0's internals
    (tests/unit/matching/test_splink_pin.py fails when they move).
    """
    import splink.internals.expectation_maximisation as em

    with _EM_PATCH:
        original = em.populate_m_u_from_lookup

        def floored(fixed: Any, level: Any, column: str, lookup: dict[str, Any]) -> None:
            for values in lookup.get(column, {}).values():
                if isinstance(values.get("m_probability"), float):
                    values["m_probability"] = max(values["m_probability"], M_FLOOR)
            original(fixed, level, column, lookup)

        em.populate_m_u_from_lookup = floored  # type: ignore[assignment]
        try:
            yield
        finally:
            em.populate_m_u_from_lookup = original


def train(registry: pa.Table, requests: pa.Table, api: DatabaseAPISubClass | None = None,
          *, max_pairs: float = 2e6, seed: int = 1) -> dict[str, Any]:  # fmt: skip
    """Train without labels (a user's own lists): u by random sampling, m by EM."""
    linker = _linker(api or duckdb_api(), registry, requests, settings())
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    with floored_em():
        # Each pass trains the comparisons its blocking columns leave free.
        for rule in (
            block_on("surname_key", "given_key"),
            block_on("given_key", "dob"),
            block_on("surname_key", "dob"),
        ):
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, fix_u_probabilities=True
            )
    model: dict[str, Any] = linker.misc.save_model_to_json()
    return model


LABEL = "true_record"


def _labelled(table: pa.Table, labels: Sequence[str]) -> pa.Table:
    return table.append_column(LABEL, pa.array(list(labels), type=pa.string()))


def train_supervised(
    registry: pa.Table,
    requests: pa.Table,
    truth: dict[str, str | None],
    api: DatabaseAPISubClass | None = None,
    *,
    max_pairs: float = 5e6,
    seed: int = 1,
    smoothing: float = 0.5,
) -> dict[str, Any]:
    """Train on labelled synthetic lists: u by random sampling; m counted level by level over
    every true pair (found by its label, not by blocking), with ``smoothing`` added to each
    count so that a level no true pair reached keeps a small, finite m. No EM, no patch."""
    linker = _linker(api or duckdb_api(), registry, requests, settings())
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    model: dict[str, Any] = linker.misc.save_model_to_json()
    reg_ids = registry.column("unique_id").to_pylist()
    req_ids = requests.column("unique_id").to_pylist()
    by_truth = dict(truth)
    rule = block_on(LABEL).get_blocking_rule(model["sql_dialect"]).as_dict()  # type: ignore[no-untyped-call]
    labelled = dict(
        model,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        blocking_rules_to_generate_predictions=[rule],
    )
    pairs = _linker(
        api or duckdb_api(),
        _labelled(registry, reg_ids),
        _labelled(requests, [by_truth.get(i) or f"none:{i}" for i in req_ids]),
        labelled,
    ).inference.predict(warning_mode="never")
    table = pairs.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        gammas = table[f"gamma_{comparison['output_column_name']}"]
        counts = gammas[gammas >= 0].value_counts().to_dict()
        total = sum(counts.values()) + smoothing * len(levels)
        for index, level in enumerate(levels):
            value = len(levels) - 1 - index  # Splink numbers levels from the else level up
            level["m_probability"] = (counts.get(value, 0) + smoothing) / total
    pairs.drop_table_from_database_and_remove_from_cache()
    return model


def save_model(model: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(model, indent=1), encoding="utf-8")


def load_model(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


_TRAINED = ("m_probability", "u_probability")


def for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """The saved model with its SQL rewritten for ``dialect`` and its trained m and u kept.

    A model saved on DuckDB quotes columns "like_this"; Spark reads that as a string, so the
    SQL is regenerated from ``settings()`` and the parameters copied level by level.
    """
    if model.get("sql_dialect") == dialect:
        return model
    target: dict[str, Any] = settings().get_settings(dialect).as_dict()  # type: ignore[no-untyped-call]
    names = [c["output_column_name"] for c in target["comparisons"]]
    saved = {c["output_column_name"]: c for c in model["comparisons"]}
    if sorted(names) != sorted(saved):
        raise ValueError("the saved model's comparisons differ from this homeward's")
    for comparison in target["comparisons"]:
        old_levels = saved[comparison["output_column_name"]]["comparison_levels"]
        for level, old in zip(comparison["comparison_levels"], old_levels, strict=True):
            for key in _TRAINED:
                if key in old:
                    level[key] = old[key]
    target["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    return target


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    number = float(value)
    return 0.0 if math.isnan(number) else number


def score(registry: pa.Table, requests: pa.Table, model: dict[str, Any],
          api: DatabaseAPISubClass | None = None, *, threshold: float = 0.01,
          ) -> list[dict[str, Any]]:  # fmt: skip
    """Every blocked pair above ``threshold`` as a dict (request_id, record_id, probability,
    match_weight and per-field weights ``mw_<field>``), best first per request.

    The prior (probability that two random records match) is set so that each request
    expects one match in a registry of this size; the trained m and u are reused.
    """
    api = api or duckdb_api()
    model = dict(for_dialect(model, api.sql_dialect.sql_dialect_str))
    model["probability_two_random_records_match"] = 1.0 / max(registry.num_rows, 2)
    linker = _linker(api, registry, requests, model)
    predictions = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    table = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    out: list[dict[str, Any]] = []
    for row in table.to_dict("records"):
        left_is_registry = row["source_dataset_l"] == REGISTRY
        pair: dict[str, Any] = {
            "request_id": row["unique_id_r" if left_is_registry else "unique_id_l"],
            "record_id": row["unique_id_l" if left_is_registry else "unique_id_r"],
            "probability": float(row["match_probability"]),
            "match_weight": float(row["match_weight"]),
        }
        for name in FIELDS:
            weight = _number(row.get(f"mw_{name}")) + _number(row.get(f"mw_tf_adj_{name}"))
            pair[f"mw_{name}"] = round(weight, 3)
        out.append(pair)
    predictions.drop_table_from_database_and_remove_from_cache()
    return out
