"""Full-batch L-BFGS through ``scipy.optimize.minimize(method="L-BFGS-B")`` on the flat parameters.

The objective is the engine's cost J(theta) with its gradient (one forward and one backward pass
per evaluation); SciPy works in float64 on the host, the network in its own dtype on its own device
(``net.ops`` moves theta in and the gradient out; on NumPy these moves are no-ops).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.optimize import minimize

from .._typing import Array, FloatArray


def fit_lbfgs(
    net: Any,
    X: Array,
    Y: Array,
    w: Array | None,
    alpha: float,
    max_iter: int,
    tol: float,
    max_fun: int = 15000,
    progress: Any = None,
    state: Any = None,
) -> Any:
    """Minimize J over theta from its current value; returns scipy's OptimizeResult.

    Costs of the accepted iterates are appended to ``state.history["cost"]`` (when ``state`` is given).
    """
    o = net.ops
    ws = net.workspace(X.shape[0])
    g64 = np.empty(net.size, dtype=np.float64)

    def fun(x: FloatArray) -> tuple[float, FloatArray]:
        o.copyto(net.theta, x, casting="same_kind")
        net.forward(ws, X)
        J = net.cost(ws, Y, w, alpha)
        if not math.isfinite(J):
            return math.inf, np.zeros_like(g64)  # makes the line search back off
        net.backward(ws, X, Y, w, alpha)
        np.copyto(g64, o.to_host(net.grad))
        return J, g64.copy()

    def callback(intermediate_result: Any) -> None:
        if state is not None:
            state.n_iter += 1
            state.history["cost"].append(float(intermediate_result.fun))
            if progress is not None:
                progress(state)

    with np.errstate(all="ignore"):  # a non-finite cost is handled in fun
        result = minimize(
            fun,
            o.to_host(net.theta).astype(np.float64),
            jac=True,
            method="L-BFGS-B",
            callback=callback,
            options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
        )
    o.copyto(net.theta, result.x, casting="same_kind")
    return result
