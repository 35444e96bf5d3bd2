"""The saved model scores on Spark (local mode) with the same decisions as on DuckDB.

This test fails, never skips, when pyspark or Java is missing: Spark is part of the
contract for registries beyond one machine.
"""

from __future__ import annotations

import shutil
import subprocess

import pyspark  # noqa: F401 - a missing pyspark must fail this module, not skip it
import pytest

from homeward.matching.engine import match_records
from homeward.matching.synth import generate

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def test_java_17_or_newer_is_on_the_machine() -> None:
    java = shutil.which("java")
    assert java, "java is not on PATH: Spark needs Java 17"
    version = subprocess.run([java, "-version"], capture_output=True, text=True, check=True)
    assert 'version "1' in version.stderr or 'version "2' in version.stderr


def test_spark_gives_the_same_decisions_as_duckdb_on_a_small_set() -> None:
    data = generate(60, 600, seed=3)
    on_duckdb = match_records(data.registry, data.requests, backend="duckdb")
    on_spark = match_records(data.registry, data.requests, backend="spark")
    assert [(r.request_id, r.record_id, r.decision) for r in on_spark] == [
        (r.request_id, r.record_id, r.decision) for r in on_duckdb
    ]
    for spark_result, duck_result in zip(on_spark, on_duckdb, strict=True):
        assert spark_result.probability == pytest.approx(duck_result.probability, abs=1e-6)
    assert sum(r.decision == "match" for r in on_spark) >= 30
