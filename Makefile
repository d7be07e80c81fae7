# One task runner for developers, the README and CI.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install site serve test lint validate clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,docs]'
	touch $@

install: $(BIN)/.installed

## The portal from datasets/: check every dataset, then build the site into site/.
site: install
	$(BIN)/portal validate datasets
	$(BIN)/mkdocs build --strict

serve: install
	$(BIN)/mkdocs serve

validate: install
	$(BIN)/portal validate datasets

lint: install
	$(BIN)/ruff check portal tests scripts
	$(BIN)/ruff format --check portal tests scripts

## The whole test suite, with everything it needs installed first.
test: install
	$(BIN)/ruff check portal tests scripts
	$(BIN)/python -m pytest

clean:
	rm -rf site .cache .pytest_cache
