"""Matching on a Spark standalone cluster: the test starts a master and a worker on
127.0.0.1 itself (the scripts ship with pyspark), points homeward at it with
HOMEWARD_SPARK_MASTER, runs a match, and stops both.

Like the local-mode Spark test, this fails, never skips, when pyspark or Java is missing.
The decisions are compared with the same data matched on local-mode Spark: one model,
two places to run it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyspark
import pytest

pytestmark = [pytest.mark.spark, pytest.mark.slow]

SPARK_HOME = Path(pyspark.__file__).parent
SPARK_CLASS = SPARK_HOME / "bin" / "spark-class"


class Daemon:
    """A Spark daemon process whose log is read line by line in the background."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [str(SPARK_CLASS), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = re.search(pattern, line)
                if found:
                    return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} in the log:\n{''.join(self.lines[-40:])}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def standalone_cluster(tmp_path: Path) -> Iterator[str]:
    """A Spark master and one worker (2 cores, 2 GB) on loopback; yields the master URL."""
    env = {
        **os.environ,
        "SPARK_HOME": str(SPARK_HOME),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(tmp_path / "logs"),
        "PYSPARK_PYTHON": sys.executable,
    }
    properties = tmp_path / "spark.properties"
    properties.write_text("spark.master.rest.enabled false\nspark.ui.enabled false\n")
    common = ["--host", "127.0.0.1", "--webui-port", "0", "--properties-file", str(properties)]
    master = Daemon(["org.apache.spark.deploy.master.Master", "--port", "0", *common], env)
    worker: Daemon | None = None
    try:
        url = master.wait_for(r"Starting Spark master at (spark://127\.0\.0\.1:\d+)").group(1)
        master.wait_for(r"New state: ALIVE")
        worker = Daemon(
            ["org.apache.spark.deploy.worker.Worker", url, "--cores", "2", "--memory", "2g",
             "--work-dir", str(tmp_path / "work"), *common],
            env,
        )  # fmt: skip
        master.wait_for(r"Registering worker 127\.0\.0\.1")
        yield url
    finally:
        if worker is not None:
            worker.stop()
        master.stop()


def test_a_match_runs_on_a_standalone_cluster_started_on_loopback(
    standalone_cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from homeward.matching import spark_session
    from homeward.matching.engine import match_records
    from homeward.matching.synth import generate
    from homeward.settings import SparkSettings

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    data = generate(40, 400, seed=5)
    spark_session.stop()  # a local session from another test must not be reused
    spark_session.configure(
        SparkSettings.from_env(
            {
                "HOMEWARD_SPARK_MASTER": standalone_cluster,
                "HOMEWARD_SPARK_DRIVER_MEMORY": "1g",
                "HOMEWARD_SPARK_EXECUTOR_MEMORY": "1g",
                "HOMEWARD_SPARK_WORK_DIR": str(tmp_path / "shared"),
            }
        )
    )
    try:
        on_cluster = match_records(data.registry, data.requests, backend="spark")
        spark = spark_session.session()
        assert spark.sparkContext.master == standalone_cluster
        executors = spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size()
        assert executors >= 2  # the driver and at least one executor on the worker
        work = spark_session.work_dir()
        assert work is not None
        assert Path(work.location).parent == tmp_path / "shared"
        assert Path(work.location).is_dir()
    finally:
        spark_session.stop()
        spark_session.configure(SparkSettings())
    assert not Path(work.location).exists()  # the session's folder is cleaned up
    assert len(on_cluster) == 40
    assert sum(r.decision == "match" for r in on_cluster) >= 20

    on_local = match_records(data.registry, data.requests, backend="spark")
    spark_session.stop()
    assert [(r.request_id, r.record_id, r.decision) for r in on_cluster] == [
        (r.request_id, r.record_id, r.decision) for r in on_local
    ]
