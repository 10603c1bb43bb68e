"""Prediction on the fast path: the forward pass of trained parameters over row-major X, in place.

``forward(X, params, activations, loss)`` computes the same numbers as the core's ``model_forward``
(DESIGN.md section 3) in the engine's row layout: for a chunk of rows X_c (c, n[0])

    Z[l]^T = A[l-1]^T W[l]^T + b[l]^T        (c, n[l]), one BLAS call into a reused buffer
    A[l]^T = g(Z[l]^T)                        in place (``kernels``), the output layer by ``outputs``

Chunks of ``CHUNK`` rows keep the buffers in cache and allocate them once per call; no cache of the
layers is kept (nothing is differentiated). Every operation goes through the ``Ops`` table of X, so
the same call runs on CuPy or any array-API namespace.
"""
from __future__ import annotations

from .kernels import get_activation, get_output
from .ops import ops_for

CHUNK = 2048  # rows per pass: (2048, 256) float32 buffers are 2 MB


def forward(X, params, activations, loss, chunk=CHUNK):
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
    c = min(chunk, m)
    bufs = [o.empty((c, n), dtype) for n in dims[:-1]]
    zeros = [o.zeros((c, n), dtype) for n in dims[:-1]]  # ReLU's second operand (kernels.py: 7x faster than 0)
    for start in range(0, m, c):
        stop = min(start + c, m)
        A = X[start:stop, ...]
        for l in range(L - 1):
            Z = bufs[l][:stop - start, ...]
            W, b = params[l]
            o.matmul(A, W.T, out=Z)  # (c, n[l])
            o.add(Z, b.T, out=Z)  # b[l]^T (1, n[l]) broadcasts over the rows
            g[l].forward(o, Z, zeros[l][:stop - start, ...])
            A = Z
        W, b = params[-1]
        Zc = ZL[start:stop, ...]
        o.matmul(A, W.T, out=Zc)
        o.add(Zc, b.T, out=Zc)  # logits (c, n[L])
        output.activate(o, Zc, AL[start:stop, ...])
    return AL, ZL
