"""Spark backend for the same saved model: a local or cluster SparkSession with Splink's
similarity UDF jar. Imported only when ``backend="spark"`` is asked for."""

from __future__ import annotations

import tempfile
from functools import cache
from typing import Any


@cache
def spark_session(master: str = "local[2]") -> Any:
    """One SparkSession per process, with the jar that gives Spark SQL jaro_winkler."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    spark = (
        SparkSession.builder.master(master)
        .appName("homeward-matching")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="homeward-warehouse-"))
        .config("spark.driver.memory", "2g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="homeward-spark-"))
    return spark


def spark_api(master: str = "local[2]") -> Any:
    """A Splink SparkAPI on ``spark_session(master)``."""
    from splink import SparkAPI

    return SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=spark_session(master),
        break_lineage_method="parquet",
        num_partitions_on_repartition=4,
    )
