# Quick start: `make play` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: play test bench clean

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

test: $(TSTAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(TSTAMP)
	$(BIN)/python -m pip install --quiet bleakheart==0.2.0
	$(BIN)/python benchmarks/frame_time.py
	$(BIN)/python benchmarks/ble.py

clean:
	rm -rf $(VENV) build *.egg-info
