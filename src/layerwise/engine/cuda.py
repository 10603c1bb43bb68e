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
CuPy is imported lazily; TF32 products are engine/precision.py's; the step itself is engine/cuda_step.py's.
"""

from __future__ import annotations

import math
import os
import warnings
from typing import Any

import numpy as np

from .cuda_step import AllocationCounter, CapturedStep, DeviceBuffers, cupy_module
from .loop import current_learning_rate, diverged
from .precision import tf32_products


class GraphCaptureWarning(UserWarning):
    """The training step could not be captured in a CUDA graph; the ordinary loop runs instead."""


def graph_epoch(net: Any, opt: Any, X: Any, Y: Any, w: Any, cfg: Any) -> GraphEpoch | None:
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


class GraphEpoch:
    """``run_epoch`` for the GPU: replays one captured step per batch (a second graph for a short last one)."""

    def __init__(self, net: Any, opt: Any, X: Any, Y: Any, cfg: Any) -> None:
        cp = cupy_module()
        m = X.shape[0]
        self.B, self.m = min(cfg.batch_size, m), m
        self.n_full, tail = divmod(m, self.B)
        self.bufs = DeviceBuffers(net, opt, m, cfg.alpha)
        self.stream = cp.cuda.Stream(non_blocking=True)
        sizes = [self.B] + ([tail] if tail else [])
        self.steps = [CapturedStep(net, opt, X, Y, self.bufs, size, self.B) for size in sizes]
        self.net, self.opt = net, opt
        self.graphs = self._capture()

    def _state(self) -> list[Any]:
        return [
            self.net.theta,
            *(a for a in (getattr(self.opt, "v", None), getattr(self.opt, "s", None)) if a is not None),
        ]

    def _capture(self) -> list[Any]:
        cp = cupy_module()
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
            graphs: list[Any] = []
            with AllocationCounter() as counter:
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

    def _set_scalars(self, lr: float) -> None:
        opt = self.opt
        b1 = getattr(opt, "beta_1", getattr(opt, "beta", 0.0))
        b2 = getattr(opt, "beta_2", 0.0)
        eps = getattr(opt, "epsilon", 0.0)
        self.bufs.hp.set(np.array([lr, b1, b2, eps, 0.5 * self.bufs.alpha], dtype=np.float64))
        self.bufs.ctr.set(np.array([0, opt.t], dtype=np.int64))

    def __call__(
        self, net: Any, opt: Any, X: Any, Y: Any, w: Any, cfg: Any, state: Any, rng: np.random.Generator, order: Any
    ) -> float:
        """One epoch (the signature of ``loop.run_epoch``); returns its cost, a float. Raises DivergenceError."""
        cp = cupy_module()
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
        return float(cost_sum / self.m)


__all__ = ["GraphEpoch", "GraphCaptureWarning", "graph_epoch", "tf32_products"]
