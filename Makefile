# Xindai — `make run` serves the demo on an embedded PostgreSQL; `make test` runs the whole suite on it.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
XINDAI := $(VENV)/bin/xindai
PORT ?= 8000
HOST ?= 127.0.0.1

export DJANGO_SETTINGS_MODULE := xindai.settings

.PHONY: run test bench setup setup-test static translations db demo lint browser clean

# scripts/run: the database (embedded unless DATABASE_URL is set), migrations, demo data, a
# watched worker and the web server; Ctrl-C stops them all.
run: setup
	@HOST=$(HOST) PORT=$(PORT) scripts/run

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

# var/xindai.env: this checkout's SECRET_KEY, DEBUG and embedded database (xindai/localconfig.py);
# the launcher puts `xindai` on PATH for a fresh shell.
setup: $(VENV)/.installed static translations
	@mkdir -p var/static
	@$(PY) -m xindai.localconfig
	@scripts/install-launcher

setup-test: setup $(VENV)/.installed-test browser

# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser) and a CJK
# font, so that screenshots show Chinese rather than boxes.
browser:
	@{ test -x /usr/bin/chromium && fc-list :lang=zh family | grep -q . ; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

db: setup
	$(XINDAI) migrate --noinput -v 0

demo: db
	$(XINDAI) demo --logins

# On the embedded PostgreSQL unless DATABASE_URL names another server (the test database is
# test_<name> beside it, created and dropped by the run).
test: setup-test
	DEBUG=0 SECRET_KEY=test-secret HTTPS=0 $(PY) -m pytest -q $(PYTEST_ARGS)

# Benchmarks run in a database of their own on the same server (embedded unless DATABASE_URL is
# set), created fresh by each run: BENCH_KEEP=1 keeps the data of the last run instead.
BENCH_DB ?= xindai_bench
bench: setup
	DATABASE_NAME=$(BENCH_DB) DEBUG=0 SECRET_KEY=bench HTTPS=0 $(XINDAI) bench $(if $(BENCH_KEEP),--keep) $(BENCH_ARGS)

lint: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	SECRET_KEY=lint $(XINDAI) makemigrations --check --dry-run

clean:
	-$(XINDAI) db stop >/dev/null 2>&1
	rm -rf $(VENV) node_modules var/static
