# The two commands: `make run` and `make test`. Both install what they need first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium
PYTEST_WORKERS ?= 2

.PHONY: run serve test test-dates lint install test-install chromium faketime bench bench-load clean

run: install
	$(PY) app.py

# Production-style serving: gunicorn, a worker per core (+1), settings in gunicorn.conf.py.
serve: install
	$(VENV)/bin/gunicorn -c gunicorn.conf.py

test: test-install chromium lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile

# Formatted by `ruff format` and checked to stay so: the packages written since issue 21. A file joins
# when it is next rewritten (docs/decisions.md: formatting the whole tree at once would push files
# past 300 lines with one argument per line, and collide with every branch in flight).
FORMATTED := services/access services/metrics data/models services/common/email_address.py \
	services/identity/held_back.py callbacks/jobs.py bench/demo_data.py tests/unit/test_layers.py

# Lint the whole tree (ruff.toml), then type-check services/ and data/ (mypy.ini): about 10 s of
# CPU from a fresh clone, under a second once mypy's cache (.mypy_cache) is there.
lint: test-install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check $(FORMATTED)
	$(VENV)/bin/mypy

# The proof that no test reads the wall clock: unit and integration suites with the machine's
# clock moved 400 and 1,100 days ahead (libfaketime). Not part of `make test` (it runs them twice).
test-dates: test-install faketime
	faketime -f +400d $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile tests/unit tests/integration
	faketime -f +1100d $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile tests/unit tests/integration

install: $(VENV)/.installed
test-install: $(VENV)/.test-installed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-test.txt
	touch $(VENV)/.installed $@

# Debian's chromium; Playwright drives it by path (its own browser download is not used).
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; }

faketime:
	@command -v faketime >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q faketime; \
	  else sudo apt-get update -q && sudo apt-get install -y -q faketime; fi; }

bench: install
	$(PY) -m bench.directory
	$(PY) -m bench.dashboard
	$(PY) -m bench.allocation
	$(PY) -m bench.renewals

# Load test (locust, headless): gunicorn on SQLite and on PostgreSQL, 16 and 64 users.
bench-load: install
	$(PY) -m pip install -q -r requirements-bench.txt
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache
