import os
from pathlib import Path

import numpy as np
import pytest
import skip_allowlist
from hypothesis import settings

# CI runs the property tests on a fixed set of examples (a red CI must be reproducible); locally
# Hypothesis explores new examples on every run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    # In CI a skip fails the run unless tests/skip_allowlist.py lists it with its reason.
    skip_allowlist.pytest_configure(config)


def find_cat_dir():
    """The shared cat images by layerwise's one rule ($LAYERWISE_CAT_DIR, then ../shared beside the checkout)."""
    from layerwise.datasets import find_cat_dir as find

    try:
        return find()
    except FileNotFoundError:
        return None


@pytest.fixture
def cat_dir():
    d = find_cat_dir()
    if d is None:
        pytest.skip("the course's cat images are not available (../shared/datasets/catvnoncat)")
    return d


@pytest.fixture(autouse=True)
def _raise_on_float_errors():
    # Overflow, invalid values and division by zero raise. Underflow is left as NumPy's default
    # (ignored): e^-z rounding to 0 for large z is the correctly rounded result, not an error.
    old = np.seterr(all="raise", under="ignore")
    yield
    np.seterr(**old)
