"""Time ``homeward match`` end to end: reading both person files, normalising, linking and
writing OUT.csv, as an operator runs it (#15: < 40 s wall at 10k x 1M with DuckDB).

Data: ``homeward.matching.synth_compound.generate(requests, registry, seed)`` on a fresh seed,
written in the person format (CSV) once per seed under ``--data`` and reused. The CLI runs in
a child process; its wall time and peak resident memory (``ru_maxrss`` of the children)
are measured from outside. ``--backends duckdb,spark`` runs both on the same files and counts
the requests whose decision or record differs.

    python bench/bench_match_cli.py --size 10000x1000000 --backends duckdb
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_data(n_req: int, n_reg: int, seed: int, folder: Path) -> tuple[Path, Path]:
    """REG.csv and REQ.csv for this size and seed (written once, then reused)."""
    from homeward.matching import synth_compound
    from homeward.scenario.writers import write_person_file

    folder = folder / f"{n_req}x{n_reg}-seed{seed}"
    reg, req = folder / "REG.csv", folder / "REQ.csv"
    if not (reg.exists() and req.exists()):
        data = synth_compound.generate(n_req, n_reg, seed=seed)
        write_person_file(data.registry, reg)
        write_person_file(data.requests, req)
        truth = {k: v or "" for k, v in data.truth.items()}
        (folder / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return reg, req


def tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (the Spark JVM is one), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        children.setdefault(int(fields["PPid"]), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run_cli(reg: Path, req: Path, out: Path, backend: str) -> dict[str, float]:
    """Wall seconds and peak MB (the process tree, sampled every 0.5 s) of one
    ``homeward match`` child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    entry = "from homeward.cli import main; main()"
    command = [sys.executable, "-c", entry, "match", "--registry", str(reg),
               "--requests", str(req), "--out", str(out), "--backend", backend]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kb(proc.pid))
        time.sleep(0.5)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"homeward match --backend {backend} failed (exit {proc.returncode})")
    return {"wall_s": round(wall, 1), "peak_mb": round(peak / 1024)}


def read_out(path: Path) -> dict[str, tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return {r["request_id"]: (r["record_id"], r["decision"]) for r in csv.DictReader(f)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="10000x1000000")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--backends", default="duckdb")
    parser.add_argument("--data", type=Path, default=Path("/tmp/homeward-bench-match"))
    parser.add_argument("--only-data", action="store_true", help="write the files and stop")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT / "src"))
    from bench_matching import fresh_seed

    seed = fresh_seed(args.seed)
    n_req, n_reg = (int(x) for x in args.size.split("x"))
    start = time.perf_counter()
    reg, req = write_data(n_req, n_reg, seed, args.data)
    print(f"data {reg.parent} ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    if args.only_data:
        return
    outputs = {}
    for backend in args.backends.split(","):
        out = reg.parent / f"OUT-{backend}.csv"
        figures = run_cli(reg, req, out, backend)
        outputs[backend] = read_out(out)
        load = Path("/proc/loadavg").read_text().split()[:3]
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        print(json.dumps({"backend": backend, "size": args.size, "seed": seed, **figures,
                          "load": " ".join(load), "when": when}))  # fmt: skip
    # Outputs of earlier runs on the same files count too (Spark may run apart from DuckDB).
    for earlier in sorted(reg.parent.glob("OUT-*.csv")):
        outputs.setdefault(earlier.stem.removeprefix("OUT-"), read_out(earlier))
    if len(outputs) > 1:
        (a, first), *rest = sorted(outputs.items())
        for b, other in rest:
            differ = sorted(k for k in first if first[k] != other.get(k))
            print(json.dumps({"compare": f"{a} vs {b}", "requests": len(first),
                              "differ": len(differ), "examples": differ[:10]}))  # fmt: skip


if __name__ == "__main__":
    main()
