PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz bench lint format serve clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PY) not found)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/bedside migrate --no-input
	$(BIN)/bedside seed
	$(BIN)/bedside demo_serve

# PYTEST_ARGS narrows a run (CI runs the browser tests once, on SQLite: see .ci/run).
test: $(STAMP)
	$(BIN)/pytest -q $(PYTEST_ARGS)

# Not part of test or CI: a deeper, randomised schemathesis campaign over the API (minutes).
fuzz: $(STAMP)
	$(BIN)/pytest -q fuzz/

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) data staticfiles
