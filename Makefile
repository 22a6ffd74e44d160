# Rianru: `make run` serves the Khon Kaen demo city; `make test` runs the linters and the whole test suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.base

.DEFAULT_GOAL := help
.PHONY: help run setup demo test test-sqlite test-postgres lint format messages check clean openapi bench-search

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || (echo "Python 3.11 is required (python3.11 not found)"; exit 1)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(BIN)/.installed ## create .venv, install, migrate, load reference and demo data, build the search index
	$(BIN)/rianru migrate --noinput
	$(BIN)/rianru reference load
	$(BIN)/rianru demo load
	$(BIN)/rianru search rebuild
	$(BIN)/rianru collectstatic --noinput --verbosity 0

run: setup ## set everything up and serve the demo city at http://127.0.0.1:8000
	@echo "Rianru: http://$(HOST):$(PORT)/  (English: http://$(HOST):$(PORT)/en/)"
	$(BIN)/rianru serve --host $(HOST) --port $(PORT)

demo: $(BIN)/.installed ## reload the demo cities
	$(BIN)/rianru demo load

test: $(BIN)/.installed-dev lint ## ruff, the import contract, mypy, then the suite on SQLite (and PostgreSQL if RIANRU_TEST_POSTGRES_URL is set)
	$(BIN)/rianru makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$RIANRU_TEST_POSTGRES_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "RIANRU_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run"; fi

test-sqlite: $(BIN)/.installed-dev
	DJANGO_SETTINGS_MODULE=config.settings.test RIANRU_TEST_DATABASE_URL= $(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-postgres: $(BIN)/.installed-dev
	DJANGO_SETTINGS_MODULE=config.settings.test RIANRU_TEST_DATABASE_URL=$$RIANRU_TEST_POSTGRES_URL $(BIN)/pytest -n 2 --dist loadfile -m "not browser" $(PYTEST_ARGS)

lint: $(BIN)/.installed-dev ## ruff lint and format check, the import contract (lint-imports), mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(BIN)/.installed-dev ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(BIN)/.installed-dev ## extract and compile the Thai and English translation catalogues
	$(BIN)/rianru makemessages -l th --no-obsolete --ignore=.venv --ignore=staticfiles
	$(BIN)/rianru compilemessages --ignore=.venv

check: $(BIN)/.installed ## Rianru's own checks: settings, database, migrations, reference data
	$(BIN)/rianru check

clean: ## remove the virtualenv, the SQLite database, the search index and collected static files
	rm -rf $(VENV) staticfiles data/*.sqlite3* data/search-index data/.search-index.indexer.lock

openapi: $(BIN)/.installed ## write the OpenAPI schema of the JSON API to docs/openapi.json
	$(BIN)/python -c "import django, json; django.setup(); from config.api import api; \
	print(json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, sort_keys=True))" > docs/openapi.json

bench-search: $(BIN)/.installed ## search benchmark, N=100,000 on SQLite and PostgreSQL (bench/README.md)
	$(BIN)/python bench/search.py $(BENCH_ARGS)
