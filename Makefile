# The two commands: `make run` (the whole system with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-faults test-browser lint format messages bench bench-release bench-reports upgrade-embedded-db clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	DEBUG=$${DEBUG:-1} $(PY) -m imigrasi.devserver

test: $(VENV)/.dev
	$(PY) -m pytest

# What needs processes of its own, apart from `make test`: real workers killed with SIGKILL in the
# middle of a release and of a notification batch, and a Redis of the test's own stopped and
# started again (tests/faults/). Needs redis-server on the PATH.
test-faults: $(VENV)/.dev
	$(PY) -m pytest -m faults -n 0

# The admin and the Swagger UI in headless Chromium under the Content-Security-Policy
# (tests/browser/). Needs the distribution's chromium on the PATH.
test-browser: $(VENV)/.dev
	$(PY) -m pytest -m browser -n 0

# Style, the import layers of docs/design.md (pyproject.toml, [tool.importlinter]) and types. mypy's
# Django plugin loads the settings: DEBUG=1 accepts the development SECRET_KEY, and a DATABASE_URL
# it never connects to keeps the embedded PostgreSQL from starting.
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 DATABASE_URL=$${DATABASE_URL:-postgres://unused/unused} $(VENV)/bin/mypy

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.dev
	$(PY) manage.py makemessages --locale id --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

# The HTTP suite (bench/README.md, results in BENCHMARKS.md): a year of cases served by gunicorn and
# measured at 1 and 16 clients beside bare baselines, only ever against DATABASE_URL: a database of its
# own, without cases. SCALE sets the cases (default 20,000: 15 minutes on 2 cores shared with other
# loads, most of it the rollup rebuild and the figures; SCALE=1000000 for the full run). It needs
# Redis (database 10 by default) and writes BENCHMARKS.md.
bench:
	@if [ -z "$$DATABASE_URL" ]; then \
		echo "make bench needs DATABASE_URL: a database of its own (createdb imigrasi_bench_http), never the embedded one." >&2; \
		exit 2; \
	fi
	@$(MAKE) --no-print-directory $(VENV)/.dev
	$(PY) manage.py migrate --verbosity 0
	$(PY) -m bench.suite $(if $(SCALE),--cases $(SCALE)) $(BENCH_ARGS)

# The release at national scale (bench/README.md), only ever against DATABASE_URL: a database of its own.
# Refuses before installing anything; BENCH_ARGS passes options (BENCH_ARGS="--cases 7000").
bench-release:
	@if [ -z "$$DATABASE_URL" ]; then \
		echo "make bench-release needs DATABASE_URL: a database of its own (createdb imigrasi_bench), never the embedded one." >&2; \
		exit 2; \
	fi
	@$(MAKE) --no-print-directory $(VENV)/.dev
	$(PY) manage.py migrate --verbosity 0
	$(PY) -m bench.release $(BENCH_ARGS)

# The supervisors' reports on a year of a million cases (bench/README.md), only ever against DATABASE_URL.
# BENCH_ARGS passes options (BENCH_ARGS="--cases 200000", or "--reads-only" on a database it filled).
bench-reports:
	@if [ -z "$$DATABASE_URL" ]; then \
		echo "make bench-reports needs DATABASE_URL: a database of its own (createdb imigrasi_bench_reports), never the embedded one." >&2; \
		exit 2; \
	fi
	@$(MAKE) --no-print-directory $(VENV)/.dev
	$(PY) manage.py migrate --verbosity 0
	$(PY) -m bench.reports $(BENCH_ARGS)

upgrade-embedded-db: $(VENV)/.runtime
	$(PY) -c "from pathlib import Path; from imigrasi.embedded_postgres import upgrade; upgrade(Path('.data/postgres'))"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
