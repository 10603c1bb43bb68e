"""The GPU engine's CUDA C, run on the CPU: each kernel's formulas against the NumPy engine's.

No GPU is needed: the kernel sources of ``layerwise.engine.cuda_kernels`` are compiled by the host's
C++ compiler with a few stand-ins for CUDA's built-ins (blockIdx, threadIdx, atomicAdd, ...) and a
driver that runs every (block, thread) in turn. That checks the CUDA C's syntax and its arithmetic
(the same formulas, order and dtype as ``engine/kernels.py`` and ``engine/optimizers.py``), not CUDA
itself: launches, warps, graphs and CuPy's calls are tested on a GPU by tests/test_gpu.py.
Sequential threads make the optimizer's block reduction of ||W||^2 meaningless, so it is checked
with alpha = 0 here (the L2 gradient term is still checked) and with alpha > 0 on a GPU only.
"""
import ctypes
import shutil
import subprocess

import numpy as np
import pytest

from layerwise.engine import cuda_kernels as K
from layerwise.engine import make_optimizer
from layerwise.engine.kernels import ACTIVATIONS, OUTPUTS
from layerwise.engine.ops import NUMPY

CXX = shutil.which("g++") or shutil.which("c++")
pytestmark = pytest.mark.skipif(CXX is None, reason="no host C++ compiler to run the CUDA C on the CPU")

STUB = r"""
#include <cmath>
using std::exp; using std::log; using std::tanh; using std::sqrt; using std::pow; using std::log1p; using std::fabs;
struct dim3_ { unsigned x, y, z; };
static dim3_ blockIdx, blockDim, threadIdx, gridDim;
#define __global__
#define __device__
#define __shared__ static
static double atomicAdd(double* p, double v) { double old = *p; *p += v; return old; }
static double __shfl_down_sync(unsigned, double, int) { return 0.0; }
static void __syncthreads() {}
#define LAUNCH(grid, block, call) do { gridDim.x = grid; blockDim.x = block; \
    for (unsigned bi = 0; bi < (unsigned)(grid); ++bi) for (unsigned ti = 0; ti < (unsigned)(block); ++ti) \
    { blockIdx.x = bi; threadIdx.x = ti; call; } } while (0)
"""
CTYPES = {np.float32: "float", np.float64: "double"}


def _build(tmp_path, name, source):
    src, lib = tmp_path / f"{name}.cpp", tmp_path / f"{name}.so"
    src.write_text(STUB + source.replace('extern "C" __global__', "static"))
    subprocess.run([CXX, "-O0", "-ffp-contract=off", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True,
                   capture_output=True, text=True)
    return ctypes.CDLL(str(lib))


def _p(a):
    return a.ctypes.data_as(ctypes.c_void_p)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", sorted(K._OUTPUT_BODY))
def test_output_kernel_matches_the_engines_loss_and_delta(tmp_path, loss, dtype):
    ct = CTYPES[dtype]
    src = f"typedef {ct} real_t;\n" + K._OUTPUT.replace("BODY", K._OUTPUT_BODY[loss]) + f"""
extern "C" void run(const real_t* ZL, const real_t* b, const real_t* Y, real_t* dZ, double* acc, real_t scale,
                    long long m, long long n) {{ LAUNCH((m + 3) / 4, 4, lw_output(ZL, b, Y, dZ, acc, scale, m, n)); }}
"""
    lib = _build(tmp_path, "out", src)
    rng = np.random.default_rng(0)
    m, n = 9, {"binary_crossentropy": 3, "categorical_crossentropy": 4, "mse": 2}[loss]
    Z = (rng.standard_normal((m, n)) * 4).astype(dtype)
    b = rng.standard_normal(n).astype(dtype)
    Y = (np.eye(n)[rng.integers(0, n, m)] if loss == "categorical_crossentropy" else
         (rng.random((m, n)) > 0.5) if loss == "binary_crossentropy" else rng.standard_normal((m, n))).astype(dtype)
    dZ, acc = np.empty_like(Z), np.zeros(1)
    scale = 1.0 / m
    getattr(lib, "run")(_p(Z), _p(b), _p(Y), _p(dZ), _p(acc), getattr(ctypes, f"c_{ct}")(scale),
                        ctypes.c_longlong(m), ctypes.c_longlong(n))
    out = OUTPUTS[loss]  # the NumPy engine: logits with the bias, then activation, cost and delta
    ZL = Z + b
    A, dZ_ref = np.empty_like(Z), np.empty_like(Z)
    out.activate(NUMPY, ZL, A)
    out.delta(NUMPY, A, Y, dtype(scale), dZ_ref)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    assert acc[0] == pytest.approx(float(out.cost_sum(NUMPY, ZL, Y, None)), rel=tol)
    np.testing.assert_allclose(dZ, dZ_ref, rtol=tol, atol=tol * np.abs(dZ_ref).max())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("rule", sorted(K._RULES))
def test_step_kernel_matches_the_engines_optimizer(tmp_path, rule, dtype):
    ct = CTYPES[dtype]
    src = f"typedef {ct} real_t;\n" + K._STEP.replace("RULE", K._RULES[rule]) + """
extern "C" void run(real_t* theta, real_t* grad, real_t* v, real_t* s, const double* hp, long long* ctr,
                    double* acc, long long size, long long nw, double l2) {
    LAUNCH(2, 8, lw_step(theta, grad, v, s, hp, ctr, acc, size, nw, l2));
    LAUNCH(1, 1, lw_step_end(ctr));
}
"""
    lib = _build(tmp_path, "step", src)
    size, nw, alpha, m = 37, 30, 0.3, 8  # 30 weights then 7 biases; the grid-stride loop wraps (2 x 8 < 37)
    engine_name = {"gd": "gd", "momentum": "momentum", "nesterov": "nesterov", "rmsprop": "rmsprop", "adam": "adam"}
    hyper = {"momentum": {"beta": 0.8}, "nesterov": {"beta": 0.8}, "rmsprop": {"beta": 0.9}}.get(rule, {})
    opt = make_optimizer(engine_name[rule], size, dtype, **hyper)
    b1 = getattr(opt, "beta_1", getattr(opt, "beta", 0.0))
    hp = np.array([0.05, b1, getattr(opt, "beta_2", 0.0), getattr(opt, "epsilon", 0.0), 0.0])
    rng = np.random.default_rng(1)
    theta = rng.standard_normal(size).astype(dtype)
    theta_ref = theta.copy()
    v, s, ctr, acc = np.zeros(size, dtype), np.zeros(size, dtype), np.zeros(2, np.int64), np.zeros(1)
    for _ in range(3):
        g = rng.standard_normal(size).astype(dtype)
        g_ref = g.copy()
        g_ref[:nw] += theta_ref[:nw] * dtype(alpha / m)  # the engine's L2: dW += alpha/m W
        opt.step(theta_ref, g_ref, 0.05)
        getattr(lib, "run")(_p(theta), _p(g), _p(v), _p(s), _p(hp), _p(ctr), _p(acc), ctypes.c_longlong(size),
                            ctypes.c_longlong(nw), ctypes.c_double(alpha / m))
    assert list(ctr) == [3, 3]
    tol = 1e-14 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(theta, theta_ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", sorted(K.ACTIVATIONS))
def test_elementwise_kernels_match_the_engines_activations(tmp_path, activation, dtype):
    g, dg = K.ACTIVATIONS[activation]
    ct = CTYPES[dtype]
    src = f"""typedef {ct} T;
extern "C" void fwd(T* Z, const T* b, long long size, long long n) {{
    for (long long i = 0; i < size; ++i) {{ T z = Z[i] + b[i % n]; Z[i] = {g}; }} }}
extern "C" void bwd(const T* A, T* dZ, long long size) {{
    for (long long i = 0; i < size; ++i) {{ T a = A[i]; {"dZ[i] = dZ[i] * (" + dg + ");" if dg else ""} }} }}
extern "C" void gather(const T* src, const long long* order, const long long* ctr, long long B, long long n,
                       T* dst, long long size) {{
    for (long long i = 0; i < size; ++i) {{ long long r = i / n; dst[i] = src[order[ctr[0] * B + r] * n + (i - r * n)]; }} }}
"""
    lib = _build(tmp_path, "ew", src)
    rng = np.random.default_rng(2)
    m, n = 6, 5
    Z = (rng.standard_normal((m, n)) * 3).astype(dtype)
    b = rng.standard_normal(n).astype(dtype)
    A = Z.copy()
    lib.fwd(_p(A), _p(b), ctypes.c_longlong(Z.size), ctypes.c_longlong(n))
    ref = Z + b
    ACTIVATIONS[activation].forward(NUMPY, ref)
    tol = 1e-14 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(A, ref, rtol=tol, atol=tol)
    dA = rng.standard_normal((m, n)).astype(dtype)
    dZ, dZ_ref = dA.copy(), dA.copy()
    lib.bwd(_p(ref), _p(dZ), ctypes.c_longlong(Z.size))
    ACTIVATIONS[activation].backward(NUMPY, dZ_ref, ref, np.empty_like(ref))
    np.testing.assert_allclose(dZ, dZ_ref, rtol=tol, atol=tol)
    X = rng.standard_normal((10, n)).astype(dtype)
    order, ctr, B = rng.permutation(10).astype(np.int64), np.array([1, 0], np.int64), 4
    out = np.empty((B, n), dtype)
    lib.gather(_p(X), _p(order), _p(ctr), ctypes.c_longlong(B), ctypes.c_longlong(n), _p(out),
               ctypes.c_longlong(out.size))
    np.testing.assert_array_equal(out, X[order[B:2 * B]])  # batch k = 1
