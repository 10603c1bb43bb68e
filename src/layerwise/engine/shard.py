"""One process's epoch of data-parallel training: its rows of each global batch, one allreduce per step.

``layerwise.distributed`` builds a ``Shard``: this process holds rows [start, stop) of the m examples;
``order`` is the global order, shuffled by the same seeded generator on every process; each global batch
of ``order`` is split by row ownership, and one step is

    grad_r = gain x (mean gradient over my rows) x weight_r        weight_r: my rows' count or sum of w
    buffer = [grad_r | J_r x weight_r | weight_r]                  one flat vector, P + 2 numbers
    allreduce(buffer)                                              the step's only message: a sum
    grad = buffer[:P] / sum_r weight_r;   optimizer step            the same step on every process

which is one process's step on the whole batch, up to the rounding of the regrouped sums (1e-16
relative). The lead process alone adds the L2 term (alpha/(2m) ||W||^2 once, not once per process).
Dropout masks come from ``mask_rng``, one per process, so the shared ``rng`` only ever orders batches; with
``mask_seed`` (seed, rank) each epoch draws them from a generator seeded by (seed, rank, epoch), so a
resumed run draws the masks the uninterrupted one would have.
A process's share of a shuffled batch varies (about B/N +- sqrt(B/N)); the shard keeps one workspace
per size, at most ``MAX_WORKSPACES`` of them (then they are dropped and rebuilt); the shard holds them.
``shard_epoch`` has ``run_epoch``'s signature once the shard is bound (``functools.partial``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import Array
from .loop import FitConfig, TrainState, current_learning_rate, diverged
from .network import Workspace


@dataclass
class Shard:
    """This process's part of a data-parallel fit: rows [start, stop) of m; ``allreduce(buf)`` sums a flat
    host buffer over the processes in place; ``lead`` (one process) adds L2; ``mask_rng`` draws its dropout."""

    start: int
    stop: int
    m: int
    allreduce: Callable[[Array], Any]
    lead: bool = True
    mask_rng: Any = None
    mask_seed: tuple[int, int] | None = None  # (seed, rank): mask_rng drawn afresh each epoch from it
    buffer: Any = None  # (P + 2,) in the network's dtype, made on first use
    workspaces: dict[int, Workspace] = field(default_factory=dict)  # local batch size -> its Workspace


MAX_WORKSPACES = 16  # a process's share of a shuffled batch varies in size; each size needs its own buffers


def shard_epoch(
    net: Any,
    opt: Any,
    X: Array,
    Y: Array,
    w: Array | None,
    cfg: FitConfig,
    state: TrainState,
    rng: np.random.Generator,
    order: Array,
    shard: Shard,
) -> float:
    """One epoch over this process's rows X, Y, w of the global ``order`` (m,); returns the global cost."""
    o = net.ops
    if shard.mask_seed is not None:  # a generator per process and epoch: a resumed run draws the same masks
        shard.mask_rng = np.random.default_rng([*shard.mask_seed, state.n_iter])
    if cfg.shuffle:
        rng.shuffle(order)  # the same draw on every process: one global order
    lr = current_learning_rate(cfg, state)
    gain = opt.gain(lr)
    o.copyto(net.snapshot, net.theta)
    cost_sum = total_w = 0.0
    for rows in local_batches(order, min(cfg.batch_size, shard.m), cfg.shuffle, shard.start, shard.stop):
        J_w, weight = _reduced_gradient(net, X, Y, w, rows, cfg, gain, shard)
        if not weight > 0:
            continue  # a global batch whose examples all weigh 0 carries no gradient
        if not math.isfinite(J_w):
            diverged(net, net.snapshot, state, J_w, cfg)
        cost_sum += J_w
        total_w += weight
        opt.step(net.theta, net.grad, lr, gain)
    if not o.all_finite(net.theta):
        diverged(net, net.snapshot, state, math.nan, cfg)
    found: float = cost_sum / max(total_w, np.finfo(np.float64).tiny)
    return found


def local_batches(order: Array, B: int, shuffle: bool, start: int, stop: int) -> Iterator[Any]:
    """This process's rows of each global batch of ``order`` (m,): local index arrays, or slices in order.

    A batch [k B, (k+1) B) of the global order keeps the entries in [start, stop), in their order, minus start.
    """
    m = len(order)
    if not shuffle:
        for first in range(0, m, B):
            lo, hi = max(first, start), min(first + B, stop)
            yield slice(lo - start, max(hi, lo) - start)
        return
    mine = (order >= start) & (order < stop)
    local = order[mine] - start
    edges = np.concatenate(([0], np.cumsum(np.add.reduceat(mine, np.arange(0, m, B)))))
    for k in range(len(edges) - 1):
        yield local[edges[k] : edges[k + 1]]


def _workspace(net: Any, shard: Shard, k: int, dropout: bool) -> Workspace:
    """The buffers for a share of k rows: the shard keeps at most MAX_WORKSPACES sizes, then starts afresh."""
    ws = shard.workspaces.get(k)
    if ws is None:
        if len(shard.workspaces) >= MAX_WORKSPACES:
            shard.workspaces.clear()  # bound the memory; the common sizes come back at once
        ws = shard.workspaces[k] = Workspace(net.layer_dims, k, net.dtype, dropout, net.ops)
    return ws


def _reduced_gradient(
    net: Any, X: Array, Y: Array, w: Array | None, rows: Any, cfg: FitConfig, gain: float, shard: Shard
) -> tuple[float, float]:
    """Fill ``net.grad`` with gain x the global batch's gradient; returns (sum of J_r weight_r, sum of weight_r)."""
    o, P = net.ops, net.size
    if shard.buffer is None or shard.buffer.shape[0] != P + 2:
        shard.buffer = o.empty(P + 2, net.dtype)
    buf, alpha = shard.buffer, (cfg.alpha if shard.lead else 0.0)
    k = (rows.stop - rows.start) if isinstance(rows, slice) else len(rows)
    weight = 0.0
    if k:
        ws = _workspace(net, shard, k, cfg.keep_prob < 1.0)
        if isinstance(rows, slice):
            Xb, Yb, wb = X[rows, ...], Y[rows, ...], None if w is None else w[rows]
        else:
            Xb, Yb = o.take_rows(X, rows, out=ws.X), o.take_rows(Y, rows, out=ws.Y)
            wb = None if w is None else o.take_rows(w, rows, out=ws.w)
        weight = k if wb is None else float(o.sum(wb))
    if weight > 0:
        net.forward(ws, Xb, cfg.keep_prob, shard.mask_rng)
        J = net.cost(ws, Yb, wb, alpha)
        net.backward(ws, Xb, Yb, wb, alpha, cfg.keep_prob, gain)
        o.multiply(net.grad, weight, out=buf[:P])  # mean x weight: this process's sum over its examples
        buf[P] = J * weight
    else:
        buf[:] = 0  # (not 0 x buf: a NaN left from an earlier step would survive it)
        if alpha:  # the lead carries the L2 term even with no examples of its own in this batch
            o.multiply(net.W_flat, gain * alpha, out=buf[: net.n_weights])
            buf[P] = 0.5 * alpha * float(o.dot(net.W_flat, net.W_flat))
    buf[P + 1] = weight
    shard.allreduce(buf)  # the one message of the step: gradients, cost and weight together
    J_w, total = float(buf[P]), float(buf[P + 1])
    if total > 0:
        o.divide(buf[:P], total, out=net.grad)
    return J_w, total
