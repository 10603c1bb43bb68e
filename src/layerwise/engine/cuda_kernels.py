"""CUDA C for the GPU engine: the fused kernels of one training step, built with CuPy on first use.

One kernel per fused piece of the course's step (DESIGN.md section 3), each replacing several array ops:

    gather       X_b[r, :] = X[order[k B + r], :]            (k, the batch number, is read on the device)
    bias_act     A = g(Z + b)                                 forward, hidden layers, in place on Z
    act_grad     dZ = dA * g'(A)                              backward, in place on dA; g' read off A = g(Z)
    output       Z[L] + b[L] -> A[L], dZ[L] = (A[L] - Y) / m and the batch's summed loss, one thread per row
    colsum1      db = sum of one column (the products do the other column sums)
    step         the optimizer on theta, with the L2 gradient and ||W||^2 for the cost fused in
    step_end     k += 1, t += 1: the counters a replayed CUDA graph needs

Every formula is the NumPy engine's (``kernels.py``, ``optimizers.py``), in the same order and the same
dtype, compiled with ``--fmad=false`` so no multiply-add is contracted: products round as NumPy's do.
Only ``exp``, ``log``, ``tanh`` may differ from the CPU's libm by an ulp. Nothing here imports CuPy
until a kernel is asked for.
"""

from __future__ import annotations

import functools
from typing import Any

_OPTIONS = ("--fmad=false",)

# hidden activation -> (g(z) from z, g'(z) from a = g(z)); "linear" needs no kernel
ACTIVATIONS = {
    "relu": ("z > (T)0 ? z : (T)0", "a > (T)0 ? (T)1 : (T)0"),
    "leaky_relu": ("z > (T)0 ? z : z * (T)0.01", "a > (T)0 ? (T)1 : (T)0.01"),
    "tanh": ("tanh(z)", "(T)1 - a * a"),
    "sigmoid": ("z >= (T)0 ? (T)1 / ((T)1 + exp(-z)) : exp(z) / ((T)1 + exp(z))", "((T)1 - a) * a"),
    "linear": ("z", None),
}

# output layer, per row r of n units; z (logits with bias), y, d (dZ), c (double: the row's loss)
_OUTPUT_BODY = {
    "categorical_crossentropy": """
    real_t mx = z(0);
    for (long long j = 1; j < n; ++j) { real_t v = z(j); mx = v > mx ? v : mx; }
    real_t s = 0;
    for (long long j = 0; j < n; ++j) s += exp(z(j) - mx);
    real_t lse = log(s);
    for (long long j = 0; j < n; ++j) {
        real_t zs = z(j) - mx;
        c += (double)(y[j] * (lse - zs));            // -sum y log softmax(z)
        d[j] = (exp(zs) / s - y[j]) * scale;
    }""",
    "binary_crossentropy": """
    for (long long j = 0; j < n; ++j) {
        real_t v = z(j);
        real_t e = exp(-fabs(v));
        real_t sp = (v > (real_t)0 ? v : (real_t)0) + log1p(e);  // softplus(z) = log(1 + e^z)
        c += (double)(sp - y[j] * v);
        real_t a = v >= (real_t)0 ? (real_t)1 / ((real_t)1 + e) : e / ((real_t)1 + e);
        d[j] = (a - y[j]) * scale;
    }""",
    "mse": """
    for (long long j = 0; j < n; ++j) {
        real_t diff = z(j) - y[j];
        c += 0.5 * (double)(diff * diff);
        d[j] = diff * scale;
    }""",
}

_OUTPUT = """
extern "C" __global__ void lw_output(const real_t* ZL, const real_t* b, const real_t* Y, real_t* dZ,
                                     double* acc, const real_t scale, const long long m, const long long n) {
    long long r = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    if (r >= m) return;
    const real_t* zr = ZL + r * n;
    const real_t* y = Y + r * n;
    real_t* d = dZ + r * n;
    #define z(j) (zr[j] + b[j])
    double c = 0;
    BODY
    #undef z
    atomicAdd(acc, c);
}
"""

# optimizer rules on one element: th (theta), g (gradient with L2), v, s (state); sets `step`
_RULES = {
    "gd": "real_t step = g * lr;",
    "momentum": """real_t vv = v[i] * b1 + g * omb1; v[i] = vv;
        real_t step = vv * lr;""",
    "nesterov": """real_t vv = v[i] * b1 + g * omb1; v[i] = vv;
        real_t step = (vv * b1 + g * omb1) * lr;""",
    "rmsprop": """real_t ss = s[i] * b1 + (g * omb1) * g; s[i] = ss;
        real_t step = (g * lr) / (sqrt(ss) + eps);""",
    "adam": """real_t vv = v[i] * b1 + g * omb1; v[i] = vv;
        real_t ss = s[i] * b2 + (g * omb2) * g; s[i] = ss;
        real_t step = (vv / (sqrt(ss) + eps_t)) * lr_t;""",
}

_STEP = """
__device__ double lw_warp_sum(double x) {
    for (int o = 16; o > 0; o >>= 1) x += __shfl_down_sync(0xffffffff, x, o);
    return x;
}

// hp: [lr, beta (or beta_1), beta_2, epsilon, alpha / 2]; ctr: [batch k, step t]; l2 = alpha / m
extern "C" __global__ void lw_step(real_t* theta, real_t* grad, real_t* v, real_t* s, const double* hp,
                                   const long long* ctr, double* acc, const long long size,
                                   const long long n_weights, const double l2) {
    const real_t lr = (real_t)hp[0], b1 = (real_t)hp[1], b2 = (real_t)hp[2], eps = (real_t)hp[3];
    const real_t omb1 = (real_t)(1.0 - hp[1]), omb2 = (real_t)(1.0 - hp[2]);
    const double t = (double)(ctr[1] + 1);
    // Adam's bias corrections c1 = 1 - b1^t, c2 = 1 - b2^t folded into its step size and epsilon:
    // alpha (v / c1) / (sqrt(s / c2) + eps) = (alpha sqrt(c2) / c1) v / (sqrt(s) + eps sqrt(c2))
    const double r2 = sqrt(1.0 - pow(hp[2], t));
    const real_t lr_t = (real_t)(hp[0] * r2 / (1.0 - pow(hp[1], t))), eps_t = (real_t)(hp[3] * r2);
    const real_t l2t = (real_t)l2;
    double sq = 0;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < size;
         i += (long long)blockDim.x * gridDim.x) {
        real_t th = theta[i];
        real_t g = grad[i];
        if (i < n_weights && l2 != 0.0) {
            sq += (double)th * (double)th;
            g = g + th * l2t;                          // dW += alpha / m W
        }
        RULE
        theta[i] = th - step;
    }
    __shared__ double part[32];
    sq = lw_warp_sum(sq);
    if ((threadIdx.x & 31) == 0) part[threadIdx.x >> 5] = sq;
    __syncthreads();
    if (threadIdx.x < 32) {
        sq = threadIdx.x < (blockDim.x >> 5) ? part[threadIdx.x] : 0.0;
        sq = lw_warp_sum(sq);
        if (threadIdx.x == 0 && sq != 0.0) atomicAdd(acc, hp[4] * sq);  // alpha/2 ||W||^2 for the cost
    }
}

extern "C" __global__ void lw_step_end(long long* ctr) { ctr[0] += 1; ctr[1] += 1; }

extern "C" __global__ void lw_colsum1(const real_t* dZ, real_t* db, const long long m) {
    __shared__ double part[32];
    double x = 0;
    for (long long r = threadIdx.x; r < m; r += blockDim.x) x += (double)dZ[r];
    x = lw_warp_sum(x);
    if ((threadIdx.x & 31) == 0) part[threadIdx.x >> 5] = x;
    __syncthreads();
    if (threadIdx.x < 32) {
        x = threadIdx.x < (blockDim.x >> 5) ? part[threadIdx.x] : 0.0;
        x = lw_warp_sum(x);
        if (threadIdx.x == 0) db[0] = (real_t)x;
    }
}
"""


def _cupy() -> Any:
    import cupy

    return cupy


def _ctype(dtype: Any) -> str:
    return {"float32": "float", "float64": "double"}[str(dtype)]


@functools.cache
def bias_act(activation: str) -> Any:
    """ElementwiseKernel(b, n, Z): Z (m, n) := g(Z + b) with b (n,) broadcast over the rows."""
    g, _ = ACTIVATIONS[activation]
    return _cupy().ElementwiseKernel(
        "raw T b, int64 n", "T Z", f"T z = Z + b[i % n]; Z = {g};", f"lw_bias_{activation}", options=_OPTIONS
    )


@functools.cache
def act_grad(activation: str) -> Any:
    """ElementwiseKernel(A, dZ): dZ := dZ * g'(Z), g' written in terms of A = g(Z); None for linear."""
    _, dg = ACTIVATIONS[activation]
    if dg is None:
        return None
    return _cupy().ElementwiseKernel("T a", "T dZ", f"dZ = dZ * ({dg});", f"lw_grad_{activation}", options=_OPTIONS)


@functools.cache
def gather() -> Any:
    """ElementwiseKernel(src, order, ctr, B, n, dst): dst[r] = src[order[ctr[0] B + r]] for rows of n values."""
    return _cupy().ElementwiseKernel(
        "raw T src, raw int64 order, raw int64 ctr, int64 B, int64 n",
        "T dst",
        "long long r = i / n; dst = src[order[ctr[0] * B + r] * n + (i - r * n)];",
        "lw_gather",
    )


@functools.cache
def output(loss: str, dtype: Any) -> Any:
    """RawKernel lw_output(ZL, b, Y, dZ, acc, scale, m, n) for ``loss``; one thread per row."""
    src = f"typedef {_ctype(dtype)} real_t;\n" + _OUTPUT.replace("BODY", _OUTPUT_BODY[loss])
    return _cupy().RawKernel(src, "lw_output", options=_OPTIONS)


@functools.cache
def step_module(rule: str, dtype: Any) -> Any:
    """RawModule with lw_step (the optimizer ``rule``), lw_step_end and lw_colsum1, for ``dtype``."""
    src = f"typedef {_ctype(dtype)} real_t;\n" + _STEP.replace("RULE", _RULES[rule])
    return _cupy().RawModule(code=src, options=_OPTIONS)
