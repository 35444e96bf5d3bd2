"""Spark backend for the same saved model: a local or cluster SparkSession with Splink's
similarity UDF jar. Imported only when ``backend="spark"`` is asked for."""

from __future__ import annotations

from typing import Any


def spark_session(master: str | None = None) -> Any:
    """One SparkSession per process, with the jar that gives Spark SQL jaro_winkler; built
    from the configured settings (``homeward.matching.spark_session``)."""
    from homeward.matching.spark_session import session

    return session(master)


def spark_api(master: str | None = None) -> Any:
    """A Splink SparkAPI on ``spark_session(master)``."""
    from splink import SparkAPI

    return SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=spark_session(master),
        break_lineage_method="parquet",
        num_partitions_on_repartition=4,
    )
