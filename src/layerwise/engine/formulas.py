"""The sigmoid and the softmax, one in-place kernel each, shared by training and prediction, the core's bits.

Both are built from the ``Ops`` table's own ufuncs in the order ``layerwise.core.activations`` writes
them, so training and prediction, NumPy and array-API namespaces (array-api-strict) give the same bits
for the same logits. SciPy's ``expit`` (1 / (1 + e^-z) for every z, the C library's exp) is not used:
it differs from the core's two-branch form in the last bit for about a quarter of inputs (float64,
z ~ N(0, 3^2)), which made NumPy and array-api-strict training agree to rounding only.
"""

from __future__ import annotations

from typing import Any


def sigmoid(o: Any, Z: Any, A: Any, S: Any) -> None:
    """A := sigmoid(Z), the core's 1 / (1 + e^-|z|) (z >= 0) or e^-|z| / (1 + e^-|z|) (z < 0), step by step.

    Z, A, S (c, n) of one dtype; S is scratch; A may be Z itself (then Z is overwritten). As fast as
    SciPy's expit on NumPy (the exp dominates); never overflows (e^-|z| <= 1).
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


def softmax(o: Any, Z: Any, A: Any, T: Any, row_max: Any, row_sum: Any) -> None:
    """A := row-wise softmax of the logits Z (c, n), shifted by the row max; Z kept.

    T (n, c) is scratch; ``row_max`` and ``row_sum`` (c,) receive max_k Z[i, k] and sum_k e^(Z[i, k] - max)
    (the cross-entropy's cost reads them). Row reductions over a few columns are slow in NumPy (a (2048, 10)
    row max: 130 us), so the max and the sum run down the n rows of the transposed copy T (30 us): the
    core's column-wise order exactly.
    """
    c = Z.shape[0]
    o.copyto(T, Z.T)  # (n, c)
    o.max(T, axis=0, out=row_max)
    o.subtract(Z, o.reshape(row_max, (c, 1)), out=A)  # Z - max: exp never overflows
    o.exp(A, out=A)
    o.copyto(T, A.T)
    o.sum(T, axis=0, out=row_sum)
    o.divide(A, o.reshape(row_sum, (c, 1)), out=A)


__all__ = ["sigmoid", "softmax"]
