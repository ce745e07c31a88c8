# Two commands: `make run` (dashboard on the embedded store, seeded with data/sample)
# and `make test` (every test). Both set everything up first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# make test: the tests without a browser on JOBS processes, then the browser tests one by
# one (a page waited on beside other work is what makes a browser test flaky)
JOBS ?= 2

.PHONY: setup system run test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

static/node_modules/.installed: static/package.json static/package-lock.json $(BIN)/.installed
	cd static && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m conflictmap.maps.basemap
	touch $@

# Debian packages (Node.js/npm, Chromium, Noto fonts, PostgreSQL 15 with PostGIS,
# python3-venv): scripts/system installs only what is missing, with sudo unless root.
system:
	@PY=$(PY) scripts/system

setup: system $(BIN)/.installed static/node_modules/.installed

run: setup
	$(BIN)/conflictmap seed
	$(BIN)/streamlit run serve.py --server.address 127.0.0.1 --server.port $(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	@url=$$(scripts/pg start) && trap 'scripts/pg stop' EXIT && \
	  echo "PostGIS test server: $$url" && export CONFLICTMAP_TEST_PG=$$url && \
	  $(BIN)/pytest -m "not browser" -n $(JOBS) && $(BIN)/pytest -m browser

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) static/node_modules data/cache
