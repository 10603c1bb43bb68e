"""The captured training step of the GPU engine: its device buffers, the step itself, and the allocation check.

``CapturedStep.run`` enqueues the work of one batch of size m (gather, forward, output delta, backward,
update: cuBLAS products and the fused kernels of ``cuda_kernels``) on the current stream without any
allocation or host sync, so that ``engine/cuda.py`` can capture it in a CUDA graph and replay it.
``DeviceBuffers`` is everything a replay reads or updates in device memory; ``AllocationCounter``
counts allocations from CuPy's memory pool while a step is captured (there must be none).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import cuda_kernels as K

BLOCK = 256  # threads a block: 8 warps


def cupy_module() -> Any:
    """CuPy, imported on first use (the engine imports without it)."""
    import cupy

    return cupy


class AllocationCounter:
    """A CuPy memory hook counting allocations from the memory pool (a captured step must make none)."""

    def __init__(self) -> None:
        from cupy.cuda import MemoryHook  # on first use, as cupy_module (a base class must be a name to mypy)

        class Hook(MemoryHook):
            name = "LayerwiseAllocationCounter"
            count = 0

            def malloc_postprocess(self, **kwargs: Any) -> None:
                type(self).count += 1

        self.hook = Hook()

    def __enter__(self) -> AllocationCounter:
        self.hook.__enter__()
        return self

    def __exit__(self, *exc: object) -> Any:
        return self.hook.__exit__(*exc)

    @property
    def count(self) -> int:
        return int(type(self.hook).count)


class DeviceBuffers:
    """Device memory a replay reads or updates: order, counters [k, t], hyperparameters, the cost sum."""

    def __init__(self, net: Any, opt: Any, m: int, alpha: float) -> None:
        cp = cupy_module()
        self.order = cp.arange(m, dtype=cp.int64)
        self.ctr = cp.zeros(2, dtype=cp.int64)
        self.hp = cp.zeros(5, dtype=cp.float64)
        self.acc = cp.zeros(1, dtype=cp.float64)
        self.alpha = alpha
        self.v = getattr(opt, "v", net.theta)  # unused by rules without that state
        self.s = getattr(opt, "s", net.theta)


def _rule(opt: Any) -> str:
    """The update kernel's rule: the optimizer's name, "nesterov" for momentum with Nesterov's look-ahead."""
    return "nesterov" if opt.name == "momentum" and opt.nesterov else str(opt.name)


class CapturedStep:
    """The captured work of one batch size m: buffers fixed, so a graph can replay it."""

    def __init__(self, net: Any, opt: Any, X: Any, Y: Any, bufs: DeviceBuffers, m: int, B: int) -> None:
        cp = cupy_module()
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
        self.grid = (int(min(4096, -(-net.size // BLOCK))),)

    def run(self) -> None:
        """Enqueue one step on the current stream (the capturing one): no allocation, no host sync."""
        cp, net, ws, bufs = cupy_module(), self.net, self.ws, self.bufs
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
            (-(-self.m // BLOCK),),
            (BLOCK,),
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
                self.colsum1((1,), (BLOCK,), (dZ, net.db_flat[l], i64(self.m)))
            if l > 0:
                cp.matmul(dZ, net.W[l], out=ws.dZ[l - 1])  # dA[l-1]^T (m, n[l-1])
        v, s = bufs.v, bufs.s
        self.step_k(
            self.grid,
            (BLOCK,),
            (net.theta, net.grad, v, s, bufs.hp, bufs.ctr, bufs.acc, i64(net.size), i64(net.n_weights), self.l2),
        )
        self.end_k((1,), (1,), (bufs.ctr,))


__all__ = ["BLOCK", "AllocationCounter", "CapturedStep", "DeviceBuffers", "cupy_module"]
