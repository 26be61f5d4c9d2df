# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-long lint bench clean

run: $(STAMP)
	$(VENV)/bin/reviewer seeds --annotations annotations/default

test: $(STAMP)
	$(PY) -m pytest

LINT_STAMP := $(VENV)/.lint-installed

$(LINT_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,lint]'
	touch $(LINT_STAMP)

# ruff, mypy (warn_unused_ignores), the layer contracts (import-linter) and no import cycle between any two modules
lint: $(LINT_STAMP)
	$(VENV)/bin/ruff check reviewer tests bench .ci
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) .ci/import_cycles.py

test-long: $(STAMP)
	$(PY) -m pytest -m "long or not long"

bench: $(STAMP)
	$(PY) bench/load.py

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
