"""Samplers: grid, random and Optuna's TPE, all driven ask-and-tell from the main process.

Every sampler keeps an in-memory Optuna study, so pruning on the learning curve (a median rule on the
validation score reported after each rung of epochs) and resuming from a results table work the same
way for all three. Grid and random propose their own parameters (enqueued into the study, so the
study sees them as ordinary trials); TPE lets Optuna propose.

Interface: ``ask() -> Proposal | None``, ``report(proposal, step, score) -> prune?``,
``tell(proposal, score, state)``, ``resume(rows)`` with the finished rows of an earlier run.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, NamedTuple

from sklearn.utils import check_random_state

from .results import display  # Optuna's categorical choices: scalars as they are, the rest as JSON text
from .space import Dimension, canonical


class Proposal(NamedTuple):
    number: int  # the trial number in the results table
    params: dict[str, Any]  # name -> value as stored (lists stay lists)
    handle: Any  # the optuna Trial


def _optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise ImportError("hyperparameter search needs optuna and dask: pip install 'layerwise[search]'") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def _distribution(dim: Dimension) -> Any:
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    if dim.kind in ("values", "choice"):
        return CategoricalDistribution([display(v) for v in dim.spec])
    if dim.kind == "int":
        return IntDistribution(*dim.spec)
    low, high = dim.spec
    return FloatDistribution(low, high, log=dim.kind == "loguniform")


class Sampler:
    """Base: an Optuna study with a median pruner; subclasses say which parameters come next."""

    def __init__(self, space: dict[str, Dimension], n_trials: int, seed: int, prune: bool) -> None:
        optuna = _optuna()
        self.space, self.n_trials, self.seed = space, n_trials, seed
        self.dists = {name: _distribution(dim) for name, dim in space.items()}
        pruner = (
            optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=0) if prune else optuna.pruners.NopPruner()
        )
        self.study = optuna.create_study(direction="maximize", sampler=self._optuna_sampler(optuna), pruner=pruner)
        self.done: set[int] = set()  # trial numbers finished in an earlier run
        self.issued = 0  # proposals handed out in this run

    def _optuna_sampler(self, optuna: Any) -> Any:
        return optuna.samplers.RandomSampler(seed=self.seed)

    def _decode(self, params: dict[str, Any]) -> dict[str, Any]:
        """Optuna's values back to the space's (JSON text of a categorical back to its list)."""
        out = {}
        for name, v in params.items():
            dim = self.space[name]
            out[name] = {display(c): c for c in dim.spec}[v] if dim.kind in ("values", "choice") else v
        return out

    def resume(self, rows: list[dict[str, Any]]) -> None:
        """Feed finished rows (dicts with number, params JSON, status, score, steps) to the study."""
        optuna = _optuna()
        for row in rows:
            params = json.loads(row["params"])
            encoded = {k: display(params[k]) for k in self.dists}
            state = optuna.trial.TrialState.PRUNED if row["status"] == "pruned" else optuna.trial.TrialState.COMPLETE
            inter = {int(row["n_iter"]): row["score"]} if state == optuna.trial.TrialState.PRUNED else None
            self.study.add_trial(
                optuna.trial.create_trial(
                    params=encoded, distributions=self.dists, value=row["score"], state=state, intermediate_values=inter
                )
            )
            self.done.add(int(row["number"]))

    def _next(self) -> tuple[int, dict[str, Any] | None] | None:
        """(number, params) of the next trial to run, or None; subclasses implement."""
        raise NotImplementedError

    def ask(self) -> Proposal | None:
        nxt = self._next()
        if nxt is None:
            return None
        number, params = nxt
        if params is not None:
            self.study.enqueue_trial({k: display(v) for k, v in params.items()})
        trial = self.study.ask(self.dists)
        self.issued += 1
        return Proposal(number, self._decode(trial.params), trial)

    def report(self, proposal: Proposal, step: int, score: float) -> bool:
        """Record a learning-curve point; True when the trial should stop (pruned)."""
        proposal.handle.report(score, step)
        prune: bool = proposal.handle.should_prune()
        return prune

    def tell(self, proposal: Proposal, score: float | None, status: str) -> None:
        optuna = _optuna()
        states = {
            "ok": optuna.trial.TrialState.COMPLETE,
            "pruned": optuna.trial.TrialState.PRUNED,
            "failed": optuna.trial.TrialState.FAIL,
        }
        self.study.tell(proposal.handle, score if status == "ok" else None, state=states[status])


class _ListSampler(Sampler):
    """A fixed sequence of parameter sets, trial i gets the i-th; finished ones are skipped on resume."""

    def _candidates(self, count: int) -> list[dict[str, Any]]:
        """The first ``count`` parameter sets of the sequence (fewer when a grid runs out)."""
        raise NotImplementedError

    def resume(self, rows: list[dict[str, Any]]) -> None:
        # rows from an earlier run with more trials are checked too: the sequence does not depend on n_trials
        listed = self._candidates(max([self.n_trials] + [int(r["number"]) + 1 for r in rows]))
        for row in rows:
            i = int(row["number"])
            if i >= len(listed) or canonical(listed[i]) != canonical(json.loads(row["params"])):
                raise ValueError(
                    f"results table row {i} has params {row['params']}, but this space and seed give "
                    f"{canonical(listed[i]) if i < len(listed) else 'no such trial'}; "
                    "use a new results file (or the same space, sampler and seed)"
                )
        super().resume([r for r in rows if int(r["number"]) < self.n_trials])

    def _next(self) -> tuple[int, dict[str, Any] | None] | None:
        if not hasattr(self, "_listed"):
            self._listed = self._candidates(self.n_trials)
        listed = self._listed
        while True:
            i = getattr(self, "_cursor", 0)
            if i >= len(listed):
                return None
            self._cursor = i + 1
            if i not in self.done:
                return i, listed[i]


class GridSampler(_ListSampler):
    """Every combination of the values (itertools.product order); n_trials takes the first ones."""

    def _candidates(self, count: int) -> list[dict[str, Any]]:
        names = list(self.space)
        combos = itertools.product(*(self.space[n].grid() for n in names))
        return [dict(zip(names, c)) for c in itertools.islice(combos, count)]


class RandomSampler(_ListSampler):
    """Independent draws from a RandomState(seed), parameter by parameter in space order: the first
    n trials are the same whatever the number of trials asked for."""

    def _candidates(self, count: int) -> list[dict[str, Any]]:
        if len(getattr(self, "_draws", ())) < count:
            rng = check_random_state(self.seed)
            self._draws = [{n: d.sample(rng) for n, d in self.space.items()} for _ in range(count)]
        return self._draws[:count]


class TPESampler(Sampler):
    """Optuna's tree-structured Parzen estimator; the constant liar spreads out parallel proposals."""

    def _optuna_sampler(self, optuna: Any) -> Any:
        return optuna.samplers.TPESampler(seed=self.seed, constant_liar=True)

    def _next(self) -> tuple[int, dict[str, Any] | None] | None:
        if len(self.done) + self.issued >= self.n_trials:
            return None
        number = getattr(self, "_last", -1) + 1  # the lowest number not finished nor handed out
        while number in self.done:
            number += 1
        self._last = number
        return number, None


SAMPLERS = {"grid": GridSampler, "random": RandomSampler, "tpe": TPESampler}


def grid_size(space: dict[str, Dimension]) -> int:
    """Number of combinations of a space that has a grid."""
    n = 1
    for dim in space.values():
        n *= len(dim.grid())
    return n


def make_sampler(
    name: str, space: dict[str, Dimension], n_trials: int | None, seed: int = 0, prune: bool = False
) -> Sampler:
    if name not in SAMPLERS:
        raise ValueError(f"sampler must be one of {sorted(SAMPLERS)}, got {name!r}")
    if n_trials is None:
        if name != "grid":
            raise ValueError(f"the {name} sampler needs a number of trials (n_trials / --trials N)")
        n_trials = grid_size(space)
    if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1:
        raise ValueError(f"n_trials must be a positive integer, got {n_trials!r}")
    if name == "grid":
        grid_size(space)  # raises a clear error for continuous ranges
    return SAMPLERS[name](space, n_trials, seed, prune)
