"""The fast network: parameters in one flat vector, per-batch-size workspaces, in-place passes.

Same math as ``layerwise.core.network`` (DESIGN.md section 3), arranged for speed:

- ``theta`` is one flat vector [W[1], ..., W[L], b[1], ..., b[L]]; ``W[l]`` (n[l], n[l-1]) and
  ``b[l]`` (n[l], 1) are C-ordered views into it, and ``grad`` has the same layout (dW, db). An
  optimizer updates all layers in one pass, L2 touches the W block in one pass, L-BFGS sees a vector.
- Data stay row-major (m, n_x), as given. A layer's buffer is (m, n[l]), whose transpose is the
  course's (n[l], m) array, so every product is one BLAS call into a C-ordered ``out``:

      Z[l]^T  = A[l-1]^T W[l]^T            (m, n[l])        forward
      dW[l]   = dZ[l] A[l-1]^T  = (dZ[l]^T)^T A[l-1]^T        (n[l], n[l-1])
      dA[l-1]^T = dZ[l]^T W[l]             (m, n[l-1])      never for l = 1

- The 1/m of dW and db (or the sample weights w_i / sum(w)) is folded into dZ[L] once; by linearity
  every dW[l], db[l] then carries it, exactly as the course's per-layer / m.
- Buffers for a batch size are created once (``workspace(m)``) and reused for every batch of that size.
- Arrays live in one array library and device, given by the ``Ops`` table ``ops`` (NumPy by default;
  ``layerwise.engine.ops``): every operation goes through it, so the same passes run on CuPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._typing import Array
from ..core.network import LayerParams
from .kernels import get_activation
from .ops import NUMPY, Ops
from .outputs import get_output


class Workspace:
    """Buffers for one batch size m: per layer l = 1..L, all (m, n[l]) row layout.

    A[l] holds Z[l] and then g(Z[l]) in place (hidden layers); ZL keeps the output logits for the cost;
    dZ[l] holds dA[l] and then dZ[l] in place; S[l] is scratch for g'; D[l] the scaled dropout mask and
    AD[l] = A[l] * D[l] (only when dropout is on); X, Y, w hold a gathered minibatch; zero[l] is a
    read-only (m, n[l]) array of zeros for the hidden layers (views of one buffer), the second operand
    of ReLU's maximum; ones_m (m,) and ones_n (n[L],) are ones (ones_m's product with dZ[l] is the column
    sum db[l], one BLAS gemv, 3x faster than NumPy's sum);
    ZT (n[L], m), r[k] (m,) and their (m, 1) views rc[k] are the output layer's scratch (outputs.py).
    """

    def __init__(self, layer_dims: Sequence[int], m: int, dtype: Any, dropout: bool = False, ops: Ops = NUMPY) -> None:
        def e(n: int) -> Array:
            return ops.empty((m, n), dtype)

        L = len(layer_dims) - 1
        self.m = m
        self.A = [e(n) for n in layer_dims[1:]]
        self.ZL = e(layer_dims[L])
        self.dZ = [e(n) for n in layer_dims[1:]]
        self.S = [e(n) for n in layer_dims[1:]]
        self.D: list[Array] | Any = [e(n) for n in layer_dims[1:L]] if dropout else None  # None without dropout
        self.AD: list[Array] | Any = [e(n) for n in layer_dims[1:L]] if dropout else None
        self.X = e(layer_dims[0])
        self.Y = e(layer_dims[L])
        self.w = ops.empty(m, dtype)
        self.w_col = ops.reshape(self.w, (m, 1))
        self.ones_m, self.ones_n = ops.zeros(m, dtype), ops.zeros(layer_dims[L], dtype)
        ops.add(self.ones_m, 1, out=self.ones_m)
        ops.add(self.ones_n, 1, out=self.ones_n)
        self.ZT = ops.empty((layer_dims[L], m), dtype)
        self.r = [ops.empty(m, dtype) for _ in range(3)]
        self.rc = [ops.reshape(r, (m, 1)) for r in self.r]
        n_max = max(layer_dims[1:L], default=0)
        zeros = ops.zeros(m * n_max, dtype)
        self.zero = [ops.reshape(zeros[: m * n], (m, n)) for n in layer_dims[1:L]]


class Network:
    """Parameters, gradients and workspaces of one L-layer network.

    layer_dims [n[0], ..., n[L]]; ``activations`` L-1 hidden names; ``loss`` a name of ``OUTPUTS``;
    ``ops`` the array library and device the parameters and buffers live in.
    """

    def __init__(
        self,
        layer_dims: Sequence[int],
        activations: Sequence[str],
        loss: str,
        dtype: Any = np.float64,
        ops: Ops = NUMPY,
    ) -> None:
        self.layer_dims = [int(n) for n in layer_dims]
        self.L = L = len(self.layer_dims) - 1
        if len(activations) != L - 1:
            raise ValueError(f"expected {L - 1} hidden activations, got {len(activations)}")
        self.activation_names = list(activations)
        self.g = [get_activation(a) for a in activations]
        self.output = get_output(loss)
        self.ops = o = ops
        self.dtype = np.dtype(dtype)
        shapes = [(n, n_prev) for n_prev, n in zip(self.layer_dims[:-1], self.layer_dims[1:])]
        self.n_weights = sum(n * p for n, p in shapes)
        self.size = self.n_weights + sum(n for n, _ in shapes)
        self.theta = o.zeros(self.size, self.dtype)
        self.grad = o.zeros(self.size, self.dtype)
        self.scratch = o.empty(self.n_weights, self.dtype)  # L2 term
        self.snapshot = o.empty(self.size, self.dtype)  # restore point of an epoch
        self.W, self.b = self._views(self.theta, shapes)
        self.dW, self.db = self._views(self.grad, shapes)
        self.db_flat = [o.reshape(db, (-1,)) for db in self.db]  # (n[l],) views: outputs of the column sums
        self.WT, self.bT = [W.T for W in self.W], [b.T for b in self.b]  # (n[l-1], n[l]), (1, n[l]) views
        self.W_flat, self.dW_flat = self.theta[: self.n_weights], self.grad[: self.n_weights]  # the L2 block
        self._workspaces: dict[tuple[int, bool], Workspace] = {}
        self._device_rng: tuple[Any, Any] | None = None

    def _views(self, flat: Array, shapes: Sequence[tuple[int, int]]) -> tuple[list[Array], list[Array]]:
        W, b, o = [], [], 0
        for n, p in shapes:
            W.append(self.ops.reshape(flat[o : o + n * p], (n, p)))
            o += n * p
        for n, _ in shapes:
            b.append(self.ops.reshape(flat[o : o + n], (n, 1)))
            o += n
        return W, b

    # ------------------------------------------------------------ parameters in and out
    def set_params(self, params: Sequence[LayerParams]) -> None:
        """Copy a tuple of LayerParams(W (n[l], n[l-1]), b (n[l], 1)) into theta (NumPy ones move to the device)."""
        o = self.ops
        for l, p in enumerate(params):
            o.copyto(self.W[l], o.reshape(self._own(p.W), self.W[l].shape), casting="same_kind")
            o.copyto(self.b[l], o.reshape(self._own(p.b), self.b[l].shape), casting="same_kind")

    def _own(self, A: Array) -> Array:
        # an array of this network's library, or a NumPy one (host draws) moved to its device
        return self.ops.from_host(A) if isinstance(A, np.ndarray) or not hasattr(A, "shape") else A

    def get_params(self) -> tuple[LayerParams, ...]:
        """A copy of the parameters: tuple of LayerParams(W (n[l], n[l-1]), b (n[l], 1)), C-ordered."""
        return tuple(LayerParams(self.ops.copy(W), self.ops.copy(b)) for W, b in zip(self.W, self.b))

    def workspace(self, m: int, dropout: bool = False) -> Workspace:
        key = (m, bool(dropout))
        ws = self._workspaces.get(key)
        if ws is None:
            ws = self._workspaces[key] = Workspace(self.layer_dims, m, self.dtype, dropout, self.ops)
        return ws

    # ------------------------------------------------------------ the passes
    def forward(self, ws: Workspace, X: Array, keep_prob: float = 1.0, rng: Any = None) -> Array:
        """X (m, n[0]) rows -> A[L] (m, n[L]) rows (a workspace buffer). Dropout when keep_prob < 1."""
        o = self.ops
        A_prev = X
        for l in range(self.L - 1):
            A = ws.A[l]
            o.matmul(A_prev, self.WT[l], out=A)  # Z[l]^T (m, n[l])
            o.add(A, self.bT[l], out=A)  # b[l]^T (1, n[l]) broadcasts over the m rows
            self.g[l].forward(o, A, ws.zero[l], ws.S[l])  # A[l]^T, in place (S[l]: scratch, free until backward)
            if keep_prob < 1.0:
                D = ws.D[l]
                o.uniform(self._rng(rng), D)
                o.less(D, keep_prob, out=D)  # the mask, 1.0 with probability keep_prob
                o.multiply(D, 1.0 / keep_prob, out=D)  # inverted dropout: E[A D] = A
                A = o.multiply(A, D, out=ws.AD[l])
            A_prev = A
        ZL = ws.ZL
        o.matmul(A_prev, self.WT[-1], out=ZL)
        o.add(ZL, self.bT[-1], out=ZL)  # Z[L]^T (m, n[L]): logits
        self.output.activate(o, ZL, ws.A[-1], ws)
        return ws.A[-1]

    def _rng(self, rng: Any) -> Any:
        # the generator dropout masks come from: ``rng`` itself, or a device one seeded from it (CuPy)
        if self._device_rng is None or self._device_rng[0] is not rng:
            self._device_rng = (rng, self.ops.device_rng(rng))
        return self._device_rng[1]

    def cost(self, ws: Workspace, Y: Array, w: Array | None = None, alpha: float = 0.0) -> float:
        """J of the last forward pass: mean (or w-weighted mean) loss + alpha/2 ||W||^2 / sum(w)."""
        o = self.ops
        total = ws.m if w is None else float(o.sum(w))
        J = float(self.output.cost_sum(o, ws.ZL, Y, w, ws)) / total  # host sync: the cost is logged
        if alpha:
            J += 0.5 * alpha * float(o.dot(self.W_flat, self.W_flat)) / total
        return J

    def backward(
        self,
        ws: Workspace,
        X: Array,
        Y: Array,
        w: Array | None = None,
        alpha: float = 0.0,
        keep_prob: float = 1.0,
        gain: float = 1.0,
    ) -> Array:
        """Fill ``grad`` with gain x (dW[l], db[l] for l = 1..L) from the last forward pass.

        dA[0] is never formed. ``gain`` (an optimizer's ``gain(lr)``) rides on the 1/m of dZ[L] for free.
        """
        o = self.ops
        total = ws.m if w is None else float(o.sum(w))
        scale = (gain / total) if w is None else o.multiply(o.reshape(w, (-1, 1)), gain / total, out=ws.w_col)
        self.output.delta(o, ws.A[-1], Y, scale, ws.dZ[-1])  # dZ[L]^T = gain (A - Y) / m
        for l in range(self.L - 1, -1, -1):  # python index l is layer l+1
            dZ = ws.dZ[l]
            if l < self.L - 1:
                self.g[l].backward(o, dZ, ws.A[l], ws.S[l])  # dZ[l] = dA[l] * g'(Z[l])
            A_prev = X if l == 0 else (ws.AD[l - 1] if keep_prob < 1.0 else ws.A[l - 1])
            o.matmul(dZ.T, A_prev, out=self.dW[l])  # dW (n[l], n[l-1])
            o.matmul(ws.ones_m, dZ, out=self.db_flat[l])  # db = 1^T dZ[l]^T (n[l],), one gemv
            if l > 0:
                dA_prev = ws.dZ[l - 1]
                o.matmul(dZ, self.W[l], out=dA_prev)  # dA[l-1]^T (m, n[l-1])
                if keep_prob < 1.0:
                    o.multiply(dA_prev, ws.D[l - 1], out=dA_prev)  # only the kept units pass gradient
        if alpha:
            # L2: J += alpha/(2 m) sum ||W||^2  ->  dW += alpha/m W (scikit-learn's convention)
            tmp = o.multiply(self.W_flat, gain * alpha / total, out=self.scratch)
            o.add(self.dW_flat, tmp, out=self.dW_flat)
        return self.grad
