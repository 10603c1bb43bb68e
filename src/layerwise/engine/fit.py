"""The engine's one entry: ``fit`` picks the loop, the CUDA graph or L-BFGS, BLAS threads and precision.

The estimator states what to train (network, data, solver, configuration) and gets parameters back;
how the steps run is decided here: on CuPy the captured CUDA-graph epoch where it applies, else the
minibatch loop; L-BFGS through SciPy for ``solver="lbfgs"``; one BLAS thread for small products; TF32
products when asked for on a GPU (refused for float64).

Data-parallel training (``layerwise.distributed``) comes in through two hooks, so it runs this very entry:
``shard`` (a ``Shard``: which rows of each global batch this process holds, and the allreduce that sums
the processes' gradients; the epochs are then ``shard_epoch``) and ``checkpoint`` (a ``Checkpoint``: the
run's state restored before the first epoch and saved after each).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NamedTuple, Protocol

import numpy as np

from .lbfgs import fit_lbfgs
from .loop import DivergenceError, run_epoch, train
from .network import Network
from .ops import host_dtype, ops_for
from .optimizers import make_optimizer
from .precision import precision_scope
from .shard import Shard, shard_epoch
from .threads import blas_threads_for


class Checkpoint(Protocol):
    """The hook that makes a run resumable: ``resume`` before the first epoch, ``save`` after each."""

    def resume(self, net: Network, opt: Any, state: Any, rng: np.random.Generator) -> np.ndarray | None:
        """Put a saved run back into net, opt, state and rng; its example order (m,), or None to start afresh."""

    def save(self, net: Network, opt: Any, state: Any, rng: np.random.Generator, order: np.ndarray) -> None:
        """After each epoch (``state.n_iter`` epochs done): keep what ``resume`` needs, when it is time to."""


class FitResult(NamedTuple):
    params: tuple[Any, ...]  # LayerParams per layer, on the data's device
    opt_state: dict[str, Any] | None  # the optimizer's state for a warm start ({"name": ..., buffers}); None for lbfgs
    converged: bool  # lbfgs: SciPy's status; minibatch solvers: stopped before max_iter
    message: str  # lbfgs: SciPy's message


def _epoch_runner(net: Network, opt: Any, X: Any, Y: Any, w: Any, cfg: Any, shard: Shard | None = None) -> Any:
    """The epoch function: this process's share of each batch with a ``shard``; the GPU's CUDA-graph
    epoch on CuPy where it applies; else the loop's."""
    if shard is not None:
        return partial(shard_epoch, shard=shard)
    if net.ops.name == "cupy":
        from .cuda import graph_epoch

        run = graph_epoch(net, opt, X, Y, w, cfg)
        if run is not None:
            return run
    return run_epoch


def fit(
    layer_dims: Sequence[int],
    activations: Sequence[str],
    loss: str,
    params: Any,
    X: Any,
    Y: Any,
    w: Any,
    cfg: Any,
    state: Any,
    *,
    solver: str,
    hyper: dict[str, Any] | None = None,
    rng: Any = None,
    opt_state: dict[str, Any] | None = None,
    validate: Callable[..., Any] | None = None,
    progress: Callable[[Any], Any] | None = None,
    max_epochs: int | None = None,
    precision: str = "ieee",
    shard: Shard | None = None,
    checkpoint: Checkpoint | None = None,
) -> FitResult:
    """Train from ``params`` on rows X (m, n[0]), Y (m, n[L]), weights w (m,) or None; returns a FitResult.

    ``solver``: "lbfgs", or an engine optimizer name ("gd", "momentum", "rmsprop", "adam") with its
    ``hyper``-parameters; ``cfg`` a FitConfig; ``state`` the TrainState, updated in place (epochs, costs,
    stopping); ``opt_state`` a previous FitResult.opt_state to warm-start the optimizer from;
    ``validate(net)`` -> (val_cost, val_score); ``progress(state)`` after each epoch. A DivergenceError
    carries the restored parameters as ``params``. ``shard`` and ``checkpoint``: the hooks of data-parallel
    and resumable training (above; minibatch solvers only).
    """
    dtype = host_dtype(X.dtype)
    ops = ops_for(X)
    scope = precision_scope(ops, precision, dtype)
    net = Network(layer_dims, activations, loss, dtype, ops=ops)
    net.set_params(params)
    batch = X.shape[0] if solver == "lbfgs" else cfg.batch_size
    try:
        with blas_threads_for(layer_dims, batch), scope:
            if solver == "lbfgs":
                result = fit_lbfgs(net, X, Y, w, cfg.alpha, cfg.max_iter, cfg.tol, progress=progress, state=state)
                return FitResult(net.get_params(), None, result.status != 1, str(result.message))
            hooks = (shard, checkpoint)
            return _fit_minibatch(
                net, X, Y, w, cfg, state, solver, hyper or {}, rng, opt_state, validate, progress, max_epochs, hooks
            )
    except DivergenceError as exc:
        exc.params = net.get_params()
        raise


def _fit_minibatch(
    net: Network,
    X: Any,
    Y: Any,
    w: Any,
    cfg: Any,
    state: Any,
    solver: str,
    hyper: dict[str, Any],
    rng: Any,
    opt_state: dict[str, Any] | None,
    validate: Any,
    progress: Any,
    max_epochs: int | None,
    hooks: tuple[Shard | None, Checkpoint | None],
) -> FitResult:
    shard, checkpoint = hooks
    opt = make_optimizer(solver, net.size, net.dtype, ops=net.ops, **hyper)
    if opt_state is not None and opt_state.get("name") == solver:
        opt.load_state_dict({k: v for k, v in opt_state.items() if k != "name"})  # warm start
    check = None if validate is None else partial(validate, net)
    epoch = _epoch_runner(net, opt, X, Y, w, cfg, shard)
    order = np.arange(X.shape[0] if shard is None else shard.m)  # the global order: all processes' rows
    finished = False
    if checkpoint is not None:
        resumed = checkpoint.resume(net, opt, state, rng)
        order = order if resumed is None else resumed
        finished = state.stopped  # saved in the epoch where training stopped: nothing left to run
        max_epochs = 0 if finished else max(cfg.max_iter - state.n_iter, 0)
        progress = _after_epoch(progress, partial(checkpoint.save, net, opt, rng=rng, order=order))
    train(net, opt, X, Y, w, cfg, state, rng, check, progress, max_epochs=max_epochs, run=epoch, order=order)
    state.stopped = state.stopped or finished
    saved = {
        "name": solver,
        **{k: (net.ops.copy(v) if hasattr(v, "shape") else v) for k, v in opt.state_dict().items()},
    }
    if check is not None and state.best_theta is not None:
        net.ops.copyto(net.theta, state.best_theta)  # early stopping keeps the best validated weights
        state.best_theta = None
    return FitResult(net.get_params(), saved, bool(state.stopped), "")


def _after_epoch(progress: Callable[[Any], Any] | None, save: Callable[..., None]) -> Callable[[Any], None]:
    """progress(state), then save(state=state): the checkpoint is written after the epoch is reported."""

    def after(state: Any) -> None:
        if progress is not None:
            progress(state)
        save(state=state)

    return after


__all__ = ["fit", "FitResult", "Checkpoint"]
