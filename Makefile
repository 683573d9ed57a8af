# SIP Portal. `make demo` runs the portal with demo data; `make test` runs every test.
# Both install what they need first and can be run again at any time.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo demo-at test bench install system-packages python-packages assets lint clean

# Links in emails point at this server. DEBUG is off so visitors see the portal's own error
# pages, not Django's debug pages (static files still come from the source folders).
demo: export SITE_URL ?= http://$(HOST):$(PORT)
demo: export DEBUG := false
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "SIP Portal is starting at http://$(HOST):$(PORT)/ (Ctrl+C stops it). Links in emails use $$SITE_URL."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The demo as it would be on another day, to try dated work such as the turn of the year:
# `make demo-at DATE=2027-07-15` (from 1 July the LA administrator is asked to prepare 2027/28).
demo-at: export SITE_URL ?= http://$(HOST):$(PORT)
demo-at: export DEBUG := false
demo-at: install
	@test -n "$(DATE)" || { echo "Say the day: make demo-at DATE=2027-07-15"; exit 2; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python scripts/at_date.py $(DATE) seed_demo
	@echo ""
	@echo "SIP Portal is starting at http://$(HOST):$(PORT)/ as on $(DATE) (Ctrl+C stops it)."
	$(BIN)/python scripts/at_date.py $(DATE) runserver --noreload $(HOST):$(PORT)

test: install
	$(BIN)/pytest

# Timings and memory on PostgreSQL (database sipportal_bench, made afresh each run; the page
# benchmark builds the national data set into sipportal_national once and reuses it).
bench: install
	cd bench && ../$(BIN)/python bench_school_list.py
	cd bench && ../$(BIN)/python bench_gias_import.py
	cd bench && ../$(BIN)/python bench_national_register.py
	cd bench && ../$(BIN)/python bench_matching.py
	cd bench && ../$(BIN)/python bench_reports.py
	cd bench && ../$(BIN)/python bench_pages.py

install: system-packages python-packages assets

# Debian packages the portal and its tests use: WeasyPrint's text libraries, Chromium for the
# browser tests, poppler to look at PDFs. Installed when missing and we may (root with apt).
system-packages:
	@scripts/system-packages.sh

python-packages: $(VENV)/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	@touch $@

assets: static/govuk/sip-portal.css

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/govuk/sip-portal.css: node_modules/.installed assets/build.mjs $(wildcard assets/scss/*.scss)
	npm run --silent build

lint: python-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) node_modules static/govuk staticfiles db.sqlite3* test.sqlite3 test_sip_portal.sqlite3* build *.egg-info
