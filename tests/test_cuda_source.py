"""The GPU engine's CUDA C, run on the CPU: every kernel against NumPy.

No GPU is needed. Each kernel's source is taken from ``layerwise.engine.cuda_kernels`` exactly as CuPy
would receive it: the module's builders (``bias_act``, ``act_grad``, ``gather``, ``output``,
``step_module``) are called with a stand-in for CuPy that records the source, the parameter list and the
options instead of compiling. Nothing is typed again here. The sources are compiled by the host's C++
compiler with stand-ins for CUDA's built-ins: each block's threads run as real threads, so
``__syncthreads`` is a barrier, ``__shfl_down_sync`` exchanges values between the 32 lanes of a warp,
``__shared__`` memory is shared and ``atomicAdd`` is atomic. An ElementwiseKernel's body runs once per
index ``i`` as CuPy runs it (an input ``T a`` is the element ``a[i]``, an output ``T Z`` a reference to
it, a ``raw`` array the whole array). That checks the CUDA C's syntax, indexing, reductions and
arithmetic (the same formulas, order and dtype as the NumPy engine), not CUDA itself: launches, graphs
and CuPy's calls are tested on a GPU by tests/test_gpu.py.
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

BLOCK = 256  # the GPU engine's block size (engine/cuda.py): 8 warps per block

SHIM = r"""
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
using std::exp; using std::log; using std::tanh; using std::sqrt; using std::pow; using std::log1p; using std::fabs;
struct dim3_ { unsigned x, y, z; };
static dim3_ blockIdx, blockDim, gridDim;
static thread_local dim3_ threadIdx;
#define __global__
#define __device__
#define __shared__ static

class Barrier {  // reusable: n threads wait until all n have arrived
    std::mutex mu; std::condition_variable cv; unsigned n, waiting = 0, generation = 0;
public:
    explicit Barrier(unsigned n) : n(n) {}
    void wait() {
        std::unique_lock<std::mutex> lock(mu);
        unsigned gen = generation;
        if (++waiting == n) { waiting = 0; ++generation; cv.notify_all(); }
        else cv.wait(lock, [&] { return gen != generation; });
    }
};
static std::mutex atomic_mu;
static Barrier* block_barrier;
static std::vector<std::unique_ptr<Barrier>> warp_barriers;
static double lanes[32][32];  // [warp][lane]: the values a shuffle exchanges

static double atomicAdd(double* p, double v) { std::lock_guard<std::mutex> g(atomic_mu); double o = *p; *p += v; return o; }
static void __syncthreads() { block_barrier->wait(); }
static double __shfl_down_sync(unsigned, double x, int delta) {  // lane reads lane + delta (its own past 31)
    unsigned w = threadIdx.x >> 5, lane = threadIdx.x & 31;
    lanes[w][lane] = x;
    warp_barriers[w]->wait();
    double r = lane + delta < 32 ? lanes[w][lane + delta] : x;
    warp_barriers[w]->wait();
    return r;
}
template <class F> static void launch(unsigned grid, unsigned block, F call) {
    gridDim = {grid, 1, 1}; blockDim = {block, 1, 1};
    Barrier barrier(block);
    block_barrier = &barrier;
    warp_barriers.clear();
    for (unsigned w = 0; w * 32 < block; ++w) warp_barriers.emplace_back(new Barrier(block - 32 * w < 32 ? block - 32 * w : 32));
    for (unsigned bi = 0; bi < grid; ++bi) {  // blocks one after another, a block's threads together
        blockIdx = {bi, 0, 0};
        std::vector<std::thread> threads;
        for (unsigned ti = 0; ti < block; ++ti) threads.emplace_back([=] { threadIdx = {ti, 0, 0}; call(); });
        for (auto& t : threads) t.join();
    }
}
#define LAUNCH(grid, block, call) launch(grid, block, [&] { call; })
"""
CTYPES = {np.float32: "float", np.float64: "double"}
SCALARS = {"int64": "long long", "int32": "int", "float64": "double", "float32": "float"}


class RecordingCupy:
    """Stands in for ``cupy``: each kernel constructor returns what it was given."""

    @staticmethod
    def ElementwiseKernel(in_params, out_params, operation, name, **kwargs):  # CuPy's name
        return dict(in_params=in_params, out_params=out_params, operation=operation, name=name, **kwargs)

    @staticmethod
    def RawKernel(code, name, **kwargs):
        return dict(code=code, name=name, **kwargs)

    @staticmethod
    def RawModule(code, **kwargs):
        return dict(code=code, **kwargs)


def kernel_sources():
    """Every kernel of cuda_kernels, as its builders hand it to CuPy (lru caches bypassed)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(K, "_cupy", RecordingCupy)
        bias = {a: K.bias_act.__wrapped__(a) for a in K.ACTIVATIONS}
        grad = {a: K.act_grad.__wrapped__(a) for a in K.ACTIVATIONS}
        gather = K.gather.__wrapped__()
        output = {(loss, dt): K.output.__wrapped__(loss, np.dtype(dt)) for loss in K._OUTPUT_BODY for dt in CTYPES}
        step = {(rule, dt): K.step_module.__wrapped__(rule, np.dtype(dt)) for rule in K._RULES for dt in CTYPES}
    return bias, grad, gather, output, step


def _params(spec):
    for p in filter(None, (s.strip() for s in spec.split(","))):
        *raw, typ, name = p.split()
        yield bool(raw), typ, name


def elementwise_cpp(cname, kernel):
    """A C function running an ElementwiseKernel's body for i = 0..size-1, with CuPy's bindings."""
    args, binds = [], []
    for out, spec in ((False, kernel["in_params"]), (True, kernel["out_params"])):
        for raw, typ, name in _params(spec):
            ctype = SCALARS.get(typ, typ)
            if raw:  # the whole array
                args.append(f"{'' if out else 'const '}{ctype}* {name}")
            elif typ in SCALARS:  # a scalar passed by value
                args.append(f"{ctype} {name}")
            else:  # one element: a copy of an input, a reference into an output
                args.append(f"{'' if out else 'const '}{typ}* {name}_")
                binds.append(f"{'' if out else 'const '}{typ}{'&' if out else ''} {name} = {name}_[i];")
    return (
        f'extern "C" void {cname}({", ".join(args)}, long long size) {{\n'
        f"    for (long long i = 0; i < size; ++i) {{ {' '.join(binds)} {kernel['operation']}; }}\n}}\n"
    )


def raw_cpp(code):
    return code.replace('extern "C" __global__', "static")


def build_library(tmpdir, dtype):
    """One shared library per dtype with every kernel, each in its own namespace, and C drivers."""
    bias, grad, gather, output, step = kernel_sources()
    ct = CTYPES[dtype]
    parts = [SHIM]
    for act in K.ACTIVATIONS:
        parts.append(f"namespace bias_{act} {{ typedef {ct} T;\n" + elementwise_cpp(f"bias_{act}", bias[act]) + "}")
        if grad[act] is not None:
            parts.append(f"namespace grad_{act} {{ typedef {ct} T;\n" + elementwise_cpp(f"grad_{act}", grad[act]) + "}")
    parts.append(f"namespace gather_ {{ typedef {ct} T;\n" + elementwise_cpp("gather", gather) + "}")
    for loss in K._OUTPUT_BODY:
        parts.append(
            f"namespace out_{loss} {{\n"
            + raw_cpp(output[loss, dtype]["code"])
            + f"""
extern "C" void output_{loss}(const real_t* ZL, const real_t* b, const real_t* Y, real_t* dZ, double* acc,
                              real_t scale, long long m, long long n, unsigned block) {{
    LAUNCH((m + block - 1) / block, block, lw_output(ZL, b, Y, dZ, acc, scale, m, n)); }}
}}"""
        )
    for rule in K._RULES:
        parts.append(
            f"namespace step_{rule} {{\n"
            + raw_cpp(step[rule, dtype]["code"])
            + f"""
extern "C" void step_{rule}(real_t* theta, real_t* grad, real_t* v, real_t* s, const double* hp, long long* ctr,
                            double* acc, long long size, long long nw, double l2, unsigned grid) {{
    LAUNCH(grid, {BLOCK}, lw_step(theta, grad, v, s, hp, ctr, acc, size, nw, l2));
    LAUNCH(1, 1, lw_step_end(ctr));
}}
extern "C" void colsum1_{rule}(const real_t* dZ, real_t* db, long long m, unsigned block) {{
    LAUNCH(1, block, lw_colsum1(dZ, db, m)); }}
}}"""
        )
    src, lib = tmpdir / f"kernels_{ct}.cpp", tmpdir / f"kernels_{ct}.so"
    src.write_text("\n".join(parts))
    result = subprocess.run(
        [CXX, "-std=c++17", "-O0", "-ffp-contract=off", "-pthread", "-shared", "-fPIC", "-o", str(lib), str(src)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return ctypes.CDLL(str(lib))


@pytest.fixture(scope="module")
def libs(tmp_path_factory):
    tmpdir = tmp_path_factory.mktemp("cuda_c")
    return {dtype: build_library(tmpdir, dtype) for dtype in CTYPES}


def _p(a):
    return a.ctypes.data_as(ctypes.c_void_p)


def _ll(v):
    return ctypes.c_longlong(v)


TOL = {np.float64: 1e-14, np.float32: 1e-6}


def test_every_kernel_is_compiled_without_fused_multiply_adds():
    bias, grad, gather, output, step = kernel_sources()
    for kernel in [*bias.values(), *(g for g in grad.values() if g), *output.values(), *step.values()]:
        assert kernel["options"] == ("--fmad=false",)
    assert grad["linear"] is None and bias["linear"]["operation"].endswith("Z = z;")
    assert all(
        f"__global__ void {name}(" in step["adam", np.float64]["code"]
        for name in ("lw_step", "lw_step_end", "lw_colsum1")
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", sorted(K._OUTPUT_BODY))
def test_output_kernel_matches_the_engines_loss_and_delta(libs, loss, dtype):
    rng = np.random.default_rng(0)
    m, n = 37, {"binary_crossentropy": 3, "categorical_crossentropy": 4, "mse": 2}[loss]
    Z = (rng.standard_normal((m, n)) * 4).astype(dtype)
    b = rng.standard_normal(n).astype(dtype)
    Y = (
        np.eye(n)[rng.integers(0, n, m)]
        if loss == "categorical_crossentropy"
        else (rng.random((m, n)) > 0.5)
        if loss == "binary_crossentropy"
        else rng.standard_normal((m, n))
    ).astype(dtype)
    dZ, acc = np.empty_like(Z), np.zeros(1)
    scale = 1.0 / m
    getattr(libs[dtype], f"output_{loss}")(
        _p(Z),
        _p(b),
        _p(Y),
        _p(dZ),
        _p(acc),
        getattr(ctypes, f"c_{CTYPES[dtype]}")(scale),
        _ll(m),
        _ll(n),
        ctypes.c_uint(8),
    )  # 5 blocks of 8 threads, the last partly idle
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
def test_step_kernel_matches_the_engines_optimizer_and_l2_sum(libs, rule, dtype):
    # 600 weights then 100 biases over 2 blocks of 256 threads: the grid-stride loop wraps
    size, nw, alpha, m, lr = 700, 600, 0.3, 8, 0.05
    hyper = {"momentum": {"beta": 0.8}, "nesterov": {"beta": 0.8}, "rmsprop": {"beta": 0.9}}.get(rule, {})
    opt = make_optimizer(rule, size, dtype, **hyper)
    b1 = getattr(opt, "beta_1", getattr(opt, "beta", 0.0))
    hp = np.array([lr, b1, getattr(opt, "beta_2", 0.0), getattr(opt, "epsilon", 0.0), alpha / 2])
    rng = np.random.default_rng(1)
    theta = rng.standard_normal(size).astype(dtype)
    theta_ref = theta.copy()
    v, s, ctr, acc = np.zeros(size, dtype), np.zeros(size, dtype), np.zeros(2, np.int64), np.zeros(1)
    l2_sum = 0.0
    for _ in range(3):
        g = rng.standard_normal(size).astype(dtype)
        g_ref = g.copy()
        l2_sum += alpha / 2 * float(np.sum(theta_ref[:nw].astype(np.float64) ** 2))  # alpha/2 ||W||^2 for the cost
        g_ref[:nw] += theta_ref[:nw] * dtype(alpha / m)  # the engine's L2: dW += alpha/m W
        opt.step(theta_ref, g_ref, lr)
        getattr(libs[dtype], f"step_{rule}")(
            _p(theta),
            _p(g),
            _p(v),
            _p(s),
            _p(hp),
            _p(ctr),
            _p(acc),
            _ll(size),
            _ll(nw),
            ctypes.c_double(alpha / m),
            ctypes.c_uint(2),
        )
    assert list(ctr) == [3, 3]
    np.testing.assert_allclose(theta, theta_ref, rtol=TOL[dtype], atol=TOL[dtype])
    tol = 1e-12 if dtype == np.float64 else 1e-5  # float32 weights drift apart by an ulp between the steps
    assert acc[0] == pytest.approx(l2_sum, rel=tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("rule", sorted(K._RULES))
@pytest.mark.parametrize("block", [BLOCK, 64])
def test_colsum1_sums_a_column(libs, rule, dtype, block):
    m = 1001  # more rows than threads, not a multiple of the block
    dZ = np.random.default_rng(3).standard_normal((m, 1)).astype(dtype)
    db = np.zeros(1, dtype)
    getattr(libs[dtype], f"colsum1_{rule}")(_p(dZ), _p(db), _ll(m), ctypes.c_uint(block))
    expected = dtype(np.sum(dZ, dtype=np.float64))  # the kernel sums in double, then rounds once
    np.testing.assert_allclose(db, [expected], rtol=1e-13 if dtype == np.float64 else 1e-7)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", sorted(K.ACTIVATIONS))
def test_elementwise_kernels_match_the_engines_activations(libs, activation, dtype):
    lib, tol = libs[dtype], TOL[dtype]
    rng = np.random.default_rng(2)
    m, n = 6, 5
    Z = (rng.standard_normal((m, n)) * 3).astype(dtype)
    b = rng.standard_normal(n).astype(dtype)
    A = Z.copy()
    getattr(lib, f"bias_{activation}")(_p(b), _ll(n), _p(A), _ll(A.size))  # CuPy's order: b, n, Z
    ref = Z + b
    ACTIVATIONS[activation].forward(NUMPY, ref)
    np.testing.assert_allclose(A, ref, rtol=tol, atol=tol)
    if activation == "linear":
        return  # act_grad has no kernel for it (checked above)
    dA = rng.standard_normal((m, n)).astype(dtype)
    dZ, dZ_ref = dA.copy(), dA.copy()
    getattr(lib, f"grad_{activation}")(_p(ref), _p(dZ), _ll(dZ.size))  # a, dZ
    ACTIVATIONS[activation].backward(NUMPY, dZ_ref, ref, np.empty_like(ref))
    np.testing.assert_allclose(dZ, dZ_ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gather_copies_the_batchs_rows(libs, dtype):
    rng = np.random.default_rng(4)
    n, B = 5, 4
    X = rng.standard_normal((12, n)).astype(dtype)
    order = rng.permutation(12).astype(np.int64)
    for k in range(3):
        ctr = np.array([k, 7], np.int64)  # [batch k, step t]: the batch number is read from the device
        out = np.empty((B, n), dtype)
        libs[dtype].gather(_p(X), _p(order), _p(ctr), _ll(B), _ll(n), _p(out), _ll(out.size))
        np.testing.assert_array_equal(out, X[order[k * B : (k + 1) * B]])
