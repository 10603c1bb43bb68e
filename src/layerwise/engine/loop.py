"""The epoch loop: minibatches gathered into buffers, one step each, then schedule and stopping.

One epoch visits every example once, in batches of ``batch_size`` (the last may be smaller):

    for each batch:   A[L] = forward(X_b);  J_b = cost;  grads = backward;  theta = optimizer step
    cost of the epoch = sum_b J_b * (sum of w in b) / (sum of w)        (scikit-learn's loss_curve_)

With full-batch ``gd`` this is exactly the course's loop: one batch, the cost of the forward pass
before each update. Batches are gathered with ``take(..., out=buffer)`` from the row-major data (the
order is a permuted index, never a permuted copy of the data); without shuffling they are views. The
order is drawn on the host (NumPy's generator) and moved to the data's device once per epoch, so every
array library visits the examples in the same order; all array work goes through ``net.ops``.

Stopping follows scikit-learn's MLP: with ``tol`` on the training cost (or, when validating, on the
validation cost, relative where it exceeds 1, and keeping the weights of its best epoch) an epoch that
does not improve by ``tol`` counts; after more than
``n_iter_no_change`` such epochs in a row training stops (``adaptive`` first divides the learning
rate by 5 each time, until it is below 1e-6).

Checkpoints need nothing more than ``TrainState``, the optimizer's state, the generator's state and
``order``, which ``train`` takes back on resume. Data-parallel epochs are ``shard.shard_epoch``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import Array

GROWTH_LIMIT = 10.0  # a cost above this many times its starting value means divergence (see ``diverging``)


class DivergenceError(ValueError):
    """The cost became non-finite or grew far above its start; the parameters are those before that epoch."""

    params: Any  # set by ``fit`` on the way out: the parameters before the diverging epoch


@dataclass
class FitConfig:
    batch_size: int
    max_iter: int
    learning_rate: float
    schedule: str = "constant"  # constant | invscaling | adaptive
    shuffle: bool = True
    alpha: float = 0.0  # L2
    keep_prob: float = 1.0  # 1 - dropout
    tol: float = 1e-4
    n_iter_no_change: int = 10
    use_tol: bool = True  # False for the course's gd: exactly max_iter iterations


@dataclass
class TrainState:
    """What training remembers between epochs (and between warm-started fits)."""

    learning_rate: float
    n_iter: int = 0
    history: dict[str, Any] = field(default_factory=lambda: {"cost": []})
    best_loss: float = math.inf
    best_score: float = -math.inf
    no_improve: int = 0
    best_theta: np.ndarray | None = None
    stopped: bool = False
    start_cost: float | None = None  # the first batch's cost: the reference of the divergence rule


def current_learning_rate(cfg: FitConfig, state: TrainState) -> float:
    if cfg.schedule == "invscaling":
        return cfg.learning_rate / math.sqrt(state.n_iter + 1)  # epoch k (0-based): alpha0 / sqrt(k + 1)
    return state.learning_rate


def run_epoch(
    net: Any,
    opt: Any,
    X: Array,
    Y: Array,
    w: Array | None,
    cfg: FitConfig,
    state: TrainState,
    rng: np.random.Generator,
    order: Any,
) -> float:
    """One pass over X (m, n_x), Y (m, n[L]), w (m,) or None; returns the epoch's cost (a float).

    ``order`` is an int index buffer (m,) on the host, reused across epochs. Raises DivergenceError,
    restoring theta.
    """
    o = net.ops
    m = X.shape[0]
    B = min(cfg.batch_size, m)
    if cfg.shuffle:
        rng.shuffle(order)
        order_d = o.from_host(order)  # NumPy: order itself; a device: one copy per epoch
    lr = current_learning_rate(cfg, state)
    gain = opt.gain(lr)  # the optimizer's first factor, applied by backward with the 1/m (one pass fewer)
    snapshot = net.snapshot  # restore point if this epoch diverges
    o.copyto(snapshot, net.theta)
    total_w = m if w is None else max(float(o.sum(w)), np.finfo(np.float64).tiny)
    cost_sum = 0.0
    for start in range(0, m, B):
        stop = min(start + B, m)
        ws = net.workspace(stop - start, dropout=cfg.keep_prob < 1.0)
        if cfg.shuffle:
            idx = order_d[start:stop]
            Xb = o.take_rows(X, idx, out=ws.X)
            Yb = o.take_rows(Y, idx, out=ws.Y)
            wb = None if w is None else o.take_rows(w, idx, out=ws.w)
        else:
            Xb, Yb, wb = X[start:stop, ...], Y[start:stop, ...], None if w is None else w[start:stop]
        weight = (stop - start) if wb is None else float(o.sum(wb))
        if not weight > 0:
            continue  # a batch whose examples all weigh 0 carries no gradient
        net.forward(ws, Xb, cfg.keep_prob, rng)
        J = net.cost(ws, Yb, wb, cfg.alpha)
        if diverging(J, state):
            diverged(net, snapshot, state, J, cfg)
        cost_sum += J * weight
        net.backward(ws, Xb, Yb, wb, cfg.alpha, cfg.keep_prob, gain)
        opt.step(net.theta, net.grad, lr, gain)
    if not o.all_finite(net.theta):
        diverged(net, snapshot, state, math.nan, cfg)
    found: float = cost_sum / total_w
    return found


def diverging(J: float, state: TrainState) -> bool:
    """True when the cost J (a batch's or an epoch's) shows divergence; the first J seen is the start.

    The rule: J is not finite, or J > GROWTH_LIMIT x the starting cost (the first batch's cost with the
    starting weights). Cross-entropy from logits stays finite however far the weights run off, so the
    growth rule is what catches a classifier that diverged; a fit that is learning never gets there.
    """
    if state.start_cost is None and math.isfinite(J):
        state.start_cost = J
    return not math.isfinite(J) or (state.start_cost is not None and 0 < state.start_cost < J / GROWTH_LIMIT)


def diverged(net: Any, snapshot: Array, state: TrainState, J: float, cfg: FitConfig) -> None:
    """Restore theta from ``snapshot`` (the epoch's start) and raise DivergenceError naming the epoch."""
    net.ops.copyto(net.theta, snapshot)
    what = (
        f"became {J}"
        if not math.isfinite(J)
        else f"grew to {J:.6g}, more than {GROWTH_LIMIT:g} times its starting value {state.start_cost:.6g},"
    )
    raise DivergenceError(
        f"training diverged: the cost {what} in epoch {state.n_iter + 1}; training stopped and the parameters "
        f"were left as they were before that epoch. The learning rate ({cfg.learning_rate}) is probably too "
        "large or the features are not scaled: try a smaller learning_rate (for example a tenth) or "
        "standardize X (for example with sklearn.preprocessing.StandardScaler)"
    )


def end_epoch(net: Any, cfg: FitConfig, state: TrainState, cost: float, val: tuple[float, float] | None = None) -> bool:
    """Record the epoch, update the schedule and the stopping counters; returns True to stop.

    ``val`` is (val_cost, val_score) when validating, else None.
    """
    state.n_iter += 1
    state.history["cost"].append(cost)
    if val is not None:
        state.history.setdefault("val_cost", []).append(val[0])
        state.history.setdefault("val_score", []).append(val[1])
        # the validation loss is smooth where a score (accuracy on a few rows) moves in steps
        val_cost = val[0]
        if val_cost > state.best_loss - cfg.tol * max(1.0, abs(state.best_loss)):
            state.no_improve += 1
        else:
            state.no_improve = 0
        if val_cost < state.best_loss:
            state.best_loss, state.best_score = val_cost, val[1]
            state.best_theta = net.ops.copy(net.theta)
    else:
        if cost > state.best_loss - cfg.tol:
            state.no_improve += 1
        else:
            state.no_improve = 0
        state.best_loss = min(state.best_loss, cost)
        if not cfg.use_tol:
            state.no_improve = 0
    if state.no_improve > cfg.n_iter_no_change:
        if cfg.schedule == "adaptive" and state.learning_rate > 1e-6:
            state.learning_rate /= 5
            state.no_improve = 0
            return False
        state.stopped = True
        return True
    return False


def train(
    net: Any,
    opt: Any,
    X: Array,
    Y: Array,
    w: Array | None,
    cfg: FitConfig,
    state: TrainState,
    rng: np.random.Generator,
    validate: Callable[[], tuple[float, float]] | None = None,
    progress: Any = None,
    max_epochs: int | None = None,
    run: Callable[..., float] | None = None,
    order: Any = None,
) -> TrainState:
    """Epochs until stopping or ``max_epochs`` (default cfg.max_iter); returns the state.

    ``validate()`` -> (val_cost, val_score) on the current parameters; ``progress(state)`` after each epoch
    (a checkpoint reads ``order`` and ``rng`` there); ``run`` the epoch function, ``run_epoch``'s signature
    (default ``run_epoch``; the GPU passes its graph's); ``order`` the (m,) order buffer, carried over from
    a checkpoint on resume (default: arange over X's rows).
    """
    run = run_epoch if run is None else run
    order = np.arange(X.shape[0]) if order is None else order
    state.stopped = False
    for _ in range(cfg.max_iter if max_epochs is None else max_epochs):
        with np.errstate(all="ignore"):  # a non-finite cost is detected and reported by run_epoch itself
            cost = run(net, opt, X, Y, w, cfg, state, rng, order)
        if diverging(cost, state):  # the epoch's cost, for epoch functions that check no batch (the GPU's)
            diverged(net, net.snapshot, state, cost, cfg)
        stop = end_epoch(net, cfg, state, cost, validate() if validate is not None else None)
        if progress is not None:
            progress(state)
        if stop:
            break
    return state
