"""Matching benchmark: homeward against a plain Splink baseline on the same synthetic data.

    python bench/bench_matching.py                        # 2,000 x 100,000 and 10,000 x 1,000,000
    python bench/bench_matching.py --sizes 2000x100000    # one size
    python bench/bench_matching.py --generator classic    # the one-noise-per-request generator
    python bench/bench_matching.py --no-write             # print, leave docs/benchmarks.md

Data come from ``homeward.matching.synth_compound`` (several kinds of noise per request;
the default) or ``homeward.matching.synth`` (``classic``: one noise type per request, kept
for comparison with earlier figures). Each run draws a fresh seed (or takes ``--seed``) and
refuses the seeds the shipped model and thresholds were tuned on.

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
CLASSIC_TUNING_SEEDS = (99,)


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
                  "dob_m", "dob_d", "service_number", "unit", "document_number", "sex")
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
        for k in (
            "dob",
            "dob_y",
            "dob_m",
            "dob_d",
            "service_number",
            "unit",
            "document_number",
            "sex",
        ):
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


def run_one(system: str, n_requests: int, n_registry: int, generator: str, seed: int,
            queue: Any) -> None:  # fmt: skip
    """Generate, match with ``system``, measure; put a result dict on ``queue``."""
    from homeward.matching import synth, synth_compound
    from homeward.matching.decide import decide
    from homeward.matching.engine import features, load_model, registry_table, score_features

    start = time.perf_counter()
    generate = synth_compound.generate if generator == "compound" else synth.generate
    data = generate(n_requests, n_registry, seed=seed)
    generate_s = time.perf_counter() - start
    ids = [r.record_id for r in data.requests]
    with PeakMemory() as memory:
        t0 = time.perf_counter()
        if system == "homeward":
            reg_f = registry_table(data.registry)
            req_f = features(data.requests)
            t1 = time.perf_counter()
            model = load_model(None)
            candidates = score_features(reg_f, req_f, model)
        else:
            reg_t = baseline_table(data.registry, "registry")
            req_t = baseline_table(data.requests, "requests")
            req_f = []
            t1 = time.perf_counter()
            if BASELINE_MODEL.exists():
                model = json.loads(BASELINE_MODEL.read_text())
            else:
                model = baseline_train(reg_t, req_t)
                BASELINE_MODEL.write_text(json.dumps(model))
            candidates = baseline_score(reg_t, req_t, model)
        t2 = time.perf_counter()
        flags = {f.unique_id: f.flags for f in req_f if f.flags} if system == "homeward" else {}
        results = decide(ids, candidates, flags=flags)
        t3 = time.perf_counter()
    queue.put(
        {
            "system": system,
            "generator": generator,
            "seed": seed,
            "load": os.getloadavg(),
            "n_requests": n_requests,
            "n_registry": len(data.registry),
            "generate_s": generate_s,
            "normalise_s": t1 - t0,
            "link_s": t2 - t1,
            "wall_s": t3 - t0,
            "peak_mb": memory.peak,
            "pairs": len(candidates),
            **quality(results, data.truth, data.noise, undated(data)),
        }
    )


def undated(data: Any) -> set[str]:
    """Requests for a registry person where the request or the record has no birth date."""
    dates = {r.record_id: r.date_of_birth for r in data.registry}
    return {
        r.record_id
        for r in data.requests
        if data.truth[r.record_id]
        and (r.date_of_birth is None or dates[data.truth[r.record_id]] is None)
    }


def quality(
    results: list[Any], truth: dict[str, str | None], noise: dict[str, str], no_date: set[str]
) -> dict[str, Any]:
    tp = fp = 0
    review = 0
    dated_tp = 0
    by_noise: Counter[str] = Counter()
    present: Counter[str] = Counter()
    n_present = 0
    for r in results:
        target = truth[r.request_id]
        kinds = noise[r.request_id].split("+")
        if target:
            n_present += 1
            present.update(kinds)
        if r.decision == "review":
            review += 1
        if r.decision == "match":
            if r.record_id == target:
                tp += 1
                dated_tp += r.request_id not in no_date
                by_noise.update(kinds)
            else:
                fp += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / n_present if n_present else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "recall_dated": dated_tp / max(n_present - len(no_date), 1),
        "undated_share": len(no_date) / max(n_present, 1),
        "false_matches": fp,
        "review_share": review / len(results),
        "recall_by_noise": {k: by_noise[k] / present[k] for k in sorted(present)},
        "present_by_noise": dict(present),
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


TITLES = {"compound": "## Matching", "classic": "## Matching: classic generator"}


def render(results: list[dict[str, Any]], generator: str) -> str:
    first = results[0]
    loads = ", ".join(f"{r['load'][0]:.1f}" for r in results)
    lines = [
        TITLES[generator],
        "",
        f"`python bench/bench_matching.py --generator {generator}`, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {machine()}; load average (1 min) at "
        f"the end of each run: {loads} (the machine was shared with other jobs, so times are "
        "upper bounds).",
        DATA[generator].format(seed=first["seed"]),
        "",
        "| size (requests × registry) | system | precision (match) | recall (match) | "
        "recall, both dated | F1 | review share | wall s (normalise s) | peak MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['n_requests']:,} × {r['n_registry']:,} | {r['system']} | "
            f"{r['precision']:.4f} ({r['false_matches']} false) | {r['recall']:.4f} | "
            f"{r['recall_dated']:.4f} ({1 - r['undated_share']:.1%} of pairs) | "
            f"{r['f1']:.4f} | {r['review_share']:.1%} | {r['wall_s']:.1f} "
            f"({r['normalise_s']:.1f}) | {r['peak_mb']:,.0f} |"
        )
    noises = sorted({k for r in results for k in r["recall_by_noise"]})
    lines += ["", "Recall of decision=match by noise kind (requests carrying it, n at the "
              "first size):", ""]  # fmt: skip
    header = (
        "| noise | n | " + " | ".join(f"{r['system']} {r['n_requests']:,}" for r in results) + " |"
    )
    lines += [header, "|---" * (len(results) + 2) + "|"]
    for k in noises:
        cells = " | ".join(f"{r['recall_by_noise'].get(k, float('nan')):.3f}" for r in results)
        lines.append(f"| {k} | {first['present_by_noise'].get(k, 0)} | {cells} |")
    lines += ["", *targets(results), ""]
    if generator == "compound":
        lines += [WHY, ""]
    return "\n".join(lines) + "\n"


WHY = """Why some kinds fall short (read from the misses on the tuning seeds 102 and 103, never
from a benchmark seed; where the misses go at 1,000,000 is counted in "Matching: where
true pairs are lost" below):

- `dob_missing` (exempt) and `registry_partial`: when the request or the registry record has
  no birth date and no service or document number agrees, only names are left. A match on
  names alone must reach 0.995; below that it goes to review, because in a registry of this
  size a full name is shared often enough (namesakes, and requests for unlisted kin) that
  names alone would release the wrong person. The column "recall, both dated" shows recall
  where both sides have a birth date.
- `dob_day_month`, `dob_digit`, `dob_year_off` combined with a partial registry date (year
  or year and month only) or with a second damaged field: the date then disagrees outright
  (a weight near -8 bits), which sends the pair to review unless a number agrees.
- `given_typo`, `surname_typo`: a typo on top of a diminutive or of a transliteration, or one
  that the folding amplifies (Анастсія folds to "anasia": the typo makes a "ts" that folds
  to "s"), is more than two edits from the registry spelling.
- `names_swapped`: the swapped reading pays log2(0.05) ≈ -4.3 bits, so a swap together with
  a second damaged field more often lands in review."""


DATA = {
    "compound": (
        "Data: `homeward.matching.synth_compound.generate(requests, registry, seed={seed})` "
        "(a fresh seed; the model and thresholds were tuned on seeds 101-103 only): every "
        "request carries each kind of noise independently at the rates in `RATES` (script: "
        "35% Ukrainian Cyrillic, 15% Russian Cyrillic forms, 35% Ukrainian forms in one of 20 "
        "Latin schemes, 15% Russian forms in one of 14), 85% of requests have their person "
        "in the registry and 3% ask for an unlisted namesake or twin of a registry person; "
        "the registry (half Ukrainian, half Russian Cyrillic) has 4% namesakes and twins on "
        "top and 12% partial records. Thresholds: match ≥ 0.8, review ≥ 0.5, a close "
        "runner-up (< 3 bits), a plainly disagreeing name or date (< -5 bits, unless a "
        "service or document number agrees) or a known given name other than the "
        "record's sends a match to review, and a match on names without an agreeing date "
        "or number needs ≥ 0.995; a known given name that plainly disagrees, and a "
        "plainly disagreeing pair in the review band, are no match. The baseline is "
        "trained unsupervised on the first size's data and reused."
    ),
    "classic": (
        "Data: `homeward.matching.synth.generate(requests, registry, seed={seed})`: one "
        "noise type per request (cycled), 3% registry namesakes. Same model and thresholds "
        "as above (tuned on the compound generator's seeds)."
    ),
}


def targets(results: list[dict[str, Any]]) -> list[str]:
    """The issue's targets, each said to be met or not, for homeward's runs."""
    out = ["Targets (homeward):", ""]
    for r in results:
        if r["system"] != "homeward":
            continue
        size = f"{r['n_requests']:,} × {r['n_registry']:,}"
        big = r["n_registry"] >= 1_000_000
        recall = 0.97 if big else 0.98
        checks = [
            ("precision of match ≥ 0.999", r["precision"] >= 0.999, f"{r['precision']:.4f}"),
            (f"recall ≥ {recall}", r["recall"] >= recall, f"{r['recall']:.4f}"),
        ]
        if not big:
            checks.append(
                ("review ≤ 3% of requests", r["review_share"] <= 0.03, f"{r['review_share']:.1%}")
            )
        if big:
            checks += [
                ("wall < 20 s", r["wall_s"] < 20, f"{r['wall_s']:.1f} s"),
                ("peak < 3 GB", r["peak_mb"] < 3072, f"{r['peak_mb']:,.0f} MB"),
            ]
        for name, ok, figure in checks:
            out.append(f"- {size}: {name}: {figure}, {'met' if ok else '**NOT met**'}")
        weak = {k: v for k, v in r["recall_by_noise"].items() if v < 0.95 and k != "dob_missing"}
        if weak:
            listed = ", ".join(f"{k} ({v:.3f})" for k, v in sorted(weak.items()))
            out.append(f"- {size}: noise kinds under 0.95 recall (dob_missing exempt): {listed}")
    return out


def write_section(text: str, generator: str) -> None:
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    title = re.escape(TITLES[generator])
    pattern = re.compile(rf"^{title}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    DOCS.write_text(updated, encoding="utf-8")


def fresh_seed(asked: int | None) -> int:
    """``asked``, or a random seed; never one the model or thresholds were tuned on."""
    from homeward.matching.synth_compound import TUNING_SEEDS

    tuned = set(TUNING_SEEDS) | set(CLASSIC_TUNING_SEEDS)
    seed = asked if asked is not None else int.from_bytes(os.urandom(3), "big") + 1000
    if seed in tuned:
        raise SystemExit(f"seed {seed} was used for tuning; the benchmark needs a fresh one")
    return seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000x100000,10000x1000000")
    parser.add_argument("--systems", default="homeward,baseline")
    parser.add_argument(
        "--baseline-sizes", default="2000x100000", help="sizes at which the baseline runs too"
    )
    parser.add_argument("--generator", choices=sorted(TITLES), default="compound")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    seed = fresh_seed(args.seed)
    BASELINE_MODEL.unlink(missing_ok=True)
    results = []
    ctx = mp.get_context("spawn")
    for size in args.sizes.split(","):
        n_req, n_reg = (int(x) for x in size.split("x"))
        for system in args.systems.split(","):
            if system == "baseline" and size not in args.baseline_sizes.split(","):
                continue
            queue = ctx.Queue()
            proc = ctx.Process(
                target=run_one, args=(system, n_req, n_reg, args.generator, seed, queue)
            )
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
            brief = {k: v for k, v in result.items() if "_by_noise" not in k}
            print(json.dumps(brief), file=sys.stderr, flush=True)
    text = render(results, args.generator)
    print(text)
    if not args.no_write:
        write_section(text, args.generator)


if __name__ == "__main__":
    main()
