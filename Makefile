# newsbot: every task a newcomer needs, from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install demo test run lint bench bench-quality bench-search bench-ingest bench-fanout clean

help:
	@echo "make install - create .venv and install newsbot with its test, benchmark and full-text extras"
	@echo "make demo   - set up .venv, load seeds/ into demo.db, show /brief, /search and a digest"
	@echo "make test   - set up .venv and run the whole test suite (SQLite and PostgreSQL)"
	@echo "make run    - run the bot (set NEWSBOT_TOKEN first, or put it in .env)"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - run every benchmark in bench/ (quality, search, ingest, fanout; about 40 minutes)"
	@echo "make bench-quality | bench-search | bench-ingest | bench-fanout - one of them"
	@echo "make clean  - remove .venv, demo.db and caches"

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench,fulltext]'
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

bench: bench-quality bench-search bench-ingest bench-fanout

bench-quality: $(STAMP)
	$(BIN)/python bench/quality.py

bench-search: $(STAMP)
	$(BIN)/python bench/search.py

bench-ingest: $(STAMP)
	$(BIN)/python bench/ingest.py

bench-fanout: $(STAMP)
	$(BIN)/python bench/fanout.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm .pytest_cache .mypy_cache .ruff_cache
