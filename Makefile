PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-quick lint format bench calibrate docs clean install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/centric demo --out demo-output

test: $(STAMP)
	$(BIN)/pytest -n 2 -q

test-quick: $(STAMP)
	$(BIN)/pytest -q -m "not slow and not postgres"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache --no-logo

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

docs: $(STAMP)
	$(BIN)/python tests/gen_cli_reference.py

calibrate: $(STAMP)
	$(BIN)/python -m tests.calibration --write-docs

bench: $(STAMP)
	$(BIN)/pytest -q -s tests/benchmarks -p no:xdist -o norecursedirs=".*"

clean:
	rm -rf $(VENV) demo-output build dist .pytest_cache
