"""Progress reporting: ``fit``'s ``verbose`` 0 (silent), 1 (a bar), 2 (one line per epoch); the search's bar.

``verbose=1`` shows a bar with the cost, the validation score when there is one, and the ETA, updated
once per epoch. Where it goes: in a terminal, a text bar on stderr; in a Jupyter kernel (whose stderr is
no terminal) a notebook widget when ipywidgets is installed (``layerwise[notebook]``), else the same text
bar in the cell's output, never tqdm's "IProgress not found" warning; in a pipe, a log or CI (stderr not
a terminal, not Jupyter) no bar at all; ``TQDM_DISABLE=1`` turns it off everywhere. ``verbose=2`` prints one
line per epoch (iteration, for ``gd``) to stdout, like scikit-learn's ``Iteration i, loss = J``.
When ``tol`` or early stopping ends a fit before ``max_iter``, both say so and why: the bar fills at
the epoch it stopped, is labelled "(stopped early)" and is followed by the line that ``verbose=2``
prints, ``Stopped at epoch N (tol): the training cost did not fall by tol=... for K epochs in a row``.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Literal, TextIO


def bar_enabled(stream: TextIO | None = None) -> bool:
    """True when a bar may be drawn: ``stream`` (stderr) is a terminal and TQDM_DISABLE is not set."""
    if os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    if stream is None and _in_notebook():
        return True
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _in_notebook() -> bool:
    """True inside a Jupyter (IPython kernel) session, where tqdm.auto draws a widget."""
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None)
    ip = get() if get else None
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def _tqdm() -> Any:
    """The bar class: tqdm's notebook widget in Jupyter when ipywidgets is there, else tqdm's text bar."""
    if _in_notebook():
        try:
            import ipywidgets  # noqa: F401  (only asked whether it is there: tqdm's widget needs it)
        except ImportError:
            pass
        else:
            from tqdm.notebook import tqdm as notebook_tqdm

            return notebook_tqdm
    from tqdm.std import tqdm

    return tqdm


def counter_bar(total: int | None, desc: str, unit: str, initial: int = 0, enabled: bool = True) -> Any:
    """A bar counting ``unit``s (the search's trials), drawn where ``bar_enabled()`` says."""
    tqdm = _tqdm()
    return tqdm(total=total, initial=initial, desc=desc, unit=unit, disable=not (enabled and bar_enabled()))


class Progress:
    """Callable once per epoch with the training state (``n_iter``, ``history``); ``close()`` at the end."""

    def __init__(
        self,
        verbose: int = 0,
        total: int | None = None,
        desc: str = "fit",
        tol: float | None = None,
        patience: int | None = None,
    ) -> None:
        self.verbose = int(verbose or 0)
        self.tol, self.patience = tol, patience  # the stopping rule, to say why a fit stopped early
        self._bar = None
        self._stopped: str | None = None  # the line that says why, once training stopped before ``total``
        if self.verbose == 1 and bar_enabled():
            self._bar = _tqdm()(total=total, desc=desc, unit="epoch", leave=True)

    def __call__(self, state: Any) -> None:
        history = state.history
        cost = history["cost"][-1]
        score = history["val_score"][-1] if history.get("val_score") else None
        if self._bar is not None:
            post = {"cost": f"{cost:.6g}"}
            if score is not None:
                post["val_score"] = f"{score:.4f}"
            self._bar.set_postfix(post, refresh=False)
            self._bar.update(1)
        elif self.verbose >= 2:
            line = f"Iteration {state.n_iter}, cost = {cost:.8f}"
            if score is not None:
                line += f", validation score = {score:.6f}"
            print(line, flush=True)
        if getattr(state, "stopped", False) and self.verbose:
            self._stop(state, score is not None)

    def stop_reason(self, state: Any, validating: bool) -> str:
        """One line: at which epoch training stopped early, and the rule that stopped it."""
        what = "validation cost did not fall" if validating else "training cost did not fall"
        rule = f" by tol={self.tol}" if self.tol is not None else ""
        span = f" for {self.patience + 1} epochs in a row" if self.patience is not None else ""
        stop = "early stopping" if validating else "tol"
        return f"Stopped at epoch {state.n_iter} ({stop}): the {what}{rule}{span}"

    def _stop(self, state: Any, validating: bool) -> None:
        self._stopped = self.stop_reason(state, validating)
        if self._bar is not None:  # the bar ends full, at the epoch training stopped, and says so
            self._bar.total = self._bar.n
            container = getattr(self._bar, "container", None)  # the notebook widget keeps its own maximum
            if container is not None:
                container.children[1].max = max(self._bar.n, 1)
            self._bar.set_description(f"{self._bar.desc.rstrip(': ')} (stopped early)")
            self._bar.refresh()
        else:
            print(self._stopped, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            if self._stopped:
                print(self._stopped, file=sys.stderr, flush=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        self.close()
        return False
