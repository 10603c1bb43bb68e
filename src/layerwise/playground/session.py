"""One page's training run: layerwise's engine trains, and each frame reads the network over the plane.

``Session(values)`` draws the data and the weights exactly as ``NeuralNetClassifier`` /
``NeuralNetRegressor(random_state=seed)`` would (``core.init_params`` from a legacy RandomState, then
the shuffling generator from the same stream), so the exported snippet retrains to the same numbers.
``step(n)`` runs n epochs of ``engine.run_epoch``; ``advance(epochs, budget)`` runs at most that many
but stops once ``budget`` seconds are spent, between minibatches (an epoch may end in a later call);
``frame()`` gives the losses, accuracies, weights and the heatmaps: the output and every hidden unit's
activation A[l] over a RES x RES grid, one byte a pixel (-1 -> 0, 0 -> 127.5, 1 -> 255), which
``draw`` fills in ``slices`` of about a budget's time each: no page's job holds the shared worker long.
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

import numpy as np
from sklearn.utils import check_random_state

from .. import core
from .._typing import FloatArray, NDArray
from ..engine import DivergenceError, FitConfig, Network, TrainState, make_optimizer, run_epoch
from .data import FEATURES, CsvData, features, make_dataset
from .settings import layer_activations

RES = 100  # heatmap pixels per side
SLICES = (1, 2, 4, 5, 10, 20, 25, 50, 100)  # the ways to cut the RES rows evenly: few sizes, few workspaces
GRADCHECK_EXAMPLES = 100  # the gradient check runs on the first examples of the training set
# the page's optimizer -> (engine rule, hyperparameters), as the estimators map their solvers
OPTIMIZER_RULES: dict[str, tuple[str, dict[str, Any]]] = {
    "gd": ("gd", {}),
    "sgd": ("momentum", {"beta": 0.9}),
    "rmsprop": ("rmsprop", {"beta": 0.999, "epsilon": 1e-8}),
    "adam": ("adam", {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8}),
}


def _number(x: float | None) -> float | None:
    """A float for JSON, or None when there is none or it is not finite (JSON has no NaN)."""
    return None if x is None or not np.isfinite(x) else float(x)


def _to_bytes(A: FloatArray) -> NDArray[np.uint8]:
    """Values (any shape) -> uint8, clipped to [-1, 1]."""
    return np.rint((np.clip(A, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)


class Session:
    """The data, network, optimizer and counters of one page's run."""

    def __init__(self, values: dict[str, Any], csv_data: CsvData | None = None) -> None:
        v = self.values = values
        self.data = make_dataset(
            v["dataset"], v["points"], v["noise"], v["train_ratio"], v["data_seed"], v["features"], csv_data
        )
        self.task = self.data.task
        self.loss = "binary_crossentropy" if self.task == "classification" else "mse"
        self.X = np.ascontiguousarray(self.data.X_train)  # (m, n[0]) rows, the engine's layout
        self.Y = self.data.y_train.astype(np.float64).reshape(-1, 1)  # (m, 1)
        self.X_test = np.ascontiguousarray(self.data.X_test)
        self.Y_test = self.data.y_test.astype(np.float64).reshape(-1, 1)
        e = self.data.extent
        t = np.linspace(-e, e, RES)
        x1, x2 = np.meshgrid(t, -t)  # row 0 is the top of the picture: x2 = +extent
        self.grid_points = np.c_[x1.ravel(), x2.ravel()]  # (RES^2, 2)
        self.grid = features(self.grid_points, v["features"])  # (RES^2, n[0])
        self.layer_dims = [self.X.shape[1], *v["hidden"], 1]
        self.activations = layer_activations(v)
        self.reset()

    def reset(self) -> None:
        """Fresh weights from the seed; the epoch counter back to 0."""
        v, m = self.values, self.X.shape[0]
        rs = check_random_state(v["seed"])
        params = core.init_params(self.layer_dims, v["init"], rs)  # the course's draws, layer by layer
        self.net = Network(self.layer_dims, self.activations, self.loss)
        self.net.set_params(params)
        self.rng = np.random.default_rng(rs.randint(np.iinfo(np.int32).max))  # as the estimators seed it
        rule, hyper = OPTIMIZER_RULES[v["optimizer"]]
        self.opt = make_optimizer(rule, self.net.size, self.net.dtype, **hyper)
        full = v["optimizer"] == "gd"
        self.cfg = FitConfig(
            batch_size=m if full else min(v["batch_size"], m),
            max_iter=1,
            learning_rate=v["learning_rate"],
            shuffle=not full,
            alpha=v["l2"],
            keep_prob=1.0 - v["dropout"],
            use_tol=False,
        )
        self.chunk_cfg = dataclasses.replace(self.cfg, shuffle=False)  # a chunk arrives already shuffled
        self.state = TrainState(v["learning_rate"])
        self.order = np.arange(m)  # the shuffled order, kept across epochs as engine.train keeps it
        self.done, self.cost_sum = 0, 0.0  # rows of the current epoch trained, and their summed cost
        self.batch_seconds = 2e-4  # a minibatch's measured time, for sizing the next chunk
        self.point_seconds: float | None = None  # a grid point's measured drawing time, for sizing the frame's slices

    @property
    def mid_epoch(self) -> bool:
        """True when an epoch is partly trained (a frame may show it; step and export finish it first)."""
        return self.done > 0

    @property
    def epoch(self) -> int:
        return self.state.n_iter

    def step(self, n: int = 1) -> None:
        """n epochs; raises engine.DivergenceError (parameters restored) when the cost blows up."""
        self.train(self.epoch + n, math.inf)

    def train(self, target: int, budget: float) -> None:
        """Minibatches until ``target`` epochs are complete or ``budget`` seconds have passed (one chunk
        at least, so every call moves on). Raises engine.DivergenceError as run_epoch does.

        An epoch is cut into chunks of whole minibatches: the epoch's shuffle is drawn at its start, as
        run_epoch draws it, and each chunk (rows already in that order) goes to run_epoch unshuffled, so
        the batches, the dropout draws and the updates are exactly one run_epoch's over the epoch.
        """
        m, B = self.X.shape[0], self.cfg.batch_size
        deadline = time.perf_counter() + budget
        while self.epoch < target:
            if self.done == 0 and self.cfg.shuffle:
                self.rng.shuffle(self.order)  # run_epoch's first draw of the epoch
            left = -(-(m - self.done) // B)  # minibatches left in this epoch
            room = (deadline - time.perf_counter()) / self.batch_seconds  # minibatches that fit the budget
            k = max(1, int(min(room, left)))
            rows = slice(self.done, min(m, self.done + k * B))
            idx = self.order[rows] if self.cfg.shuffle else np.arange(m)[rows]
            X, Y = self.X[idx], self.Y[idx]  # (k B, n[0]), (k B, 1): the chunk's rows in the epoch's order
            start = time.perf_counter()
            with np.errstate(all="ignore"):  # run_epoch detects a non-finite cost itself
                cost = run_epoch(self.net, self.opt, X, Y, None, self.chunk_cfg, self.state, self.rng, idx)
            self.batch_seconds = 0.5 * self.batch_seconds + 0.5 * (time.perf_counter() - start) / k
            self.done, self.cost_sum = rows.stop, self.cost_sum + cost * X.shape[0]
            if self.done == m:  # the epoch is complete: count it and record its cost as run_epoch's
                self.state.n_iter += 1
                self.state.history["cost"].append(self.cost_sum / m)
                self.done, self.cost_sum = 0, 0.0
            if time.perf_counter() >= deadline:
                return

    def advance(self, epochs: int, budget: float) -> str | None:
        """The play loop's training job: up to ``epochs`` more epochs within ``budget`` seconds (a partial
        epoch counts as one). Returns the divergence message, or None."""
        try:
            self.train(self.epoch + epochs, budget)
        except DivergenceError as exc:
            return str(exc)
        return None

    def params(self) -> tuple[core.LayerParams, ...]:
        """A copy of the parameters: (LayerParams(W[l] (n[l], n[l-1]), b[l] (n[l], 1)), ...)."""
        return self.net.get_params()

    def evaluate(self, X: FloatArray, Y: FloatArray) -> tuple[float | None, float | None]:
        """(loss, accuracy or None) of the current parameters on X (m, n[0]), Y (m, 1); None, None if m = 0."""
        if X.shape[0] == 0:
            return None, None
        ws = self.net.workspace(X.shape[0])
        with np.errstate(all="ignore"):
            AL = self.net.forward(ws, X)  # (m, 1)
            J = self.net.cost(ws, Y)  # the data loss, without L2, as the course's compute_cost
        accuracy = float(np.mean((AL > 0.5) == (Y > 0.5))) if self.task == "classification" else None
        return J, accuracy

    def frame(self) -> tuple[dict[str, Any], bytes]:
        """(numbers as a JSON-able dict, heatmaps as bytes: output then every hidden unit, RES^2 each)."""
        maps = self.blank_maps()
        self.draw(0, RES * RES, maps)
        return self.numbers(), maps.tobytes()

    def numbers(self) -> dict[str, Any]:
        """A frame's numbers: the epoch, train and test loss and accuracy, the weights."""
        train_loss, train_acc = self.evaluate(self.X, self.Y)
        test_loss, test_acc = self.evaluate(self.X_test, self.Y_test)
        return {
            "type": "frame",
            "epoch": self.epoch,
            "train_loss": _number(train_loss),
            "test_loss": _number(test_loss),
            "train_accuracy": train_acc,
            "test_accuracy": test_acc,
            "W": [W.tolist() for W in self.net.W],
            "b": [b[:, 0].tolist() for b in self.net.b],
        }

    def blank_maps(self) -> NDArray[np.uint8]:
        """The frame's heatmaps to fill: one row of RES^2 bytes for the output, then one per hidden unit."""
        return np.empty((1 + sum(self.layer_dims[1:-1]), RES * RES), np.uint8)

    def draw(self, start: int, stop: int, maps: NDArray[np.uint8]) -> None:
        """Fill maps[:, start:stop], the heatmaps at grid points start:stop; times it for ``slices``."""
        t = time.perf_counter()
        ws = self.net.workspace(stop - start)
        with np.errstate(all="ignore"):
            out = self.net.forward(ws, self.grid[start:stop])  # (stop - start, 1)
        maps[0, start:stop] = _to_bytes(2 * out[:, 0] - 1 if self.task == "classification" else out[:, 0])
        first = 1  # the output's probability 0..1 -> -1..1 above; then each hidden layer's A[l] (n[l], points)
        for A in ws.A[: self.net.L - 1]:
            maps[first : first + A.shape[1], start:stop] = _to_bytes(A.T)
            first += A.shape[1]
        seconds = (time.perf_counter() - t) / (stop - start)
        self.point_seconds = seconds if self.point_seconds is None else 0.5 * (self.point_seconds + seconds)

    def slices(self, budget: float) -> list[tuple[int, int]]:
        """The grid cut in runs of whole picture rows, each drawn in about ``budget`` s at the last draws' pace."""
        need = (self.point_seconds or 0.0) * RES * RES / budget
        k = next((k for k in SLICES if k >= need), SLICES[-1])
        return [(i * RES * RES // k, (i + 1) * RES * RES // k) for i in range(k)]

    def network(self) -> dict[str, Any]:
        """What the page draws once per run: shapes, the points, the feature heatmaps."""
        d, e = self.data, self.data.extent
        scale = {"x1": e, "x2": e, "x1^2": e * e, "x2^2": e * e, "x1x2": e * e, "sin_x1": 1, "sin_x2": 1}
        plane = features(self.grid_points, list(FEATURES))  # every feature, chosen or not, for the drawing
        feats = {f: _to_bytes(plane[:, j] / scale[f]).tolist() for j, f in enumerate(FEATURES)}
        batch = self.X.shape[0] if self.values["optimizer"] == "gd" else self.cfg.batch_size
        return {
            "type": "network",
            "layer_dims": self.layer_dims,
            "activations": self.activations,
            "output": "sigmoid" if self.task == "classification" else "linear",
            "task": self.task,
            "features": self.values["features"],
            "feature_maps": feats,
            "extent": e,
            "res": RES,
            "train": {"x": d.P_train.tolist(), "y": d.y_train.tolist()},
            "test": {"x": d.P_test.tolist(), "y": d.y_test.tolist()},
            "dimensions": dimension_table(self.layer_dims, batch, self.activations),
            "batch": batch,
        }

    def gradient_check(self) -> float:
        """The course's relative error of backprop against central differences, on the current weights
        and the first GRADCHECK_EXAMPLES training examples (data loss: no L2, no dropout)."""
        k = min(GRADCHECK_EXAMPLES, self.X.shape[0])
        return core.check_network(self.X[:k].T, self.Y[:k].T, self.params(), self.activations or "relu", self.loss)


def dimension_table(layer_dims: list[int], m: int, activations: list[str]) -> list[dict[str, Any]]:
    """The course's shapes per layer l = 1..L: W[l], b[l], Z[l], A[l] for a batch of m examples."""
    n, names = layer_dims, [*activations, "output"]
    return [
        {"l": l, "g": names[l - 1], "W": [n[l], n[l - 1]], "b": [n[l], 1], "Z": [n[l], m], "A": [n[l], m]}
        for l in range(1, len(n))
    ]
