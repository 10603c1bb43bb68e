"""The engine's blocked optimizer passes give bitwise the same parameters as one pass over the whole vector."""

import numpy as np
import pytest

from layerwise.engine import make_optimizer, optimizers


def _steps(size, dtype, n_steps=4, lr=0.01, gain=None):
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(size).astype(dtype)
    opt = make_optimizer("adam", size, dtype)
    gain = opt.gain(lr) if gain is None else gain
    for _ in range(n_steps):
        g = (gain * rng.standard_normal(size)).astype(dtype)
        g[::7] = 0  # dead units: v = s = 0 there
        opt.step(theta, g, lr, gain)
    return theta, opt


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("gain", [None, 1.0])
def test_blocked_adam_is_bitwise_the_whole_vector_adam(monkeypatch, dtype, gain):
    size = 103
    monkeypatch.setattr(optimizers, "BLOCK", 10**9)
    whole, opt_whole = _steps(size, dtype, gain=gain)
    monkeypatch.setattr(optimizers, "BLOCK", 16)  # 103 = 6 blocks of 16 + one of 7
    blocked, opt_blocked = _steps(size, dtype, gain=gain)
    assert len(opt_blocked._cut[2]) == 7 and len(opt_whole._cut[2]) == 1
    np.testing.assert_array_equal(blocked, whole)
    np.testing.assert_array_equal(opt_blocked.v, opt_whole.v)
    np.testing.assert_array_equal(opt_blocked.s, opt_whole.s)
    assert not np.array_equal(whole, _steps(size, dtype, n_steps=0, gain=gain)[0])  # the steps moved theta


def test_blocks_are_views_that_cover_the_vector_once(monkeypatch):
    x, y = np.arange(10.0), np.zeros(10)
    monkeypatch.setattr(optimizers, "BLOCK", 4)
    parts = optimizers.blocks(optimizers.NUMPY, x, y)
    assert [len(a) for a, _ in parts] == [4, 4, 2]
    for _, b in parts:
        b += 1  # writing a block writes the vector
    np.testing.assert_array_equal(y, np.ones(10))
