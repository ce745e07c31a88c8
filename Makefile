# Two commands: `make run` (dashboard on the embedded store, seeded with data/sample)
# and `make test` (every test). Both set everything up first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
APT := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends

.PHONY: setup system run test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

static/node_modules/.installed: static/package.json static/package-lock.json
	cd static && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages: Node.js/npm (map assets from the npm registry), Chromium (browser
# tests and snapshots), fonts (Arabic text in screenshots), PostgreSQL 15 with PostGIS
# (the team store; the test suite runs against a throwaway server, scripts/pg).
system:
	@missing=""; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v chromium >/dev/null || missing="$$missing chromium chromium-driver"; \
	[ -e /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf ] || missing="$$missing fonts-noto-core"; \
	[ -x /usr/lib/postgresql/15/bin/initdb ] || missing="$$missing postgresql-15"; \
	[ -e /usr/share/postgresql/15/extension/postgis.control ] || missing="$$missing postgresql-15-postgis-3"; \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "Installing Debian packages:$$missing"; \
	  $$SUDO apt-get update -qq && $$SUDO $(APT) $$missing; \
	fi

setup: system $(BIN)/.installed static/node_modules/.installed

run: setup
	$(BIN)/conflictmap seed
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

test: setup
	$(BIN)/ruff check .
	@url=$$(scripts/pg start) && trap 'scripts/pg stop' EXIT && \
	  echo "PostGIS test server: $$url" && CONFLICTMAP_TEST_PG=$$url $(BIN)/pytest

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) static/node_modules data/cache
