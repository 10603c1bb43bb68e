"""Prediction on the fast path: the forward pass of trained parameters over row-major X, in place.

``forward(X, params, activations, loss)`` computes the same numbers as the core's ``model_forward``
(DESIGN.md section 3) in the engine's row layout: for a chunk of rows X_c (c, n[0])

    Z[l]^T = A[l-1]^T W[l]^T + b[l]^T        (c, n[l]), one BLAS call into a reused buffer
    A[l]^T = g(Z[l]^T)                        in place (``kernels``), the output layer by ``outputs``

Chunks of at most ``chunk`` rows bound the buffers, allocated once per call; no cache of the layers is
kept (nothing is differentiated). Fewer, larger products are what 2 BLAS threads need on a busy machine
(each call waits for both threads): 10,000 rows in chunks of 1,024 ran 2.5x slower than in one piece at
load 3, and within 10 % of it on a quiet one. Every operation goes through the ``Ops`` table of X, so
the same call runs on CuPy or any array-API namespace.

The activations are the training kernels' own (``kernels.ACTIVATIONS``, ``outputs.OUTPUTS``): one
sigmoid and one softmax (``formulas``), the core's bits, so training and prediction, NumPy and
array-API namespaces agree bitwise after the same logits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from .._typing import Array
from .kernels import get_activation
from .ops import ops_for
from .outputs import get_output

CHUNK = 8192  # rows per pass at most: (8192, 256) float32 buffers are 8 MB
BUFFER_BYTES = 128 << 20  # the pass's buffers at most: 784-256-256-10 still runs 8,192 rows a pass


class _Scratch(NamedTuple):
    """The output kernels' scratch for k rows, the ``Workspace`` fields ``activate`` reads: S[-1] (k, n[L]),
    ZT (n[L], k), r[0], r[1] (k,)."""

    S: list[Any]
    ZT: Any
    r: list[Any] | None


def _scratch(S: Any, T: Any, r: Any, k: int) -> _Scratch:
    """The scratch of a short last chunk of k rows: views of the call's buffers."""
    return _Scratch([S[:k, ...]], None if T is None else T[:, :k], None if r is None else [v[:k] for v in r])


def forward(
    X: Array, params: Sequence[Any], activations: Sequence[str], loss: str, chunk: int = CHUNK
) -> tuple[Array, Array]:
    """X (m, n[0]) rows, params ((W[l] (n[l], n[l-1]), b[l] (n[l], 1)) for l = 1..L), the L-1 hidden
    activation names and the loss -> (A[L] (m, n[L]), Z[L] (m, n[L])): probabilities (or outputs) and logits.
    """
    o = ops_for(X, params[0][0])
    g = [get_activation(a) for a in activations]
    output = get_output(loss)
    m, L = X.shape[0], len(params)
    dtype = params[0][0].dtype
    dims = [W.shape[0] for W, _ in params]
    AL, ZL = o.empty((m, dims[-1]), dtype), o.empty((m, dims[-1]), dtype)
    # rows a pass also bounded by the buffers' bytes (8 a value at most): a very wide layer costs passes, not memory
    chunk = max(1, min(chunk, BUFFER_BYTES // (8 * (3 * max(dims) + 2 * sum(dims[:-1]) + dims[-1]))))
    passes = max(1, -(-m // chunk))  # ceil(m / chunk)
    c = max(1, -(-m // passes))  # rows a pass, equal but the last (10,000 rows, chunk 8,192: 2 x 5,000)
    bufs = [o.empty((c, n), dtype) for n in dims[:-1]]
    zeros = [o.zeros((c, n), dtype) for n in dims[:-1]]  # ReLU's second operand (kernels.py: 7x faster than 0)
    S = o.empty((c, max(dims)), dtype)  # the sigmoid's scratch (empty: costs nothing when unused)
    T, r = None, None  # the softmax's scratch: the transposed logits and its row max and row sum
    if output.name == "categorical_crossentropy":
        T, r = o.empty((dims[-1], c), dtype), [o.empty(c, dtype), o.empty(c, dtype)]
    full = _Scratch([S[:, : dims[-1]]], T, r)
    for start in range(0, m, c):
        stop = min(start + c, m)
        A = X[start:stop, ...]
        for l in range(L - 1):
            Z = bufs[l][: stop - start, ...]
            W, b = params[l]
            o.matmul(A, W.T, out=Z)  # (c, n[l])
            o.add(Z, b.T, out=Z)  # b[l]^T (1, n[l]) broadcasts over the rows
            g[l].forward(o, Z, zeros[l][: stop - start, ...], S[: stop - start, : dims[l]])
            A = Z
        W, b = params[-1]
        Zc = ZL[start:stop, ...]
        o.matmul(A, W.T, out=Zc)
        o.add(Zc, b.T, out=Zc)  # logits (c, n[L])
        k = stop - start
        scratch = full if k == c else _scratch(S[:, : dims[-1]], T, r, k)  # (only a short last chunk re-slices)
        output.activate(o, Zc, AL[start:stop, ...], scratch)
    return AL, ZL
