# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
INPUT ?= data/sample
WAREHOUSE ?= warehouse
PORT ?= 3000

export UV_PYTHON_DOWNLOADS := never
# Byte-compile at install, so the first `make run` does not spend seconds compiling every import.
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
export DAGSTER_HOME := $(CURDIR)/.dagster

.PHONY: install run test browser ui eval bench run-postgres lint format dictionary clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The environment is exactly the lock file (`--frozen`: never re-resolved here).
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --all-extras --python $(PYTHON)
	@touch $@

$(DAGSTER_HOME)/dagster.yaml:
	@mkdir -p $(DAGSTER_HOME)
	@printf 'telemetry:\n  enabled: false\n' > $@

install: $(VENV)/.synced $(DAGSTER_HOME)/dagster.yaml

run: install
	$(VENV)/bin/newsrecon run --input $(INPUT) --warehouse $(WAREHOUSE)

test: install browser
	$(VENV)/bin/pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=15

# Debian's Chromium for the end-to-end UI test (installed when missing and possible; the test skips otherwise).
browser:
	@scripts/install-chromium.sh

ui: install
	$(VENV)/bin/newsrecon ui --input $(INPUT) --warehouse $(WAREHOUSE) --host 127.0.0.1 --port $(PORT)

eval: install
	$(VENV)/bin/newsrecon evaluate extraction --json eval/scores.json
	$(VENV)/bin/newsrecon evaluate ecbplus --split dev

bench: install
	$(VENV)/bin/python -m bench

# The same job with Dagster's instance on PostgreSQL (from Debian's packages, started on loopback).
run-postgres: install
	scripts/run-postgres.sh $(INPUT) $(WAREHOUSE)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

dictionary: install
	$(VENV)/bin/newsrecon dictionary > docs/tables.md

clean:
	rm -rf $(WAREHOUSE) $(DAGSTER_HOME)
