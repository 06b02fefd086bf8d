# Two commands on a fresh machine: `make demo`, then `make test`.
# Everything installs from the package registries into .venv; nothing downloads at run time.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
UV_VERSION := 0.13.9

.PHONY: help setup system demo dashboard test up down status docs bench lock clean distclean

help:
	@echo "make demo    create .venv (pinned), start the local Prefect server, publish the synthetic demo programme"
	@echo "make test    run the whole test suite (unit, dbt unit tests, end-to-end, bad input, faults)"
	@echo "make dashboard  the analysts' dashboard on http://127.0.0.1:$(DASHBOARD_PORT) (reads the published file only)"
	@echo "make setup   create .venv only          make up / down   start / stop the local Prefect server"
	@echo "make system  Debian's chromium (report PDFs, browser tests), poppler-utils (pdftoppm) and postgresql (tests), if missing"
	@echo "make status  services and published inspections"
	@echo "make docs    dbt docs (catalogue of marts and columns) into .dbt/target"
	@echo "make bench   time one ingest, the demo, events, and publications as history grows"
	@echo "make clean   delete the checkout's data directory (landing, archive, warehouse, ...); keeps .venv"

setup: $(INSTALLED)

# Bytecode is compiled at install: this machine sets PYTHONDONTWRITEBYTECODE=1, and without
# .pyc files every process recompiles Prefect, dbt and GX (imports take twice as long).
$(INSTALLED): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode --no-deps -e .
	@touch $(INSTALLED)

# Chromium prints the group reports to PDF and runs the browser tests; poppler-utils turns PDFs
# into page images for those tests. Both from Debian's packages (never a browser download).
# PostgreSQL: the tests start a throwaway cluster of their own (the serving database's tests).
SYSTEM_TOOLS := /usr/bin/chromium /usr/bin/pdftoppm /usr/bin/pdftotext /usr/bin/pdfinfo /usr/lib/postgresql/*/bin/initdb
SYSTEM_PACKAGES := chromium poppler-utils fonts-dejavu-core postgresql
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

system:
	@if ls $(SYSTEM_TOOLS) >/dev/null 2>&1; then exit 0; fi; \
	echo "Installing Debian packages: $(SYSTEM_PACKAGES)"; \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null 2>&1 || \
	{ $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES); }; \
	ls $(SYSTEM_TOOLS) >/dev/null

demo: setup system
	$(BIN)/iaow demo

DASHBOARD_PORT ?= 8501
dashboard: setup
	$(BIN)/iaow dashboard --port $(DASHBOARD_PORT)

test: setup system
	$(BIN)/python -m pytest

up: setup
	$(BIN)/iaow up

down:
	@if [ -x $(BIN)/iaow ]; then $(BIN)/iaow down; fi

status: setup
	$(BIN)/iaow status

docs: setup
	$(BIN)/iaow dbt docs generate
	@echo "dbt docs written to .dbt/target/ (open index.html, or: cd .dbt/target && ../../$(BIN)/python -m http.server)"

bench: setup
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_events.py
	$(BIN)/python bench/bench_history.py

# Regenerate the lock after changing a pin in pyproject.toml.
lock: setup
	$(BIN)/uv pip compile pyproject.toml --extra dev --python $(BIN)/python -o requirements.lock

clean: down
	rm -rf landing archive quarantine reports releases secrets run logs .prefect .dbt \
	       warehouse/*.duckdb warehouse/*.duckdb.wal warehouse/.next warehouse/.publish warehouse/.dev warehouse/.outbox warehouse/.release warehouse/.writer.lock disclosure

distclean: clean
	rm -rf $(VENV)
