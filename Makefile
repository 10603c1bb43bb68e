# Two commands set up everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
EXTRAS := plot,io,search,onnx,web,mpi,test,docs,notebook

.PHONY: demo test test-sklearn-oldest bench docs lint format clean install

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -U pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -e ".[$(EXTRAS)]"
	rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m layerwise demo

# Locally the slow tests are skipped; CI (CI=true) runs everything, the contenders' equivalence tests
# included (the `bench` extra: PyTorch's CPU build and JAX; locally those tests skip a peer that is not
# installed), and fails on any skip not in tests/skip_allowlist.py.
PYTEST_ARGS ?= $(if $(CI),,-m "not slow")

test: $(STAMP)
	$(if $(CI),$(PIP) install -e ".[bench]")
	$(if $(CI),$(PY) -c "import torch; torch.version.cuda is None or exit('pip took a CUDA build of torch: install its CPU wheel')")
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The oldest scikit-learn we support, in a second venv: only the estimator checks run there.
SKLEARN_OLDEST := 1.6.1
OLD_VENV := .venv-sklearn-oldest
test-sklearn-oldest:
	test -x $(OLD_VENV)/bin/python || $(PYTHON) -m venv $(OLD_VENV)
	$(OLD_VENV)/bin/python -m pip --disable-pip-version-check -q install -e ".[test]" "scikit-learn==$(SKLEARN_OLDEST)"
	$(OLD_VENV)/bin/python -c "import sklearn; assert sklearn.__version__ == '$(SKLEARN_OLDEST)', sklearn.__version__"
	# scikit-learn 1.6's test helpers switch on array-API dispatch at import, which newer SciPy refuses
	# unless SCIPY_ARRAY_API is set
	SCIPY_ARRAY_API=1 $(OLD_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_estimators_sklearn.py tests/test_layout.py

# Every section of bench/sections.py; each run's JSON lands in bench/results/ (the last few are kept and
# committed beside bench/RESULTS.md). BENCH_ARGS passes options, e.g. BENCH_ARGS="--only train --repeats 3".
bench: $(STAMP)
	$(PIP) install -e ".[bench]"
	$(PY) -m bench --markdown bench/results/latest.md $(BENCH_ARGS)

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

# ruff (lint and format check), configured in pyproject.toml; `make format` rewrites the tree.
RUFF_VERSION := 0.17.6
lint: $(STAMP)
	$(PIP) install "ruff==$(RUFF_VERSION)"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(PIP) install "ruff==$(RUFF_VERSION)"
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) $(OLD_VENV) site build dist
