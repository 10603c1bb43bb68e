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

The sigmoid (hidden or output) is ``sigmoid``, below, not the table's ``expit``: NumPy's table holds
SciPy's ``expit`` (1 / (1 + e^-z) for every z, with the C library's exp), the emulated tables the core's
two-branch form on NumPy's own exp (which differs from the C library's in the last bit for about 5 %
of inputs); the two differ in the last bit for about a quarter of inputs (float64, z ~ N(0, 3^2)).
``sigmoid`` is the core's form built from the table's own ufuncs, and ``softmax`` sums in the core's
order, so NumPy, array-api-strict and the core give the same bits after the same logits.
"""

from __future__ import annotations

from .kernels import get_activation, get_output
from .ops import ops_for

CHUNK = 8192  # rows per pass at most: (8192, 256) float32 buffers are 8 MB
BUFFER_BYTES = 128 << 20  # the pass's buffers at most: 784-256-256-10 still runs 8,192 rows a pass


def sigmoid(o, Z, A, S):
    """A := sigmoid(Z), the core's 1 / (1 + e^-|z|) (z >= 0) or e^-|z| / (1 + e^-|z|) (z < 0), step by step.

    Z, A, S (c, n) of one dtype; S is scratch; A may be Z itself (then Z is overwritten). As fast as
    SciPy's expit on NumPy (the exp dominates) and bitwise equal to ``core.activations.sigmoid``.
    """
    o.multiply(Z, -1.0, out=S)
    o.maximum(Z, S, out=S)  # |z|
    o.multiply(S, -1.0, out=S)
    o.exp(S, out=S)  # E = e^-|z| <= 1: never overflows
    o.less(Z, 0, out=A)  # 1.0 where z < 0 (Z is not read again)
    o.subtract(1.0, A, out=A)  # 1.0 where z >= 0, else 0.0
    o.maximum(S, A, out=A)  # the numerator: 1 where z >= 0, E where z < 0 (E <= 1)
    o.add(S, 1.0, out=S)
    o.divide(A, S, out=A)


def _hidden(name):
    """(o, Z, zero, S) -> None, Z := g(Z) in place: the kernels' forward, but the sigmoid above."""
    g = get_activation(name)
    if g.name in _HIDDEN:
        return _HIDDEN[g.name]
    return lambda o, Z, zero, S: g.forward(o, Z, zero)


_HIDDEN = {"sigmoid": lambda o, Z, zero, S: sigmoid(o, Z, Z, S)}


def softmax(o, Z, A, T):
    """A := row-wise softmax of Z (c, n), shifted by the row max; T (n, c) is scratch.

    Row reductions over a few columns are slow in NumPy (a (2048, 10) row max: 130 us), so the max and
    the sum run down the n rows of the transposed copy T (30 us): the core's column-wise order exactly.
    """
    c = Z.shape[0]
    o.copyto(T, Z.T)  # (n, c)
    o.subtract(Z, o.reshape(o.max(T, axis=0), (c, 1)), out=A)  # Z - max: exp never overflows
    o.exp(A, out=A)
    o.copyto(T, A.T)
    o.divide(A, o.reshape(o.sum(T, axis=0), (c, 1)), out=A)


_OUTPUTS = {  # by loss name: (o, Z, A, S, T) -> None, A := output activation of the logits Z, Z kept
    "binary_crossentropy": lambda o, Z, A, S, T: sigmoid(o, Z, A, S),
    "categorical_crossentropy": lambda o, Z, A, S, T: softmax(o, Z, A, T[:, : Z.shape[0]]),
    "mse": lambda o, Z, A, S, T: o.copyto(A, Z),  # linear outputs
}


def forward(X, params, activations, loss, chunk=CHUNK):
    """X (m, n[0]) rows, params ((W[l] (n[l], n[l-1]), b[l] (n[l], 1)) for l = 1..L), the L-1 hidden
    activation names and the loss -> (A[L] (m, n[L]), Z[L] (m, n[L])): probabilities (or outputs) and logits.
    """
    o = ops_for(X, params[0][0])
    g = [_hidden(a) for a in activations]
    output = _OUTPUTS[get_output(loss).name]  # (an unknown loss: get_output's ValueError)
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
    T = o.empty((dims[-1], c), dtype)  # the softmax's
    for start in range(0, m, c):
        stop = min(start + c, m)
        A = X[start:stop, ...]
        for l in range(L - 1):
            Z = bufs[l][: stop - start, ...]
            W, b = params[l]
            o.matmul(A, W.T, out=Z)  # (c, n[l])
            o.add(Z, b.T, out=Z)  # b[l]^T (1, n[l]) broadcasts over the rows
            g[l](o, Z, zeros[l][: stop - start, ...], S[: stop - start, : dims[l]])
            A = Z
        W, b = params[-1]
        Zc = ZL[start:stop, ...]
        o.matmul(A, W.T, out=Zc)
        o.add(Zc, b.T, out=Zc)  # logits (c, n[L])
        output(o, Zc, AL[start:stop, ...], S[: stop - start, : dims[-1]], T)
    return AL, ZL
