# Quick start: `make play` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: play lint test fuzz test-bluez bench clean postgresql

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml setup.py
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TSTAMP): $(STAMP) pyproject.toml setup.py
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

play: $(STAMP)
	$(BIN)/liike play $(ARGS)

# Lint, format and type checks: the perception layer (sensors/) strictly, the rest in mypy's
# normal mode. `make test` runs them first and stops at the first problem.
lint: $(TSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict sensors
	$(BIN)/mypy game liike_emulation benchmarks tools tests conftest.py

# The sync tests start their own PostgreSQL server (tests/game/sessions/sync): Debian's package is
# installed here when missing and make runs as root (as CI does); otherwise the tests say what to install.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

# The tests run in one worker per core (pytest-xdist, one test file per worker so its module
# fixtures are built once): those that wait in real time overlap with those that compute.
# PYTEST_ARGS="-n 0" runs them in this process, e.g. to debug one.
PYTEST_ARGS ?= -n auto
test: lint postgresql
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The fuzzers (tests/**/test_*_fuzz.py) with many more examples than `make test` runs; prints
# the cases run and their outcomes by kind. FUZZ_EXAMPLES sets the number per fuzz test.
FUZZ_EXAMPLES ?= 5000
fuzz: $(TSTAMP)
	LIIKE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy \
		$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/game/cli/test_cli_analyze_fuzz.py tests/game/cli/test_config_files_fuzz.py

# Real-stack Bluetooth scenarios: bleak over unmodified BlueZ in a virtme-ng VM (no KVM needed,
# 6-8 minutes on a 2-core host, more under load); installs qemu, a Debian kernel, BlueZ, D-Bus and virtme-ng when
# missing. Not part of `make test`; .ci/run runs it after `make test`. tests/bluez/README.md says more.
# BLUEZ_ARGS=--full adds the five-minute holds; BLUEZ_ARGS="stream drop" runs a selection.
test-bluez: $(TSTAMP)
	sh tests/bluez/setup.sh .venv-vng
	$(BIN)/python tests/bluez/run.py --vng .venv-vng/bin/vng $(BLUEZ_ARGS)

bench: $(TSTAMP)
	$(BIN)/python -m pip install --quiet bleakheart==0.2.0
	$(BIN)/python benchmarks/frame_time.py
	$(BIN)/python benchmarks/ble.py

clean:
	rm -rf $(VENV) build *.egg-info
