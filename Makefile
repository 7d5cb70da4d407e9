# newsbot: every task a newcomer needs, from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install demo test run lint typecheck bench clean

help:
	@echo "make demo   - set up .venv, load seeds/ into demo.db, show /brief, /search and a digest"
	@echo "make test   - set up .venv and run the whole test suite (SQLite and PostgreSQL)"
	@echo "make run    - run the bot (set NEWSBOT_TOKEN first, or put it in .env)"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - run the benchmarks in bench/"

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/newsbot demo

test: $(STAMP)
	$(BIN)/python -m pytest

run: $(STAMP)
	$(BIN)/newsbot run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy bot handlers services storage news

bench: $(STAMP)
	$(BIN)/python bench/quality.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm .pytest_cache .mypy_cache .ruff_cache
