# Two commands for a new user:  `make demo` (the main job)  and  `make test` (the whole suite).
# Both create a local virtual environment from this repo's own files on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test nbtest pytest export clean-runs bench replicate outputs

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=77" wheel
	$(BIN)/python -m pip install --quiet torch==2.14.1 torchvision==0.29.1
	$(BIN)/python -m pip install --quiet -e ".[dev,interop]"
	$(BIN)/python -m pip install --quiet --no-deps k-diffusion==0.1.1.post1 dctorch==0.1.2   # see pyproject's interop extra
	$(BIN)/python -m ipykernel install --sys-prefix --name pfgm --display-name "pfgm_nb" >/dev/null
	touch $(STAMP)

demo: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/demo.py --out runs/demo

test: setup docs-deps
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/test.sh

# Pieces of `make test`, for working on one part.
nbtest: setup
	$(BIN)/nbdev-test --n-workers 2 --timing --flags interop
pytest: setup
	$(BIN)/python -m pytest -q
export: setup
	$(BIN)/nbdev-export && $(BIN)/nbdev-clean

# The replication chapter at full size on the digits U-Net, headless (about 30 minutes on 2 CPU cores from scratch): runs/replication/
# gets the executed notebook, the figures, claims.md and results.json; nbs/records/replication/ the record the chapter
# shows (commit it). Finished training runs there are reused.
REPLICATE_PARAMS := workdir: ../runs/replication\ndigits_steps: 500\ntoy_steps: 2000\nn_samples: 400\nseeds: [0, 1]\ntolerances: [0.01, 0.001, 0.0001, 0.00001]\neuler_steps: [10, 20, 50]\nheun_steps: [3, 5, 9, 11, 18]\nrestart_budgets: [[9, 1], [16, 1]]\ndpm_steps: [5, 8, 12, 18]\nd_values: [4.0, 16.0, 128.0, 2048.0, .inf]\nnoise_levels: [0.0, 0.3, 0.5]\nmax_nfe: 3000\nbpd_points: 197\nbpd_max_nfe: 3000\nunet: true\nrecord: records/replication
replicate: setup
	mkdir -p runs/replication
	printf '$(REPLICATE_PARAMS)\n' > runs/replication/parameters.yaml
	$(BIN)/papermill nbs/06_replication.ipynb runs/replication/06_replication.ipynb -k pfgm --cwd nbs \
	    -f runs/replication/parameters.yaml --progress-bar
	@cat runs/replication/claims.md

# Re-execute the chapters in place (slow cells too) so their committed figures and numbers are the current code's.
outputs: setup
	$(BIN)/python scripts/outputs.py $(CHAPTERS)

bench: setup
	$(BIN)/python bench/field.py
	$(BIN)/python bench/train.py
	$(BIN)/python bench/sample.py

clean-runs:
	rm -rf runs

# The documentation site, offline, from the notebooks as committed (nothing executed): _docs/index.html.
# JupyterLab with the kit's kernel (pfgm). Debian's headless Chromium for the browser tests (tests/test_docs.py,
# tests/test_lab.py skip without it): installed only when missing and we are root (CI is); `make test` runs it first.
# An install that fails (no network) only says so: the browser tests then skip, the rest of `make test` still runs.
.PHONY: docs lab docs-deps
docs: setup
	$(BIN)/python scripts/build_docs.py

# Server options pass through LAB_ARGS: make lab LAB_ARGS="--port 8890 --no-browser".
lab: setup
	$(BIN)/python scripts/lab.py $(LAB_ARGS)

docs-deps:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	        || echo "docs-deps: apt-get could not install chromium (the browser tests skip without it)"; \
	else echo "docs-deps: chromium is missing; as root: apt-get install -y chromium (the browser tests skip without it)"; fi
