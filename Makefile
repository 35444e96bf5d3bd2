# homeward: the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
WORKSPACE ?= demo
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev system-deps run demo test check lint typecheck contracts unit fuzz bench bench-matching screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	@bash scripts/build-deps.sh
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	@bash scripts/build-deps.sh
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP) system-deps

# Chromium (browser tests), Java (Spark tests): Debian packages, installed when missing.
system-deps:
	@bash scripts/system-deps.sh

run: install
	@if [ ! -f "$(WORKSPACE)/summary.json" ]; then \
		echo "Creating the demo workspace in $(WORKSPACE)/ (synthetic people only)"; \
		$(BIN)/homeward demo --seed 1 --out $(WORKSPACE); \
	fi
	$(BIN)/homeward serve --workspace $(WORKSPACE) --host $(HOST) --port $(PORT)

demo: install
	$(BIN)/homeward demo --seed 1 --out $(WORKSPACE)

test: install-dev check
	@bash scripts/ensure-postgres.sh
	$(BIN)/pytest -n 2 --dist loadfile tests

check: lint typecheck contracts

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

contracts: $(DEV_STAMP)
	$(BIN)/lint-imports

unit: $(DEV_STAMP)
	$(BIN)/pytest tests/unit

# Open-ended exploration: Hypothesis draws new examples on every run (make test repeats
# fixed ones). A failure prints its reproducer; add it to the test as an @example.
fuzz: install-dev
	@bash scripts/ensure-postgres.sh
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -n 2 tests/unit tests/integration/test_ledger_fuzz.py tests/integration/test_web_schema.py

# Speed and memory targets live here, never in timed unit tests; each script writes its
# figures, with the machine and date, into docs/benchmarks.md.
bench: install-dev
	@bash scripts/ensure-postgres.sh
	$(BIN)/python bench/bench_scenario.py
	$(BIN)/python bench/bench_import.py --rows 1000000
	$(BIN)/python bench/bench_ledger.py --events 1000000
	$(BIN)/python bench/bench_planning.py
	$(BIN)/python bench/bench_web.py
	$(BIN)/python bench/bench_postgres.py
	$(MAKE) bench-matching

bench-matching: install-dev
	$(BIN)/python bench/bench_matching.py
	$(BIN)/python bench/bench_match_cli.py --backends duckdb

# Screenshots of every page with the demo's data, for docs/screenshots/.
screenshots: install-dev
	$(BIN)/python scripts/screenshots.py --workspace $(WORKSPACE)

clean:
	rm -rf $(VENV) $(WORKSPACE) .pytest_cache .mypy_cache .ruff_cache
