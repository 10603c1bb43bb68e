"""The JAX contenders in their expert forms (CPU): a jit-compiled training step called once per batch
(``jax-step``), and a whole epoch jit-compiled as one ``lax.scan`` over the batches (``jax-scan``).

Parameters are a list of (W (n[l-1], n[l]), b (n[l],)), the layout JAX's own examples use (stax), made
from the same initial weights as the other contenders. The batch is gathered inside the compiled code
from the data put on the device once (``X[idx]``), buffers are donated, and both forms are compiled
ahead of the timed run (``lower(...).compile()``); the compile time is reported apart. A last, shorter
batch (60,000 = 234 x 256 + 96) is one more call of the step compiled for its shape.
"""

from __future__ import annotations

import os
import time

import numpy as np


def setup(threads):
    """Import JAX with float64 allowed; XLA's intra-op pool limited when ``threads`` < the cores."""
    if threads and threads < (os.cpu_count() or threads):
        os.environ["XLA_FLAGS"] = (
            os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false "
            f"intra_op_parallelism_threads={threads}"
        ).strip()
    import jax

    jax.config.update("jax_enable_x64", True)  # float64 runs; float32 arrays stay float32
    jax.config.update("jax_platforms", "cpu")


def _fns(solver, learning_rate, b1=0.9, b2=0.999, eps=1e-8):
    """(init_opt, step, epoch): pure functions of (params, opt, X, y, idx) -> (params, opt)."""
    import jax
    import jax.numpy as jnp

    def logits(params, X):
        A = X
        for W, b in params[:-1]:
            A = jax.nn.relu(A @ W + b)  # (m, n[l])
        W, b = params[-1]
        return A @ W + b  # (m, n[L])

    def loss(params, X, y):
        logp = jax.nn.log_softmax(logits(params, X))
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    def init_opt(params):
        if solver != "adam":
            return ()
        zeros = lambda: jax.tree_util.tree_map(jnp.zeros_like, params)  # noqa: E731 (v and s: two buffers)
        return jnp.zeros((), params[0][0].dtype), zeros(), zeros()  # t in the parameters' dtype

    def update(params, opt, g):
        if solver == "sgd":
            return jax.tree_util.tree_map(lambda p, d: p - learning_rate * d, params, g), opt
        t, v, s = opt
        t = t + 1
        v = jax.tree_util.tree_map(lambda v, d: b1 * v + (1 - b1) * d, v, g)
        s = jax.tree_util.tree_map(lambda s, d: b2 * s + (1 - b2) * d * d, s, g)
        c1, c2 = 1 - b1**t, 1 - b2**t
        params = jax.tree_util.tree_map(
            lambda p, v, s: p - learning_rate * (v / c1) / (jnp.sqrt(s / c2) + eps), params, v, s
        )
        return params, (t, v, s)

    def step(params, opt, X, y, idx):
        g = jax.grad(loss)(params, X[idx], y[idx])
        return update(params, opt, g)

    def epoch(params, opt, X, y, batches):
        def body(carry, idx):
            return step(*carry, X, y, idx), None

        return jax.lax.scan(body, (params, opt), batches)[0]

    return init_opt, step, epoch, logits


def to_jax(params, dtype):
    import jax.numpy as jnp

    return [(jnp.asarray(np.ascontiguousarray(W.T), dtype), jnp.asarray(b.ravel(), dtype)) for W, b in params]


def fit_job(X, y, dims, solver, learning_rate, batch_size, epochs, impl="jax-scan"):
    """{"seconds", "cpu_seconds", "compile_seconds"} of ``epochs`` epochs in the form ``impl`` (jax-step | jax-scan)."""
    import jax
    import jax.numpy as jnp

    from .layerwise_side import init_params

    init_opt, step, epoch, _ = _fns(solver, learning_rate)
    params = to_jax(init_params(dims, 1, X.dtype), X.dtype)
    opt = init_opt(params)
    Xd, yd = jax.device_put(X), jax.device_put(y.astype(np.int32))
    m = X.shape[0]
    full, rest = divmod(m, batch_size)
    t0, c0 = time.perf_counter(), time.process_time()
    idx = lambda n: jnp.zeros(n, jnp.int32)  # noqa: E731 (shapes for compiling)
    step_c = jax.jit(step, donate_argnums=(0, 1)).lower(params, opt, Xd, yd, idx(batch_size)).compile()
    rest_c = jax.jit(step, donate_argnums=(0, 1)).lower(params, opt, Xd, yd, idx(rest)).compile() if rest else None
    epoch_c = None
    if impl == "jax-scan":
        batches = jnp.zeros((full, batch_size), jnp.int32)
        epoch_c = jax.jit(epoch, donate_argnums=(0, 1)).lower(params, opt, Xd, yd, batches).compile()
    compile_seconds = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        perm = rng.permutation(m).astype(np.int32)
        if epoch_c is not None:
            params, opt = epoch_c(params, opt, Xd, yd, perm[: full * batch_size].reshape(full, batch_size))
        else:
            for i in range(full):
                params, opt = step_c(params, opt, Xd, yd, perm[i * batch_size : (i + 1) * batch_size])
        if rest:
            params, opt = rest_c(params, opt, Xd, yd, perm[full * batch_size :])
    jax.block_until_ready(params)
    return {
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - c0,
        "compile_seconds": compile_seconds,
    }


def one_step(X, y, params, solver, learning_rate):
    """Probabilities of the first forward pass (m, n[L]) and the parameters [(W (n[l], n[l-1]), b (n[l], 1))]
    after one jit-compiled step on the whole batch X (m, n_x), y (m,): for the equivalence tests."""
    import jax

    init_opt, step, _, logits = _fns(solver, learning_rate)
    p = to_jax(params, X.dtype)
    proba = np.asarray(jax.nn.softmax(jax.jit(logits)(p, X), axis=1))
    p, _ = jax.jit(step)(p, init_opt(p), X, y.astype(np.int32), np.arange(X.shape[0], dtype=np.int32))
    return proba, [(np.asarray(W).T, np.asarray(b).reshape(-1, 1)) for W, b in p]
