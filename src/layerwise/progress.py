"""Progress reporting: ``fit``'s ``verbose`` 0 (silent), 1 (a bar), 2 (one line per epoch); the search's bar.

``verbose=1`` shows a ``tqdm.auto`` bar (a widget in notebooks) with the cost, the validation score
when there is one, and the ETA, updated once per epoch. It switches itself off when stderr is not a
terminal (logs, pipes, CI) or when the environment sets ``TQDM_DISABLE``; in a Jupyter kernel, whose
stderr is no terminal, the bar is a notebook widget and stays on. ``verbose=2`` prints one
line per epoch (iteration, for ``gd``) to stdout, like scikit-learn's ``Iteration i, loss = J``.
"""
from __future__ import annotations

import os
import sys


def bar_enabled(stream=None):
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


def _in_notebook():
    """True inside a Jupyter (IPython kernel) session, where tqdm.auto draws a widget."""
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None)
    ip = get() if get else None
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def counter_bar(total, desc, unit, initial=0, enabled=True):
    """A ``tqdm.auto`` bar counting ``unit``s (the search's trials), drawn where ``bar_enabled()`` says."""
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit=unit, disable=not (enabled and bar_enabled()))


class Progress:
    """Callable once per epoch with the training state (``n_iter``, ``history``); ``close()`` at the end."""

    def __init__(self, verbose=0, total=None, desc="fit"):
        self.verbose = int(verbose or 0)
        self._bar = None
        if self.verbose == 1 and bar_enabled():
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc=desc, unit="epoch", leave=True)

    def __call__(self, state):
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

    def close(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
