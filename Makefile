# One task runner for developers, the README and CI.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install browser spreadsheet site serve test lint validate clean bench

# Run as root on CI and fresh machines; elsewhere through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

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

## What the browser tests need: Debian's Chromium and axe-core from npm.
browser:
	command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }
	[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent

## What the spreadsheet tests need: LibreOffice Calc without a display, from Debian.
spreadsheet:
	command -v soffice >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libreoffice-calc-nogui; }

## The whole test suite, with everything it needs installed first.
test: install browser spreadsheet
	$(BIN)/ruff check portal tests scripts
	$(BIN)/python scripts/gen_reference.py --check
	$(BIN)/python -m pytest

clean:
	rm -rf site .cache .pytest_cache
