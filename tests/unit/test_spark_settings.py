"""Spark session settings: HOMEWARD_SPARK_* over PYSPARK_SUBMIT_ARGS over homeward's
defaults, the driver on loopback, and a work folder per session under the configured one."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeward.matching.spark_session import WorkDir, new_work_dir, spark_conf, submit_args_conf
from homeward.settings import Settings, SettingsError, SparkSettings

JAR = "/opt/similarity.jar"
WORK = WorkDir("/tmp/homeward-spark-x")


def test_without_settings_spark_runs_locally_on_loopback_with_a_2g_driver() -> None:
    conf = spark_conf(SparkSettings.from_env({}), JAR, WORK)
    assert conf["spark.master"] == "local[2]"
    assert conf["spark.driver.memory"] == "2g"
    assert conf["spark.driver.bindAddress"] == "127.0.0.1"
    assert conf["spark.driver.host"] == "127.0.0.1"
    assert conf["spark.jars"] == JAR
    assert conf["spark.sql.warehouse.dir"] == "file:///tmp/homeward-spark-x/warehouse"
    assert "spark.executor.memory" not in conf


def test_homeward_spark_settings_choose_the_cluster_memory_and_extra_conf() -> None:
    env = {
        "HOMEWARD_SPARK_MASTER": "spark://10.0.0.5:7077",
        "HOMEWARD_SPARK_DRIVER_MEMORY": "6g",
        "HOMEWARD_SPARK_EXECUTOR_MEMORY": "12g",
        "HOMEWARD_SPARK_DRIVER_HOST": "10.0.0.9",
        "HOMEWARD_SPARK_CONF": "spark.sql.shuffle.partitions=400; spark.executor.cores=4",
    }
    conf = spark_conf(SparkSettings.from_env(env), JAR, WORK)
    assert conf["spark.master"] == "spark://10.0.0.5:7077"
    assert conf["spark.driver.memory"] == "6g"
    assert conf["spark.executor.memory"] == "12g"
    assert conf["spark.driver.host"] == "10.0.0.9"
    assert conf["spark.sql.shuffle.partitions"] == "400"  # extra conf wins over homeward's 8
    assert conf["spark.executor.cores"] == "4"


def test_pyspark_submit_args_are_respected_when_homeward_settings_are_unset() -> None:
    submit = "--master spark://h:7077 --driver-memory=8g --conf spark.ui.enabled=true pyspark-shell"
    assert submit_args_conf(submit) == {
        "spark.master": "spark://h:7077",
        "spark.driver.memory": "8g",
        "spark.ui.enabled": "true",
    }
    conf = spark_conf(SparkSettings.from_env({"PYSPARK_SUBMIT_ARGS": submit}), JAR, WORK)
    for key in ("spark.master", "spark.driver.memory", "spark.ui.enabled"):
        assert key not in conf, f"{key} would override PYSPARK_SUBMIT_ARGS"
    env = {"PYSPARK_SUBMIT_ARGS": submit, "HOMEWARD_SPARK_MASTER": "local[1]"}
    assert spark_conf(SparkSettings.from_env(env), JAR, WORK)["spark.master"] == "local[1]"


def test_a_malformed_spark_conf_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="HOMEWARD_SPARK_CONF"):
        SparkSettings.from_env({"HOMEWARD_SPARK_CONF": "shuffle=4"})
    with pytest.raises(SettingsError, match="HOMEWARD_MIGRATE_ON_START"):
        Settings.from_env({"HOMEWARD_MIGRATE_ON_START": "maybe"})


def test_each_session_gets_its_own_folder_under_the_work_dir(tmp_path: Path) -> None:
    settings = SparkSettings(work_dir=str(tmp_path))
    first, second = new_work_dir(settings), new_work_dir(settings)
    assert first != second
    assert Path(first.location).parent == tmp_path
    assert Path(first.location).is_dir()
    remote = new_work_dir(SparkSettings(work_dir="hdfs://nn:8020/shared/homeward/"))
    assert remote.location.startswith("hdfs://nn:8020/shared/homeward/homeward-spark-")
    assert not remote.is_local
    assert remote.child("checkpoints") == remote.location + "/checkpoints"


def test_a_server_migrates_on_start_only_a_sqlite_workspace_with_one_process() -> None:
    sqlite = Settings.from_env({})
    postgres = Settings.from_env({"HOMEWARD_DATABASE_URL": "postgresql://u@h/db"})
    assert sqlite.migrates_on_start(1)
    assert not sqlite.migrates_on_start(4)
    assert not postgres.migrates_on_start(1)
    forced = Settings.from_env(
        {"HOMEWARD_DATABASE_URL": "postgresql://u@h/db", "HOMEWARD_MIGRATE_ON_START": "1"}
    )
    assert forced.migrates_on_start(4)


def test_jars_given_in_pyspark_submit_args_are_kept_with_the_similarity_jar() -> None:
    settings = SparkSettings.from_env({"PYSPARK_SUBMIT_ARGS": "--jars /opt/a.jar pyspark-shell"})
    assert spark_conf(settings, JAR, WORK)["spark.jars"] == f"/opt/a.jar,{JAR}"
