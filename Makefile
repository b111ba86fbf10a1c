# Xindai — `make run` serves the demo on SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
XINDAI := $(VENV)/bin/xindai
PORT ?= 8000
HOST ?= 127.0.0.1

export DJANGO_SETTINGS_MODULE := xindai.settings

.PHONY: run test bench setup setup-test static translations db demo lint browser clean

run: setup db
	@DEBUG=1 $(XINDAI) demo --logins
	@echo "Serving on http://$(HOST):$(PORT)/ with one background worker (Ctrl-C stops both)"
	@DEBUG=1 $(XINDAI) worker --verbosity 0 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(XINDAI) runserver $(HOST):$(PORT)

$(PY):
	"$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static: node_modules/.installed

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d src/xindai/locale -D django --statistics 2>&1 | tail -n 2

setup: $(VENV)/.installed static translations
	@mkdir -p var/static

setup-test: setup $(VENV)/.installed-test browser

# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

db: setup
	DEBUG=1 $(XINDAI) migrate --noinput -v 0

demo: db
	DEBUG=1 $(XINDAI) demo --logins

test: setup-test
	SECRET_KEY=test-secret HTTPS=0 $(PY) -m pytest -q $(PYTEST_ARGS)

# Benchmarks run on PostgreSQL in a database of their own, kept between runs (data is reused).
BENCH_DB ?= xindai_bench
BENCH_URL := postgres://postgres@127.0.0.1:5432/$(BENCH_DB)
bench: setup
	@pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n 1) main start
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(BENCH_DB)'" | grep -q 1 || \
	  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $(BENCH_DB)"
	DATABASE_URL=$(BENCH_URL) SECRET_KEY=bench HTTPS=0 $(XINDAI) migrate -v 0
	DATABASE_URL=$(BENCH_URL) SECRET_KEY=bench HTTPS=0 $(XINDAI) bench $(BENCH_ARGS)

lint: setup-test
	$(VENV)/bin/ruff check .
	SECRET_KEY=lint $(XINDAI) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* var/static
