# Renkei: `make demo` and `make test` work on a machine with Python 3.11, make and git.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
BOOT := .uv
VENV := .venv
UV := $(BOOT)/bin/uv
RENKEI := $(VENV)/bin/renkei
PORT ?= 8000
export PORT

.PHONY: demo test test-unit test-integration test-functional test-browser install browser lint contracts typecheck check messages bench clean

$(UV):
	$(PYTHON) -m venv $(BOOT)
	$(BOOT)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	UV_PYTHON=$(PYTHON) $(UV) sync --locked --quiet
	touch $@

install: $(VENV)/.installed

demo: install
	$(RENKEI) demo --port $(PORT)

# Browser tests use Debian's Chromium (never a downloaded browser); installed here when possible.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null; \
	  else echo "Chromium not found at /usr/bin/chromium: browser tests will be skipped (apt-get install chromium)."; fi; \
	fi

test: install browser
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# One tier at a time (tests/support/tiers.py says what each may use). Unit tests need no database.
test-unit: install
	$(VENV)/bin/pytest tests/unit $(PYTEST_ARGS)

test-integration: install
	$(VENV)/bin/pytest tests/integration $(PYTEST_ARGS)

test-functional: install
	$(VENV)/bin/pytest tests/functional $(PYTEST_ARGS)

test-browser: install browser
	$(VENV)/bin/pytest tests/browser $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check renkei tests bench

contracts: install
	$(VENV)/bin/lint-imports

# mypy with django-stubs imports the settings, which write to RENKEI_DATA_DIR: give it a scratch one.
typecheck: install
	@data=$$(mktemp -d); RENKEI_DATA_DIR=$$data $(VENV)/bin/mypy; status=$$?; rm -rf "$$data"; exit $$status

check: install
	$(RENKEI) makemigrations --check --dry-run

# Benchmarks (not tests): needs the bench dependency group and, for the PostgreSQL half, a server.
bench: $(UV)
	UV_PYTHON=$(PYTHON) $(UV) sync --locked --all-groups --quiet
	$(VENV)/bin/python -m bench.search --sizes $(or $(SIZES),1000,10000)

messages: install
	cd renkei && ../$(RENKEI) makemessages -l ja -l en --no-obsolete && ../$(RENKEI) compilemessages

clean:
	rm -rf $(VENV) $(BOOT)
