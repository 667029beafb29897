# cscperf: make demo / make test each build their own environment from nothing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DIR := demo-output
REFERENCE_DATA := ../shared/reference-data
LOCK   := requirements.lock

ASSETS := src/cscperf/web/static/vendor/.built

.PHONY: demo test lint typecheck bench clean env lock validators assets serve screenshots

# The DfE validation rules (csc-validator-be-cin, csc-validator-be-903) pin numpy<1.25 and pandas<2: they get
# their own environment, run by cscperf as a subprocess, so ours is never downgraded. It too is installed
# from a lock file (requirements-validators.lock), made from VALIDATOR_PACKAGES by `make lock`.
VALIDATORS := .venv-validators
VALIDATORS_STAMP := $(VALIDATORS)/.installed
VALIDATORS_LOCK := requirements-validators.lock
VALIDATOR_PACKAGES := csc-validator-be-cin==0.1.13 csc-validator-be-903==0.1.17

env: $(STAMP)

# Every package at the version and hash in requirements.lock (reproducible), then cscperf itself.
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "cscperf needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
		echo "$(LOCK) does not match pyproject.toml: run 'make lock'" >&2; exit 1; }
	@touch $(STAMP)

# Regenerate the lock files: requirements.lock from pyproject.toml (runtime and dev dependencies, every
# platform, hashed) and requirements-validators.lock from VALIDATOR_PACKAGES. One command after any change.
lock:
	@test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv; }
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes \
		--quiet --output-file $(LOCK)
	printf '%s\n' $(VALIDATOR_PACKAGES) | $(BIN)/uv pip compile - --universal --python-version 3.11 \
		--generate-hashes --quiet --output-file $(VALIDATORS_LOCK)

validators: $(VALIDATORS_STAMP)

$(VALIDATORS_STAMP): Makefile $(VALIDATORS_LOCK)
	$(PYTHON) -m venv $(VALIDATORS)
	$(VALIDATORS)/bin/python -m pip install --quiet --upgrade pip
	$(VALIDATORS)/bin/python -m pip install --quiet --require-hashes --no-deps -r $(VALIDATORS_LOCK)
	@touch $(VALIDATORS_STAMP)

demo: $(STAMP)
	@mkdir -p $(DEMO_DIR)
	@# The demo store is made afresh each time (a store from an older cscperf would be refused by this one).
	@rm -f $(DEMO_DIR)/cscperf.duckdb $(DEMO_DIR)/cscperf.duckdb.wal
	$(BIN)/cscperf synth --db $(DEMO_DIR)/cscperf.duckdb --seed 2019
	@if [ -d $(REFERENCE_DATA) ]; then $(BIN)/cscperf benchmarks import $(REFERENCE_DATA) --db $(DEMO_DIR)/cscperf.duckdb; \
	else echo "No comparators at $(REFERENCE_DATA): the report will say so."; fi
	$(BIN)/cscperf summary --db $(DEMO_DIR)/cscperf.duckdb
	$(BIN)/cscperf kpis --db $(DEMO_DIR)/cscperf.duckdb --as-at 2026-10-31 --kpi cla_rate_per_10k --kpi cp_plans_open --kpi cp_visits_in_time --kpi re_referrals_12m --kpi assessments_within_45wd --kpi sw_average_caseload --with-benchmarks
	@test -f $(DEMO_DIR)/commentary.toml || cp commentary.example.toml $(DEMO_DIR)/commentary.toml
	$(BIN)/cscperf forecast --db $(DEMO_DIR)/cscperf.duckdb --as-at 2026-10-31 --config cscperf.example.toml --format xlsx --out $(DEMO_DIR)/forecast.xlsx
	$(BIN)/cscperf report --db $(DEMO_DIR)/cscperf.duckdb --as-at 2026-10-31 --config cscperf.example.toml --out $(DEMO_DIR)/report --commentary-template $(DEMO_DIR)/commentary.toml
	$(BIN)/cscperf lists --db $(DEMO_DIR)/cscperf.duckdb --as-at 2026-10-31 --since 2026-10-24 --by team --config cscperf.example.toml --format xlsx --out $(DEMO_DIR)/lists.xlsx

# The web service's static files: GOV.UK Frontend and Vega from the pinned package-lock.json (npm ci), built.
assets: $(ASSETS)

$(ASSETS): package.json package-lock.json src/cscperf/web/assets/build.mjs src/cscperf/web/assets/app.scss
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && npm run --silent build && touch $(ASSETS); \
	else echo "npm is not installed: the web service will run without its styles and charts (install Node.js and npm)."; fi

# Build the assets and serve the demo store (made by `make demo` if missing) at http://127.0.0.1:8000/.
serve: $(STAMP) assets
	@test -f $(DEMO_DIR)/cscperf.duckdb || $(MAKE) demo
	$(BIN)/cscperf serve --db $(DEMO_DIR)/cscperf.duckdb --config cscperf.example.toml

# The README's pictures of the web service, from the demo store (synthetic data only).
screenshots: $(STAMP) assets
	$(BIN)/python benchmarks/web_screenshots.py --db $(DEMO_DIR)/cscperf.duckdb

test: $(STAMP) $(VALIDATORS_STAMP) assets
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q -n auto --dist loadfile --no-loadscope-reorder

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_synth.py
	$(BIN)/python benchmarks/bench_indicators.py
	$(BIN)/python benchmarks/bench_lists.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_load_cin.py
	$(BIN)/python benchmarks/bench_load_903.py
	$(BIN)/python benchmarks/bench_load_ssd.py
	$(BIN)/python benchmarks/bench_load_memory.py
	$(BIN)/python benchmarks/bench_forecast.py
	$(BIN)/python benchmarks/bench_export.py
	$(BIN)/python benchmarks/bench_web.py
	$(BIN)/python benchmarks/bench_postgresql.py

clean:
	rm -rf $(VENV) $(VALIDATORS) $(DEMO_DIR) .pytest_cache .ruff_cache .mypy_cache node_modules src/cscperf/web/static/vendor
