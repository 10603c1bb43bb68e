"""The GPU engine: a whole training step captured in a CUDA graph and replayed once per minibatch.

On small batches a GPU waits for kernel launches, not arithmetic: the NumPy-style step issues about 40
launches, each costing microseconds of Python and driver time. Here one step is

    gather X_b, Y_b on the device (index buffer ``order``, batch number k in device memory)
    l = 1..L-1:  Z = A_prev W^T (cuBLAS);  A = g(Z + b)            one fused kernel per layer
    Z[L] = A W^T;  dZ[L] = (softmax/sigmoid/identity(Z[L] + b) - Y) / m, loss summed   one fused kernel
    l = L..1:    dW = dZ^T A_prev;  db = 1^T dZ;  dA = dZ W;  dZ = dA * g'(A)   cuBLAS + one fused kernel
    theta -= optimizer(grad + alpha/m W), alpha/2 ||W||^2 added to the cost         one fused kernel
    k += 1, t += 1

captured once (``Stream.begin_capture`` / ``end_capture``) and replayed with ``Graph.launch``: one
launch per batch. Everything a replay must change lives in device memory: the shuffled order (copied
in once per epoch), k and the optimizer's t (counters the graph increments), the learning rate and
hyperparameters, the epoch's summed cost (read once per epoch, the only host sync). The captured step
allocates nothing; a memory hook checks that, and any failure to capture falls back to the engine's
ordinary loop on CuPy (a ``GraphCaptureWarning`` says why). ``LAYERWISE_CUDA_GRAPHS=0`` turns graphs off.

Used for minibatch solvers without sample weights or dropout; those run the ordinary loop on CuPy.
CuPy is imported lazily; TF32 products are engine/precision.py's.
"""

from __future__ import annotations

import math
import os
import warnings

import numpy as np

from . import cuda_kernels as K
from .loop import current_learning_rate, diverged
from .precision import tf32_products

_BLOCK = 256


class GraphCaptureWarning(UserWarning):
    """The training step could not be captured in a CUDA graph; the ordinary loop runs instead."""


def _cupy():
    import cupy

    return cupy


def graph_epoch(net, opt, X, Y, w, cfg):
    """A ``run_epoch``-compatible function replaying a captured step, or None where graphs do not apply."""
    if (
        os.environ.get("LAYERWISE_CUDA_GRAPHS", "1") == "0"
        or w is not None
        or cfg.keep_prob < 1.0
        or opt.name not in ("gd", "momentum", "nesterov", "rmsprop", "adam")
    ):
        return None
    try:
        return GraphEpoch(net, opt, X, Y, cfg)
    except Exception as exc:  # any capture problem: the ordinary loop is always correct
        warnings.warn(
            f"the training step could not be captured in a CUDA graph ({type(exc).__name__}: {exc}); "
            "training runs the ordinary loop on the GPU instead",
            GraphCaptureWarning,
            stacklevel=2,
        )
        return None


class _AllocationCounter:
    """A CuPy memory hook counting allocations from the memory pool (a captured step must make none)."""

    def __init__(self):
        cp = _cupy()

        class Hook(cp.cuda.MemoryHook):
            name = "LayerwiseAllocationCounter"
            count = 0

            def malloc_postprocess(self, **kwargs):
                type(self).count += 1

        self.hook = Hook()

    def __enter__(self):
        self.hook.__enter__()
        return self

    def __exit__(self, *exc):
        return self.hook.__exit__(*exc)

    @property
    def count(self):
        return type(self.hook).count


class _Step:
    """The captured work of one batch size m: buffers fixed, so a graph can replay it."""

    def __init__(self, net, opt, X, Y, bufs, m, B):
        cp = _cupy()
        self.net, self.opt, self.X, self.Y, self.bufs, self.m, self.B = net, opt, X, Y, bufs, m, B
        self.ws = net.workspace(m)
        self.ones = cp.ones((m, 1), dtype=net.dtype)  # db = dZ^T 1 as a product (m, 1)
        self.b_flat = [cp.reshape(b, (-1,)) for b in net.b]  # (n[l],) views of the biases
        self.Xf, self.Yf = cp.reshape(X, (-1,)), cp.reshape(Y, (-1,))  # flat views: the gather indexes by hand
        mod = K.step_module(_rule(opt), net.dtype)
        self.step_k, self.end_k, self.colsum1 = (mod.get_function(n) for n in ("lw_step", "lw_step_end", "lw_colsum1"))
        self.out_k = K.output(net.output.name, net.dtype)
        self.fwd = [K.bias_act(g.name) for g in net.g]
        self.bwd = [K.act_grad(g.name) for g in net.g]
        self.gather = K.gather()
        T = net.dtype.type
        self.scale, self.l2 = T(1.0 / m), np.float64(bufs.alpha / m)
        self.grid = (int(min(4096, -(-net.size // _BLOCK))),)

    def run(self):
        """Enqueue one step on the current stream (the capturing one): no allocation, no host sync."""
        cp, net, ws, bufs = _cupy(), self.net, self.ws, self.bufs
        i64 = np.int64
        self.gather(self.Xf, bufs.order, bufs.ctr, i64(self.B), i64(self.X.shape[1]), ws.X)
        self.gather(self.Yf, bufs.order, bufs.ctr, i64(self.B), i64(self.Y.shape[1]), ws.Y)
        A_prev = ws.X
        for l in range(net.L - 1):
            cp.matmul(A_prev, net.W[l].T, out=ws.A[l])  # Z[l]^T (m, n[l])
            self.fwd[l](self.b_flat[l], i64(net.layer_dims[l + 1]), ws.A[l])  # A = g(Z + b), in place
            A_prev = ws.A[l]
        cp.matmul(A_prev, net.W[-1].T, out=ws.ZL)  # logits without b[L] (m, n[L])
        n_L = net.layer_dims[-1]
        self.out_k(
            (-(-self.m // _BLOCK),),
            (_BLOCK,),
            (ws.ZL, self.b_flat[-1], ws.Y, ws.dZ[-1], bufs.acc, self.scale, i64(self.m), i64(n_L)),
        )
        for l in range(net.L - 1, -1, -1):
            dZ = ws.dZ[l]
            if l < net.L - 1 and self.bwd[l] is not None:
                self.bwd[l](ws.A[l], dZ)  # dZ = dA * g'(Z), in place
            A_prev = ws.X if l == 0 else ws.A[l - 1]
            cp.matmul(dZ.T, A_prev, out=net.dW[l])  # dW (n[l], n[l-1])
            if dZ.shape[1] > 1:
                cp.matmul(dZ.T, self.ones, out=net.db[l])  # db (n[l], 1); CuPy takes dZ^T as dZ, transposed
            else:
                self.colsum1((1,), (_BLOCK,), (dZ, net.db_flat[l], i64(self.m)))
            if l > 0:
                cp.matmul(dZ, net.W[l], out=ws.dZ[l - 1])  # dA[l-1]^T (m, n[l-1])
        v, s = bufs.v, bufs.s
        self.step_k(
            self.grid,
            (_BLOCK,),
            (net.theta, net.grad, v, s, bufs.hp, bufs.ctr, bufs.acc, i64(net.size), i64(net.n_weights), self.l2),
        )
        self.end_k((1,), (1,), (bufs.ctr,))


def _rule(opt):
    return "nesterov" if opt.name == "momentum" and opt.nesterov else opt.name


class _Buffers:
    """Device memory a replay reads or updates: order, counters [k, t], hyperparameters, the cost sum."""

    def __init__(self, net, opt, m, alpha):
        cp = _cupy()
        self.order = cp.arange(m, dtype=cp.int64)
        self.ctr = cp.zeros(2, dtype=cp.int64)
        self.hp = cp.zeros(5, dtype=cp.float64)
        self.acc = cp.zeros(1, dtype=cp.float64)
        self.alpha = alpha
        self.v = getattr(opt, "v", net.theta)  # unused by rules without that state
        self.s = getattr(opt, "s", net.theta)


class GraphEpoch:
    """``run_epoch`` for the GPU: replays one captured step per batch (a second graph for a short last one)."""

    def __init__(self, net, opt, X, Y, cfg):
        cp = _cupy()
        m = X.shape[0]
        self.B, self.m = min(cfg.batch_size, m), m
        self.n_full, tail = divmod(m, self.B)
        self.bufs = _Buffers(net, opt, m, cfg.alpha)
        self.stream = cp.cuda.Stream(non_blocking=True)
        sizes = [self.B] + ([tail] if tail else [])
        self.steps = [_Step(net, opt, X, Y, self.bufs, size, self.B) for size in sizes]
        self.net, self.opt = net, opt
        self.graphs = self._capture()

    def _state(self):
        return [
            self.net.theta,
            *(a for a in (getattr(self.opt, "v", None), getattr(self.opt, "s", None)) if a is not None),
        ]

    def _capture(self):
        cp = _cupy()
        self._set_scalars(0.0)
        saved = [a.copy() for a in self._state()]
        self.stream.wait_event(cp.cuda.get_current_stream().record())
        with self.stream:
            for step in self.steps:  # warm-up: compiles the kernels, readies cuBLAS, outside any capture
                step.run()
            for a, b in zip(self._state(), saved):
                a[...] = b  # the warm-up's update is undone
            self.bufs.ctr.fill(0)
            self.bufs.acc.fill(0)
            self.stream.synchronize()
            graphs = []
            with _AllocationCounter() as counter:
                for step in self.steps:
                    self.stream.begin_capture()
                    try:
                        step.run()
                    finally:
                        graph = self.stream.end_capture()
                    graphs.append(graph)
            if counter.count:
                raise RuntimeError(f"the captured step allocated {counter.count} time(s) from CuPy's memory pool")
        return graphs

    def _set_scalars(self, lr):
        opt = self.opt
        b1 = getattr(opt, "beta_1", getattr(opt, "beta", 0.0))
        b2 = getattr(opt, "beta_2", 0.0)
        eps = getattr(opt, "epsilon", 0.0)
        self.bufs.hp.set(np.array([lr, b1, b2, eps, 0.5 * self.bufs.alpha], dtype=np.float64))
        self.bufs.ctr.set(np.array([0, opt.t], dtype=np.int64))

    def __call__(self, net, opt, X, Y, w, cfg, state, rng, order):
        """One epoch (the signature of ``loop.run_epoch``); returns its cost, a float. Raises DivergenceError."""
        cp = _cupy()
        if cfg.shuffle:
            rng.shuffle(order)  # on the host, the same draws as the CPU loop
        self.stream.wait_event(cp.cuda.get_current_stream().record())  # after work queued elsewhere (copies)
        with self.stream:
            self.bufs.order.set(order)
            self._set_scalars(current_learning_rate(cfg, state))
            self.bufs.acc.fill(0)
            cp.copyto(net.snapshot, net.theta)  # restore point if this epoch diverges
            for _ in range(self.n_full):
                self.graphs[0].launch(self.stream)
            if len(self.graphs) > 1:
                self.graphs[1].launch(self.stream)
            cost_sum = float(self.bufs.acc.get()[0])  # the epoch's one host sync: the cost is logged
            finite = bool(cp.isfinite(net.theta).all())
        opt.t += self.n_full + (len(self.graphs) > 1)
        if not (math.isfinite(cost_sum) and finite):
            with self.stream:
                diverged(net, net.snapshot, state, cost_sum, cfg)
        return cost_sum / self.m


__all__ = ["GraphEpoch", "GraphCaptureWarning", "graph_epoch", "tf32_products"]
