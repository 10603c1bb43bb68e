"""The core stays pure: `import layerwise.core` loads NumPy (and array-api-compat, its namespace layer), never
scikit-learn, SciPy or an optional dependency; its seeding rule is scikit-learn's."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.utils import check_random_state as sklearn_check_random_state

from layerwise.core.initializers import check_random_state

HEAVY = ("sklearn", "scipy", "pandas", "matplotlib", "joblib", "safetensors", "tqdm", "dask", "torch", "cupy")


def test_importing_the_core_loads_numpy_only():
    code = "import sys, json, layerwise.core; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    top = set(json.loads(out))
    assert "numpy" in top and "layerwise" in top
    assert not top & set(HEAVY), sorted(top & set(HEAVY))


@pytest.mark.parametrize("seed", [None, 0, 42, np.int64(7), True])
def test_check_random_state_is_scikit_learns_rule(seed):
    ours, theirs = check_random_state(seed), sklearn_check_random_state(seed)
    assert type(ours) is type(theirs)
    if seed is None:
        assert ours is theirs  # NumPy's global RandomState
    else:
        np.testing.assert_array_equal(ours.standard_normal(5), theirs.standard_normal(5))
    rs = np.random.RandomState(3)
    assert check_random_state(rs) is rs


@pytest.mark.parametrize("seed", [1.5, "a", np.random.default_rng(0)])
def test_check_random_state_refuses_what_scikit_learn_refuses(seed):
    with pytest.raises(ValueError) as theirs:
        sklearn_check_random_state(seed)
    with pytest.raises(ValueError) as ours:
        check_random_state(seed)
    assert str(ours.value) == str(theirs.value)
