# Two commands for a new user:  `make demo` (the main job)  and  `make test` (the whole suite).
# Both create a local virtual environment from this repo's own files on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test nbtest pytest export clean-runs bench

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=77" wheel
	$(BIN)/python -m pip install --quiet torch==2.14.1 torchvision==0.29.1
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name pfgm --display-name "pfgm_nb" >/dev/null
	touch $(STAMP)

demo: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/demo.py --out runs/demo

test: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/test.sh

# Pieces of `make test`, for working on one part.
nbtest: setup
	$(BIN)/nbdev-test --n-workers 2 --timing
pytest: setup
	$(BIN)/python -m pytest -q
export: setup
	$(BIN)/nbdev-export && $(BIN)/nbdev-clean

bench: setup
	$(BIN)/python bench/field.py

clean-runs:
	rm -rf runs
