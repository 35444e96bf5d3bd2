"""The SparkSession that matching runs on: local, or a cluster, from ``SparkSettings``.

The composition root calls ``configure(settings.spark)`` once (the CLI does it at start);
``session()`` then builds one SparkSession per process the first time it is needed. Which
setting wins, highest first: ``HOMEWARD_SPARK_CONF``; the other ``HOMEWARD_SPARK_*``;
``PYSPARK_SUBMIT_ARGS`` (``--master``, ``--driver-memory``, ``--executor-memory``,
``--conf k=v``), which pyspark passes to ``spark-submit`` when it starts the JVM; homeward's
defaults (``local[2]``, 2g driver). The driver binds to 127.0.0.1 unless told otherwise, and
checkpoints and the SQL warehouse go to one folder per session under the work folder,
deleted when the session stops or the process exits.
"""

from __future__ import annotations

import atexit
import shlex
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from homeward.settings import DEFAULT_SPARK_DRIVER_MEMORY, DEFAULT_SPARK_MASTER, SparkSettings

_FLAG_CONF = {
    "--master": "spark.master",
    "--driver-memory": "spark.driver.memory",
    "--executor-memory": "spark.executor.memory",
    "--jars": "spark.jars",
}


def submit_args_conf(submit_args: str) -> dict[str, str]:
    """The Spark settings ``PYSPARK_SUBMIT_ARGS`` already makes (its flags and ``--conf``)."""
    words = shlex.split(submit_args)
    found: dict[str, str] = {}
    for i, word in enumerate(words):
        flag, eq, inline = word.partition("=")
        if flag in _FLAG_CONF or flag == "--conf":
            value = inline if eq else (words[i + 1] if i + 1 < len(words) else "")
            if flag == "--conf":
                key, _, val = value.partition("=")
                found[key] = val
            else:
                found[_FLAG_CONF[flag]] = value
    return found


def _is_local_path(location: str) -> bool:
    scheme = urlparse(location).scheme
    return scheme in ("", "file")


def _local_path(location: str) -> Path:
    return Path(urlparse(location).path) if location.startswith("file:") else Path(location)


@dataclass(frozen=True, slots=True)
class WorkDir:
    """This session's folder for checkpoints and the warehouse (a path or a URI)."""

    location: str

    @property
    def is_local(self) -> bool:
        return _is_local_path(self.location)

    @property
    def uri(self) -> str:
        if self.is_local:
            return _local_path(self.location).resolve().as_uri()
        return self.location

    def child(self, name: str) -> str:
        return f"{self.uri.rstrip('/')}/{name}"


def new_work_dir(settings: SparkSettings) -> WorkDir:
    """A fresh folder for one session, under ``HOMEWARD_SPARK_WORK_DIR`` or the temp folder."""
    if settings.work_dir is None:
        return WorkDir(tempfile.mkdtemp(prefix="homeward-spark-"))
    name = f"homeward-spark-{uuid.uuid4().hex[:12]}"
    if _is_local_path(settings.work_dir):
        folder = _local_path(settings.work_dir) / name
        folder.mkdir(parents=True, mode=0o700)
        return WorkDir(str(folder))
    return WorkDir(f"{settings.work_dir.rstrip('/')}/{name}")


def spark_conf(settings: SparkSettings, jar: str, work: WorkDir) -> dict[str, str]:
    """Every Spark setting homeward passes to the session builder."""
    submitted = submit_args_conf(settings.submit_args)
    conf: dict[str, str] = {
        "spark.app.name": "homeward-matching",
        "spark.jars": jar,
        "spark.sql.shuffle.partitions": "8",
        "spark.default.parallelism": "4",
        "spark.ui.enabled": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.driver.bindAddress": settings.driver_host,
        "spark.driver.host": settings.driver_host,
        "spark.sql.warehouse.dir": work.child("warehouse"),
    }
    if "spark.master" not in submitted:
        conf["spark.master"] = DEFAULT_SPARK_MASTER
    if "spark.driver.memory" not in submitted:
        conf["spark.driver.memory"] = DEFAULT_SPARK_DRIVER_MEMORY
    for key in list(conf):
        if key in submitted:
            del conf[key]  # PYSPARK_SUBMIT_ARGS already says it, and is respected
    if submitted.get("spark.jars"):  # the operator's jars, and the similarity functions'
        conf["spark.jars"] = f"{submitted['spark.jars']},{jar}"
    if settings.master:
        conf["spark.master"] = settings.master
    if settings.driver_memory:
        conf["spark.driver.memory"] = settings.driver_memory
    if settings.executor_memory:
        conf["spark.executor.memory"] = settings.executor_memory
    conf.update(dict(settings.conf))
    return conf


_lock = threading.Lock()
_configured: list[SparkSettings] = [SparkSettings()]
_running: dict[str, Any] = {}


def configure(settings: SparkSettings) -> None:
    """Use ``settings`` for the session built next (the composition root calls this)."""
    _configured[0] = settings


def configured() -> SparkSettings:
    return _configured[0]


def session(master: str | None = None) -> Any:
    """This process's SparkSession, built on first use from the configured settings
    (``master``, if given, overrides the configured master URL)."""
    with _lock:
        if "spark" in _running:
            return _running["spark"]
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        settings = configured()
        if master is not None:
            from dataclasses import replace

            settings = replace(settings, master=master)
        work = new_work_dir(settings)
        builder = SparkSession.builder
        for key, value in spark_conf(settings, similarity_jar_location(), work).items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        spark.sparkContext.setCheckpointDir(work.child("checkpoints"))
        _running["spark"] = spark
        _running["work"] = work
        return spark


def work_dir() -> WorkDir | None:
    """The running session's work folder (None when no session runs)."""
    work: WorkDir | None = _running.get("work")
    return work


def _delete(spark: Any, work: WorkDir) -> None:
    if work.is_local:
        shutil.rmtree(_local_path(work.location), ignore_errors=True)
        return
    jvm = spark.sparkContext._jvm  # a cluster file system (hdfs://, s3a://...): ask Hadoop
    path = jvm.org.apache.hadoop.fs.Path(work.location)
    path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).delete(path, True)


def stop() -> None:
    """Stop the session (if any) and delete its work folder."""
    with _lock:
        spark = _running.pop("spark", None)
        work = _running.pop("work", None)
        if spark is None:
            return
        try:
            if work is not None:
                _delete(spark, work)
        finally:
            spark.stop()


atexit.register(stop)
