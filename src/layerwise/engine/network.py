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
"""
from __future__ import annotations

import numpy as np

from ..core.network import LayerParams
from .kernels import get_activation, get_output


class Workspace:
    """Buffers for one batch size m: per layer l = 1..L, all (m, n[l]) row layout.

    A[l] holds Z[l] and then g(Z[l]) in place (hidden layers); ZL keeps the output logits for the cost;
    dZ[l] holds dA[l] and then dZ[l] in place; S[l] is scratch for g'; D[l] the scaled dropout mask and
    AD[l] = A[l] * D[l] (only when dropout is on); X, Y, w hold a gathered minibatch.
    """

    def __init__(self, layer_dims, m, dtype, dropout=False):
        e = lambda n: np.empty((m, n), dtype=dtype)  # noqa: E731
        L = len(layer_dims) - 1
        self.m = m
        self.A = [e(n) for n in layer_dims[1:]]
        self.ZL = e(layer_dims[L])
        self.dZ = [e(n) for n in layer_dims[1:]]
        self.S = [e(n) for n in layer_dims[1:]]
        self.D = [e(n) for n in layer_dims[1:L]] if dropout else None
        self.AD = [e(n) for n in layer_dims[1:L]] if dropout else None
        self.X = e(layer_dims[0])
        self.Y = e(layer_dims[L])
        self.w = np.empty(m, dtype=dtype)
        self.w_col = self.w.reshape(m, 1)


class Network:
    """Parameters, gradients and workspaces of one L-layer network.

    layer_dims [n[0], ..., n[L]]; ``activations`` L-1 hidden names; ``loss`` a name of ``OUTPUTS``.
    """

    def __init__(self, layer_dims, activations, loss, dtype=np.float64):
        self.layer_dims = [int(n) for n in layer_dims]
        self.L = L = len(self.layer_dims) - 1
        if len(activations) != L - 1:
            raise ValueError(f"expected {L - 1} hidden activations, got {len(activations)}")
        self.activation_names = list(activations)
        self.g = [get_activation(a) for a in activations]
        self.output = get_output(loss)
        self.dtype = np.dtype(dtype)
        shapes = [(n, n_prev) for n_prev, n in zip(self.layer_dims[:-1], self.layer_dims[1:])]
        self.n_weights = sum(n * p for n, p in shapes)
        self.size = self.n_weights + sum(n for n, _ in shapes)
        self.theta = np.zeros(self.size, dtype=self.dtype)
        self.grad = np.zeros(self.size, dtype=self.dtype)
        self.scratch = np.empty(self.n_weights, dtype=self.dtype)  # L2 term
        self.snapshot = np.empty(self.size, dtype=self.dtype)  # restore point of an epoch
        self.W, self.b = self._views(self.theta, shapes)
        self.dW, self.db = self._views(self.grad, shapes)
        self._workspaces = {}

    def _views(self, flat, shapes):
        W, b, o = [], [], 0
        for n, p in shapes:
            W.append(flat[o:o + n * p].reshape(n, p))
            o += n * p
        for n, _ in shapes:
            b.append(flat[o:o + n].reshape(n, 1))
            o += n
        return W, b

    # ------------------------------------------------------------ parameters in and out
    def set_params(self, params):
        """Copy a tuple of LayerParams(W (n[l], n[l-1]), b (n[l], 1)) into theta."""
        for l, p in enumerate(params):
            np.copyto(self.W[l], np.asarray(p.W).reshape(self.W[l].shape), casting="same_kind")
            np.copyto(self.b[l], np.asarray(p.b).reshape(self.b[l].shape), casting="same_kind")

    def get_params(self):
        """A copy of the parameters: tuple of LayerParams(W (n[l], n[l-1]), b (n[l], 1)), C-ordered."""
        return tuple(LayerParams(W.copy(), b.copy()) for W, b in zip(self.W, self.b))

    def workspace(self, m, dropout=False):
        key = (m, bool(dropout))
        ws = self._workspaces.get(key)
        if ws is None:
            ws = self._workspaces[key] = Workspace(self.layer_dims, m, self.dtype, dropout)
        return ws

    def release(self):
        """Drop the workspaces (before pickling an estimator, say); they are rebuilt on demand."""
        self._workspaces = {}

    # ------------------------------------------------------------ the passes
    def forward(self, ws, X, keep_prob=1.0, rng=None):
        """X (m, n[0]) rows -> A[L] (m, n[L]) rows (a workspace buffer). Dropout when keep_prob < 1."""
        A_prev = X
        for l in range(self.L - 1):
            A = ws.A[l]
            np.matmul(A_prev, self.W[l].T, out=A)  # Z[l]^T (m, n[l])
            np.add(A, self.b[l].T, out=A)  # b[l]^T (1, n[l]) broadcasts over the m rows
            self.g[l].forward(A)  # A[l]^T, in place
            if keep_prob < 1.0:
                D = ws.D[l]
                rng.random(out=D, dtype=D.dtype)
                np.less(D, keep_prob, out=D)  # the mask, 1.0 with probability keep_prob
                np.multiply(D, 1.0 / keep_prob, out=D)  # inverted dropout: E[A D] = A
                A = np.multiply(A, D, out=ws.AD[l])
            A_prev = A
        ZL = ws.ZL
        np.matmul(A_prev, self.W[-1].T, out=ZL)
        np.add(ZL, self.b[-1].T, out=ZL)  # Z[L]^T (m, n[L]): logits
        self.output.activate(ZL, ws.A[-1])
        return ws.A[-1]

    def cost(self, ws, Y, w=None, alpha=0.0):
        """J of the last forward pass: mean (or w-weighted mean) loss + alpha/2 ||W||^2 / sum(w)."""
        total = ws.m if w is None else float(w.sum())
        J = float(self.output.cost_sum(ws.ZL, Y, w)) / total  # host sync: the cost is logged
        if alpha:
            Wflat = self.theta[:self.n_weights]
            J += 0.5 * alpha * float(np.dot(Wflat, Wflat)) / total
        return J

    def backward(self, ws, X, Y, w=None, alpha=0.0, keep_prob=1.0):
        """Fill ``grad`` (dW[l], db[l] for l = 1..L) from the last forward pass. dA[0] is never formed."""
        total = ws.m if w is None else float(w.sum())
        scale = (1.0 / total) if w is None else np.divide(w.reshape(-1, 1), total, out=ws.w_col)
        self.output.delta(ws.A[-1], Y, scale, ws.dZ[-1])  # dZ[L]^T = (A - Y) / m
        for l in range(self.L - 1, -1, -1):  # python index l is layer l+1
            dZ = ws.dZ[l]
            if l < self.L - 1:
                self.g[l].backward(dZ, ws.A[l], ws.S[l])  # dZ[l] = dA[l] * g'(Z[l])
            A_prev = X if l == 0 else (ws.AD[l - 1] if keep_prob < 1.0 else ws.A[l - 1])
            np.matmul(dZ.T, A_prev, out=self.dW[l])  # dW (n[l], n[l-1])
            np.sum(dZ, axis=0, out=self.db[l].reshape(-1))  # db (n[l],)
            if l > 0:
                dA_prev = ws.dZ[l - 1]
                np.matmul(dZ, self.W[l], out=dA_prev)  # dA[l-1]^T (m, n[l-1])
                if keep_prob < 1.0:
                    np.multiply(dA_prev, ws.D[l - 1], out=dA_prev)  # only the kept units pass gradient
        if alpha:
            # L2: J += alpha/(2 m) sum ||W||^2  ->  dW += alpha/m W (scikit-learn's convention)
            tmp = np.multiply(self.theta[:self.n_weights], alpha / total, out=self.scratch)
            np.add(self.grad[:self.n_weights], tmp, out=self.grad[:self.n_weights])
        return self.grad

