"""Matching benchmark: homeward against a plain Splink baseline on the same synthetic data.

    python bench/bench_matching.py                        # 2,000 x 100,000 and 10,000 x 1,000,000
    python bench/bench_matching.py --sizes 2000x100000    # one size
    python bench/bench_matching.py --no-write             # print, leave docs/benchmarks.md

Each (size, system) runs in a fresh process so peak memory is its own. Wall time covers
normalising both lists, linking and deciding, with the inputs already in memory (reading
files is the person-file reader's benchmark); the normalisation share is given apart.
Peak memory is the process's resident set sampled every 20 ms while matching (it includes
the generated inputs). The baseline is a careful Splink model on simply folded names
(lower case, accents stripped, Cyrillic by KMU 2010): Jaro-Winkler levels with term
frequencies, the same birth-date and number comparisons, trained unsupervised on the
2,000 x 100,000 data (u by random sampling, m by EM) and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import queue as queue_module
import re
import subprocess
import sys
import threading
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
BASELINE_MODEL = Path("/tmp/homeward-bench-baseline-model.json")
SEED = 2026


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakMemory:
    """Samples this process's resident set in a thread; ``peak`` in MB."""

    def __init__(self) -> None:
        self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


# --- the baseline: plain Splink on simply folded names -------------------------------------


def simple_fold(text: str | None) -> str | None:
    from translitua import UkrainianKMU, translit

    if not text:
        return None
    latin = str(translit(text, UkrainianKMU))
    plain = unicodedata.normalize("NFKD", latin)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z ]+", "", plain).strip() or None


def baseline_table(records: list[Any], source: str) -> Any:
    import pyarrow as pa

    from homeward.matching.normalise import match_features

    cols: dict[str, list[Any]] = {
        k: []
        for k in ("unique_id", "given", "surname", "patronymic", "surname3", "dob", "dob_y",
                  "dob_m", "dob_d", "service_number", "unit", "document_number")
    }  # fmt: skip
    cache: dict[str | None, str | None] = {}

    def fold(text: str | None) -> str | None:
        if text not in cache:
            cache[text] = simple_fold(text)
        return cache[text]

    for r in records:
        f = match_features(r)  # only for the dates and codes, which both systems share
        surname = fold(r.surname)
        cols["unique_id"].append(r.record_id)
        cols["given"].append(fold(r.given_name))
        cols["surname"].append(surname)
        cols["patronymic"].append(fold(r.patronymic))
        cols["surname3"].append(surname[:3] if surname else None)
        for k in ("dob", "dob_y", "dob_m", "dob_d", "service_number", "unit", "document_number"):
            cols[k].append(getattr(f, k))
    ints = {"dob_y", "dob_m", "dob_d"}
    table = {k: pa.array(v, type=pa.int32() if k in ints else pa.string()) for k, v in cols.items()}
    table["source_dataset"] = pa.array([source] * len(records), type=pa.string())
    return pa.table(table)


def baseline_settings() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    from homeward.matching import splink_engine as se

    def name(column: str) -> Any:
        return cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ExactMatchLevel(column, term_frequency_adjustments=True),
                cll.JaroWinklerLevel(column, 0.92),
                cll.JaroWinklerLevel(column, 0.8),
                cll.ElseLevel(),
            ],
        )

    return SettingsCreator(
        link_type="link_only",
        comparisons=[name("given"), name("surname"), name("patronymic"), *se.shared_comparisons()],
        blocking_rules_to_generate_predictions=[
            block_on("surname", "given"),
            block_on("given", "dob_y", "dob_m"),
            block_on("surname3", "dob_y"),
            block_on("service_number"),
            block_on("document_number"),
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        max_iterations=20,
    )


def baseline_train(reg: Any, req: Any) -> dict[str, Any]:
    from splink import Linker, block_on

    from homeward.matching import splink_engine as se

    api = se.duckdb_api()
    linker = Linker(
        [api.register(reg, dataset_display_name=se.REGISTRY),
         api.register(req, dataset_display_name=se.REQUESTS)],
        baseline_settings(),
        log_level=None,
    )  # fmt: skip
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    with se.floored_em():
        for rule in (block_on("surname", "given"), block_on("given", "dob"),
                     block_on("surname", "dob")):  # fmt: skip
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, fix_u_probabilities=True
            )
    model: dict[str, Any] = linker.misc.save_model_to_json()
    return model


def baseline_score(reg: Any, req: Any, model: dict[str, Any]) -> list[Any]:
    from splink import Linker

    from homeward.matching import splink_engine as se
    from homeward.matching.decide import Candidate

    model = dict(model)
    model["probability_two_random_records_match"] = 1.0 / max(reg.num_rows, 2)
    api = se.duckdb_api()
    linker = Linker(
        [api.register(reg, dataset_display_name=se.REGISTRY),
         api.register(req, dataset_display_name=se.REQUESTS)],
        model,
        log_level=None,
    )  # fmt: skip
    table = linker.inference.predict(threshold_match_probability=0.01, warning_mode="never")
    out = []
    for row in table.as_pandas_dataframe().to_dict("records"):
        left_is_registry = row["source_dataset_l"] == se.REGISTRY
        out.append(
            Candidate(
                str(row["unique_id_r" if left_is_registry else "unique_id_l"]),
                str(row["unique_id_l" if left_is_registry else "unique_id_r"]),
                float(row["match_probability"]),
                float(row["match_weight"]),
            )
        )
    return out


# --- one run --------------------------------------------------------------------------------


def run_one(system: str, n_requests: int, n_registry: int, queue: Any) -> None:
    """Generate, match with ``system``, measure; put a result dict on ``queue``."""
    from homeward.matching.decide import decide
    from homeward.matching.engine import features, load_or_train, score_features
    from homeward.matching.synth import generate

    start = time.perf_counter()
    data = generate(n_requests, n_registry, seed=SEED)
    generate_s = time.perf_counter() - start
    ids = [r.record_id for r in data.requests]
    with PeakMemory() as memory:
        t0 = time.perf_counter()
        if system == "homeward":
            reg_f = features(data.registry)
            req_f = features(data.requests)
            t1 = time.perf_counter()
            model = load_or_train(None, reg_f, req_f)
            candidates = score_features(reg_f, req_f, model)
        else:
            reg_t = baseline_table(data.registry, "registry")
            req_t = baseline_table(data.requests, "requests")
            t1 = time.perf_counter()
            if BASELINE_MODEL.exists():
                model = json.loads(BASELINE_MODEL.read_text())
            else:
                model = baseline_train(reg_t, req_t)
                BASELINE_MODEL.write_text(json.dumps(model))
            candidates = baseline_score(reg_t, req_t, model)
        t2 = time.perf_counter()
        results = decide(ids, candidates)
        t3 = time.perf_counter()
    queue.put(
        {
            "system": system,
            "n_requests": n_requests,
            "n_registry": len(data.registry),
            "generate_s": generate_s,
            "normalise_s": t1 - t0,
            "link_s": t2 - t1,
            "wall_s": t3 - t0,
            "peak_mb": memory.peak,
            "pairs": len(candidates),
            **quality(results, data.truth, data.noise),
        }
    )


def quality(
    results: list[Any], truth: dict[str, str | None], noise: dict[str, str]
) -> dict[str, Any]:
    tp = fp = 0
    review = 0
    by_noise: Counter[str] = Counter()
    present: Counter[str] = Counter()
    for r in results:
        target = truth[r.request_id]
        if target:
            present[noise[r.request_id]] += 1
        if r.decision == "review":
            review += 1
        if r.decision == "match":
            if r.record_id == target:
                tp += 1
                by_noise[noise[r.request_id]] += 1
            else:
                fp += 1
    n_present = sum(present.values())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / n_present if n_present else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "false_matches": fp,
        "review_share": review / len(results),
        "recall_by_noise": {k: by_noise[k] / present[k] for k in sorted(present)},
    }


# --- report ---------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True, check=True).stdout.split(
        "\n"
    )[1]
    return f"{os.cpu_count()} cores ({cpu}), memory `{' '.join(mem.split()[:2])}`"


def render(results: list[dict[str, Any]]) -> str:
    lines = [
        "## Matching",
        "",
        f"`python bench/bench_matching.py`, {dt.date.today().isoformat()}, {machine()}; "
        "the machine was shared with other jobs, so times are upper bounds.",
        "Data: `homeward.matching.synth.generate(requests, registry, seed=2026)`: 85% of "
        "requests have their person in the registry, one noise type each (cycled), "
        "3% registry namesakes, Zipf-Mandelbrot surnames. Thresholds (the defaults, chosen on "
        "seed 99, not the benchmark seed): match ≥ 0.95, review ≥ 0.5, "
        "a close runner-up (< 3 bits) sends a match to review. homeward scores with the model "
        "shipped in `src/homeward/matching/data/model.json` (trained on another seed); the "
        "baseline is trained on the 2,000 × 100,000 data and reused.",
        "",
        "| size (requests × registry) | system | precision (match) | recall (match) | F1 | "
        "review share | wall s (normalise s) | peak MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['n_requests']:,} × {r['n_registry']:,} | {r['system']} | "
            f"{r['precision']:.4f} ({r['false_matches']} false) | {r['recall']:.4f} | "
            f"{r['f1']:.4f} | {r['review_share']:.1%} | {r['wall_s']:.1f} "
            f"({r['normalise_s']:.1f}) | {r['peak_mb']:,.0f} |"
        )
    noises = sorted({k for r in results for k in r["recall_by_noise"]})
    lines += ["", "Recall of decision=match by noise type:", ""]
    header = "| noise | " + " | ".join(f"{r['system']} {r['n_requests']:,}" for r in results) + " |"
    lines += [header, "|---" * (len(results) + 1) + "|"]
    for k in noises:
        cells = " | ".join(f"{r['recall_by_noise'].get(k, float('nan')):.3f}" for r in results)
        lines.append(f"| {k} | {cells} |")
    lines += ["", *targets(results), "", NOTES]
    return "\n".join(lines) + "\n"


NOTES = """Notes: registries hold 3% namesakes on top of the requested size. Requests without a
birth date are truly ambiguous in this synthetic population (about 90 given names, 55
patronymics, 750 surnames: a full name is shared by about one other person in a million), so
homeward sends them to review rather than guessing; that is where recall falls short at
1,000,000. Wall time covers normalising both lists, Splink on DuckDB and the decisions with
inputs in memory (not generating data or reading files). 10% of people have given names
outside the tables and rely on folding alone. The baseline shares the birth-date and number
comparisons, so its gap is what the name tables and multi-scheme folding add."""


def targets(results: list[dict[str, Any]]) -> list[str]:
    """The issue's targets, each said to be met or not, for homeward's runs."""
    out = ["Targets (homeward):", ""]
    for r in results:
        if r["system"] != "homeward":
            continue
        size = f"{r['n_requests']:,} × {r['n_registry']:,}"
        checks = [
            ("precision of match ≥ 0.999", r["precision"] >= 0.999, f"{r['precision']:.4f}"),
            ("recall ≥ 0.98", r["recall"] >= 0.98, f"{r['recall']:.4f}"),
            ("review ≤ 3% of requests", r["review_share"] <= 0.03, f"{r['review_share']:.1%}"),
        ]
        if r["n_registry"] >= 1_000_000:
            checks += [
                ("wall < 20 s", r["wall_s"] < 20, f"{r['wall_s']:.1f} s"),
                ("peak < 3 GB", r["peak_mb"] < 3072, f"{r['peak_mb']:,.0f} MB"),
            ]
        weak = [k for k, v in r["recall_by_noise"].items() if v < 0.98]
        for name, ok, figure in checks:
            out.append(f"- {size}: {name}: {figure}, {'met' if ok else 'NOT met'}")
        if weak:
            out.append(f"- {size}: noise types under 0.98 recall: {', '.join(sorted(weak))}")
    return out


def write_section(text: str) -> None:
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Matching\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    DOCS.write_text(updated, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000x100000,10000x1000000")
    parser.add_argument("--systems", default="homeward,baseline")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    BASELINE_MODEL.unlink(missing_ok=True)
    results = []
    ctx = mp.get_context("spawn")
    for size in args.sizes.split(","):
        n_req, n_reg = (int(x) for x in size.split("x"))
        for system in args.systems.split(","):
            queue = ctx.Queue()
            proc = ctx.Process(target=run_one, args=(system, n_req, n_reg, queue))
            proc.start()
            result = None
            while result is None:
                try:
                    result = queue.get(timeout=5)
                except queue_module.Empty:
                    if not proc.is_alive():
                        raise SystemExit(f"{system} {size} failed (exit {proc.exitcode})") from None
            proc.join()
            results.append(result)
            brief = {k: v for k, v in result.items() if k != "recall_by_noise"}
            print(json.dumps(brief), file=sys.stderr, flush=True)
    text = render(results)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
