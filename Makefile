# Two commands set up everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test bench docs clean install

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -U pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -e ".[plot,io,search,onnx,test,docs]"
	rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m layerwise demo

# Locally the slow tests are skipped; CI (CI=true) runs everything, the contenders' equivalence tests
# included (the `bench` extra: PyTorch's CPU build), and fails on any skip not in tests/skip_allowlist.py.
PYTEST_ARGS ?= $(if $(CI),,-m "not slow")

test: $(STAMP)
	$(if $(CI),$(PIP) install -e ".[bench]")
	$(if $(CI),$(PY) -c "import torch; torch.version.cuda is None or exit('pip took a CUDA build of torch: install its CPU wheel')")
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(PIP) install -e ".[bench]"
	$(PY) -m bench --markdown bench/results/latest.md

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

clean:
	rm -rf $(VENV) site build dist
