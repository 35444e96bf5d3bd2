"""Import benchmark: N generated rows (1 % malformed) into a fresh SQLite workspace.

Runs `homeward import` in a child process as a user would and reports wall time and the
child's peak resident memory. Writes the figures to docs/benchmarks.md (## Import).

    python bench/bench_import.py --rows 1000000
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from _report import machine_line, write_section  # noqa: E402

PEAK_WRAPPER = (
    "import resource, subprocess, sys; "
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True, check=True); "
    "print(done.stdout.strip()); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bad-share", type=float, default=0.01)
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    args = parser.parse_args()
    homeward = str(Path(sys.executable).with_name("homeward"))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "rows.csv"
        subprocess.run(
            [
                homeward,
                "scenario",
                "rows",
                "--count",
                str(args.rows),
                "--seed",
                "1",
                "--bad-share",
                str(args.bad_share),
                "--out",
                str(data),
            ],
            check=True,
            capture_output=True,
        )
        env = dict(os.environ, HOMEWARD_DATABASE_URL=f"sqlite:///{tmp}/bench.db")
        subprocess.run([homeward, "db", "upgrade"], check=True, env=env, capture_output=True)
        runs = []
        for attempt in ("first import", "re-import (all unchanged)"):
            started = time.perf_counter()
            # A fresh wrapper per run, so its children's peak is this import's alone.
            command = [homeward, "import", "--party", "RU", "--kind", "holdings", str(data)]
            done = subprocess.run(
                [sys.executable, "-c", PEAK_WRAPPER, *command],
                check=True,
                env=env,
                capture_output=True,
                text=True,
            )
            wall = time.perf_counter() - started
            output, peak_kb = done.stdout.strip().rsplit("\n", 1)
            peak_mb = int(peak_kb) / 1024
            runs.append((attempt, wall, peak_mb, output.strip()))
            print(f"{attempt}: {wall:.1f} s, peak {peak_mb:.0f} MB: {output.strip()}")
        size_mb = data.stat().st_size / 1e6
    lines = [
        f"`python bench/bench_import.py --rows {args.rows}` ({size_mb:.0f} MB CSV, "
        f"{args.bad_share:.0%} malformed rows), {machine_line()}, Python "
        f"{platform.python_version()}, SQLite (WAL), one transaction per file.",
        "",
        "| run | wall time | peak memory (process) | output |",
        "|---|---|---|---|",
        *[f"| {a} | {w:.1f} s | {m:.0f} MB | `{o}` |" for a, w, m, o in runs],
        "",
        "Target: 1,000,000 rows in under 60 s and under 1 GB peak on SQLite. Peak memory is the",
        "largest resident size of any `homeward import` child (ru_maxrss).",
    ]
    if not args.no_write:
        write_section("Import", "\n".join(lines))


if __name__ == "__main__":
    main()
