# Two commands set up everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# The user's extras (gpu aside); the development tools are dependency groups (PEP 735), which pip
# installs from 25.1 on (`--group`), so every venv first gets a recent pip.
EXTRAS := plot,io,search,onnx,web,mpi,notebook
GROUPS := --group test --group docs
PIP_MIN := pip>=25.1

.PHONY: demo test test-oldest test-py313 test-matrix bench docs lint typecheck format clean install

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -U "$(PIP_MIN)"

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -U "$(PIP_MIN)"
	$(PIP) install -e ".[$(EXTRAS)]" $(GROUPS)
	rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m layerwise demo

# Locally the slow tests are skipped; CI (CI=true) runs everything, the contenders' equivalence tests
# included (the `bench` group: PyTorch's CPU build and JAX; locally those tests skip a peer that is not
# installed), and fails on any skip not in tests/skip_allowlist.py.
PYTEST_ARGS ?= $(if $(CI),,-m "not slow")

test: $(STAMP)
	$(if $(CI),$(PIP) install --group bench --group lint)
	$(if $(CI),$(PY) -c "import torch; torch.version.cuda is None or exit('pip took a CUDA build of torch: install its CPU wheel')")
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The test matrix: the fast suite (-m "not slow") in a venv of its own per leg, next to `make test`.
#  oldest: Python 3.10 with the oldest versions pyproject.toml allows (.ci/oldest.txt pins the lower
#          bounds of the dependencies; the extras and test tools are the newest that install beside them);
#  py313:  the newest Python with OpenBLAS forced onto an older kernel (OPENBLAS_CORETYPE=Haswell), so a
#          test that holds only on one machine's rounding shows here rather than on a user's machine.
# The legs run with the CI Hypothesis profile (fixed examples) but not the CI skip guard (`make test`'s
# full run holds that): the bench contenders (torch, JAX) are not installed in these venvs.
PY310 ?= /root/.pyenv/versions/3.10.13/bin/python
PY313 ?= /root/.pyenv/versions/3.13.0/bin/python
LEG_PYTEST := -m pytest -q -p no:cacheprovider -m "not slow" --hypothesis-profile=ci

test-oldest:
	@test -x "$(PY310)" || { echo "make test-oldest: no Python 3.10 at $(PY310); set PY310=/path/to/python3.10" >&2; exit 1; }
	test -x .venv-oldest/bin/python || $(PY310) -m venv .venv-oldest
	.venv-oldest/bin/python -m pip -q install -U "$(PIP_MIN)"
	.venv-oldest/bin/python -m pip -q install -c .ci/oldest.txt -e ".[$(EXTRAS)]" --group test
	.venv-oldest/bin/python .ci/check_pins.py .ci/oldest.txt
	CI= .venv-oldest/bin/python $(LEG_PYTEST)

test-py313:
	@test -x "$(PY313)" || { echo "make test-py313: no Python 3.13 at $(PY313); set PY313=/path/to/python3.13" >&2; exit 1; }
	test -x .venv-py313/bin/python || $(PY313) -m venv .venv-py313
	.venv-py313/bin/python -m pip -q install -U "$(PIP_MIN)"
	.venv-py313/bin/python -m pip -q install -c .ci/py313.txt -e ".[$(EXTRAS)]" --group test
	.venv-py313/bin/python -c "import sys, numpy; print('python', sys.version.split()[0], 'numpy', numpy.__version__)"
	CI= OPENBLAS_CORETYPE=Haswell .venv-py313/bin/python $(LEG_PYTEST)

test-matrix: test-oldest test-py313

# Every section of bench/sections.py; each run's JSON lands in bench/results/ (the last few are kept and
# committed beside bench/RESULTS.md). BENCH_ARGS passes options, e.g. BENCH_ARGS="--only train --repeats 3".
bench: $(STAMP)
	$(PIP) install --group bench
	$(PY) -m bench --markdown bench/results/latest.md $(BENCH_ARGS)

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

# ruff (lint and format check), configured in pyproject.toml; `make format` rewrites the tree.
lint: $(STAMP)
	$(PIP) install --group lint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy, configured in pyproject.toml ([tool.mypy]): the whole package, every function annotated; strict on
# core, engine and io. It runs in the venv that has the package's dependencies, so it reads their types.
typecheck: $(STAMP)
	$(PIP) install --group lint
	$(VENV)/bin/mypy

format: $(STAMP)
	$(PIP) install --group lint
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .venv-oldest .venv-py313 .venv-sklearn-oldest site build dist
