"""Scenario generator benchmark: time to generate and write the istanbul-2025 preset, and
throughput and peak memory of the benchmark-row stream.

    python bench/bench_scenario.py --rows 1000000

Prints one line per measurement; the figures go to docs/benchmarks.md (## scenario).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from homeward.scenario import generate_scenario, write_scenario
from homeward.scenario.rows import BENCH_HEADER, RowStats, iter_bench_rows
from homeward.scenario.writers import write_table


def _timed(runs: int, action: object) -> list[float]:
    assert callable(action)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    times = _timed(args.runs, lambda: generate_scenario("istanbul-2025", 1))
    print(f"generate istanbul-2025 (19,313 rows): median {statistics.median(times):.2f} s")
    scenario = generate_scenario("istanbul-2025", 1)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("csv", "json", "xlsx"):
            out = Path(tmp) / fmt
            seconds = _timed(1, lambda out=out, fmt=fmt: write_scenario(scenario, out, fmt))[0]
            print(f"write istanbul-2025 as {fmt}: {seconds:.2f} s")
        for fmt, count in (("csv", args.rows), ("json", args.rows), ("xlsx", args.rows // 10)):
            stats = RowStats()
            path = Path(tmp) / f"rows.{fmt}"
            started = time.perf_counter()
            write_table(BENCH_HEADER, iter_bench_rows(count, 1, 0.01, fmt, stats), path)
            seconds = time.perf_counter() - started
            size = path.stat().st_size / 1e6
            print(
                f"rows {fmt}: {count:,} rows ({stats.bad:,} malformed) in {seconds:.1f} s, "
                f"{count / seconds:,.0f} rows/s, {size:,.0f} MB"
            )
            path.unlink()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the whole run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
