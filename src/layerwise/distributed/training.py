"""``fit``: train an estimator on the rows of every process, one synchronous step at a time.

Each process passes its own rows; the fitted estimator comes out the same on every process, and the
same as one process fitting all rows in rank order (up to the rounding of regrouped sums):

- one seeded generator, drawn identically everywhere, gives the initial weights, the validation split
  (over all m rows, stratified on the gathered target) and each epoch's global order;
- each global batch is split by row ownership and its gradients summed in one allreduce
  (``layerwise.engine.shard``); early stopping scores the gathered validation outputs;
- with ``checkpoint`` and ``checkpoint_every=K`` process 0 writes the run's whole state every K epochs
  (``checkpoint.py``); ``resume=True`` continues from it, and the run ends as if never interrupted.

With ``comm=None`` (or one process) this is ``estimator.fit`` itself plus checkpoints.
"""

from __future__ import annotations

import warnings
from functools import partial

import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from .. import core
from ..engine import DivergenceError, Network, Shard, TrainState, make_optimizer, run_epoch, shard_epoch, train
from ..engine.threads import blas_threads_for
from ..estimators import plan
from ..estimators.params import check_params
from ..io import write_atomically
from ..progress import Progress
from . import checkpoint as ckpt
from .comm import SELF, CollectiveError, abort_unless, agree, allreduce_sum
from .stats import check_same, gather_rows, local_part, validation_split


def fit(estimator, X, y, sample_weight=None, comm=None, checkpoint=None, checkpoint_every=0, resume=False):
    """Fit ``estimator`` on this process's rows X (m_r, n_x), y (m_r, ...); returns it, fitted, on every process.

    ``comm``: an mpi4py communicator (``MPI.COMM_WORLD``), or None for one process. Solvers: gd, sgd,
    rmsprop, adam. ``checkpoint``: the checkpoint file (``checkpoint.path_for(model_path)``), written by
    process 0 every ``checkpoint_every`` epochs; ``resume=True`` continues from it when it exists.
    """
    comm = SELF if comm is None else comm
    with abort_unless(comm, ValueError, TypeError):  # (user errors are found on every process alike)
        return _fit(estimator, X, y, sample_weight, comm, checkpoint, checkpoint_every, resume)


def _fit(est, X, y, sample_weight, comm, checkpoint, checkpoint_every, resume):
    rank, size = comm.Get_rank(), comm.Get_size()
    check_params(est)
    if est.solver == "lbfgs" or est.device != "cpu":
        raise ValueError(
            f"distributed and checkpointed training run minibatch solvers (gd, sgd, rmsprop, adam) on "
            f"NumPy arrays, got solver={est.solver!r}, device={est.device!r}"
        )
    X, y, Y, w, y_all, bounds = _rows(comm, est, X, y, sample_weight)
    m, start, stop = bounds[-1], bounds[rank], bounds[rank + 1]
    data = sum(comm.allgather(ckpt.data_digest(X, Y, w, start))) % 2**64 if checkpoint is not None else None
    dtype = X.dtype.type
    seed = (
        est.random_state
        if est.random_state is not None
        else comm.allgather(int(np.random.randint(np.iinfo(np.int32).max)) if rank == 0 else None)[0]
    )
    rs = check_random_state(seed)
    plan.init_network(est, X.shape[1], Y.shape[1], rs, dtype)  # the same draws on every process
    net = Network(est.layer_dims_, est.activations_, est.loss_, dtype)
    net.set_params(est.params_)
    rng = np.random.default_rng(rs.randint(np.iinfo(np.int32).max))
    cfg = plan.fit_config(est, m)
    validate = None
    if est.early_stopping:
        tr, va = validation_split(est, y_all, m, rs)
        mine = local_part(tr, start, stop)
        validate = _validator(est, net, comm, X[local_part(va, start, stop)], y_all[va], va, bounds)
        X, Y, w = X[mine], Y[mine], None if w is None else w[mine]
        start, stop, m = int(np.searchsorted(tr, start)), int(np.searchsorted(tr, stop)), len(tr)
    mask_seed = rs.randint(np.iinfo(np.int32).max) if est.dropout and size > 1 else 0  # after the split's draws
    opt_name, hyper = plan.optimizer(est)
    opt = make_optimizer(opt_name, net.size, net.dtype, **hyper)
    state = est.train_state_ = TrainState(float(est.learning_rate))
    order = np.arange(m)
    fp = ckpt.fingerprint(est, m, size, data)  # the data's digest: another scaling is another run
    if resume and checkpoint is not None:
        order = _resume(comm, checkpoint, fp, net, opt, state, rng, order)
    run = run_epoch
    if size > 1:
        shard = Shard(start, stop, m, allreduce_sum(comm), lead=rank == 0)
        run = partial(_epoch, shard=shard, seed=mask_seed, rank=rank)
    finished = state.stopped  # a checkpoint of the epoch where training stopped: nothing left to run
    epochs = 0 if finished else max(cfg.max_iter - state.n_iter, 0)
    with (
        Progress(est.verbose if rank == 0 else 0, total=cfg.max_iter) as progress,
        blas_threads_for(est.layer_dims_, cfg.batch_size),
    ):
        save = _saver(comm, checkpoint, checkpoint_every, net, opt, rng, order, fp)
        with abort_unless(comm, DivergenceError, CollectiveError):  # the only errors all processes see at once
            train(
                net,
                opt,
                X,
                Y,
                w,
                cfg,
                state,
                rng,
                validate,
                lambda s: (progress(s), save(s)),
                max_epochs=epochs,
                run=run,
                order=order,
            )
    state.stopped = state.stopped or finished
    est.opt_state_ = {
        "name": opt_name,
        **{k: (v.copy() if hasattr(v, "shape") else v) for k, v in opt.state_dict().items()},
    }
    if validate is not None and state.best_theta is not None:
        net.ops.copyto(net.theta, state.best_theta)  # early stopping keeps the best validated weights
        state.best_theta = None
    if not state.stopped and est.solver != "gd" and rank == 0:
        warnings.warn(
            f"{type(est).__name__}: max_iter={est.max_iter} reached and the optimization has not "
            "converged yet; increase max_iter or the learning_rate",
            ConvergenceWarning,
            stacklevel=2,
        )
    plan.store(est, net.get_params())
    return est


def _rows(comm, est, X, y, sample_weight):
    """Validated local rows, encoded against all processes' labels: X, y, Y (m_r, n[L]), w, y_all, bounds.

    ``bounds`` (N + 1,): process r holds the global rows [bounds[r], bounds[r + 1]).

    A step that fails on one process only (a bad value in its rows) stops every process, through ``agree``.
    """
    error, out = None, (None, None)
    try:
        out = validate_data(
            est,
            X,
            y,
            reset=True,
            dtype=plan.float_dtype(est),
            order="C",
            multi_output=True,
            y_numeric=not is_classifier(est),
        )
    except ValueError as exc:
        error = exc
    agree(comm, error)
    X, y = out
    check_same(comm, "the features and dtype", (X.shape[1], X.dtype.str, np.ndim(y)))
    bounds = np.concatenate(([0], np.cumsum(comm.allgather(X.shape[0])))).tolist()
    m, start = bounds[-1], bounds[comm.Get_rank()]
    if m < 2:
        raise ValueError(f"need at least 2 samples to train, got {m} sample(s)")
    y_all = gather_rows(comm, y)
    classes = None if not is_classifier(est) or np.ndim(y_all) == 2 else np.unique(y_all)
    sw = None if sample_weight is None else gather_rows(comm, np.asarray(sample_weight, dtype=np.float64))
    error, Y, w_all = None, None, None
    try:
        # encoded from all processes' rows (classes, the regressor's target scaling), then this process's part
        Y_all = plan.encode_targets(est, y_all, True, classes, X.dtype.type, sample_weight=sw)  # (m, n[L])
        Y = np.ascontiguousarray(Y_all[start : start + X.shape[0]])  # (m_r, n[L])
        w_all = plan.example_weights(est, y_all, sw, m, X.dtype)  # class weights see every label
    except ValueError as exc:
        error = exc
    agree(comm, error)
    w = None if w_all is None else np.ascontiguousarray(w_all[start : start + X.shape[0]])
    return X, y, Y, w, y_all, bounds


def _epoch(net, opt, X, Y, w, cfg, state, rng, order, shard, seed, rank):
    # dropout masks: a generator per process and epoch, so that a resumed run draws the same ones
    shard.mask_rng = np.random.default_rng([seed, rank, state.n_iter])
    return shard_epoch(net, opt, X, Y, w, cfg, state, rng, order, shard)


def _validator(est, net, comm, X_val, y_val, va, bounds):
    """validate() -> (cost, score) of all processes' validation rows, in the order ``va`` of one process.

    Each process forwards its rows of ``va`` in va's order; gathered, they come grouped by process.
    """
    owner = np.searchsorted(bounds, va, side="right") - 1
    position = np.argsort(np.argsort(owner, kind="stable"))  # where each entry of va lands in the gathered rows
    Y_val = plan.encode_targets(est, y_val, False, None, net.dtype.type)
    loss = core.get_loss(est.loss_)

    def validate():
        params = tuple(core.LayerParams(W, b) for W, b in zip(net.W, net.b))
        ZL = np.empty((0, net.layer_dims[-1]), net.dtype)
        if X_val.shape[0]:
            with np.errstate(under="ignore"):
                _, caches = core.model_forward(X_val.T, params, est.activations_, est.loss_)
            ZL = caches[-1].Z.T  # (m_val_r, n[L]): this process's validation logits
        ZL = gather_rows(comm, ZL)[position]
        AL = core.get_activation(loss.output).forward(ZL.T).T
        return float(loss.cost(ZL.T, Y_val.T)), plan.score_outputs(est, AL, y_val)  # host sync: logged

    return validate


def _resume(comm, path, fp, net, opt, state, rng, order):
    """Load ``path`` on process 0, send it to all, check it belongs to this run, restore; returns order."""
    data, error = None, None
    if comm.Get_rank() == 0:
        try:
            data = ckpt.read(path)  # None: nothing saved yet, start from the beginning
        except OSError as exc:
            error = exc
    agree(comm, error)
    data = comm.allgather(data)[0]
    if data is None:
        return order
    arrays, meta = ckpt.decode(path, data)
    ckpt.check(path, meta["fingerprint"], fp)
    return ckpt.restore(arrays, meta, net, opt, state, rng)


def _saver(comm, path, every, net, opt, rng, order, fp):
    """state -> None after each epoch: every ``every`` epochs process 0 writes the checkpoint; all agree it did."""

    def save(state):
        if not path or not every or state.n_iter % every:
            return
        error = None
        if comm.Get_rank() == 0:
            try:
                write_atomically(path, ckpt.encode(net, opt, state, rng, order, fp))
            except OSError as exc:
                error = OSError(f"cannot write the checkpoint {path}: {exc}")
        agree(comm, error)

    return save
