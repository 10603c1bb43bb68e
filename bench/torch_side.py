"""The PyTorch contenders: eager mode, ``nn.Sequential`` of ``nn.Linear`` and ReLU.

Weights are copied from the same initial parameters the layerwise contender starts from (W[l] is
(n[l], n[l-1]) in both libraries), so both start from identical weights of identical scale.
"""

from __future__ import annotations

import time

import numpy as np

THREADS = None  # the thread count ``setup`` set (None: PyTorch's default)


def setup(threads):
    """Import torch and give it ``threads`` intra-op threads (the count every contender gets)."""
    global THREADS
    THREADS = threads
    _torch()


def _torch():
    import torch

    if THREADS is not None and torch.get_num_threads() != THREADS:
        torch.set_num_threads(THREADS)
    return torch


def sequential(params, dtype):
    """nn.Sequential(Linear, ReLU, ..., Linear) holding copies of params [(W (n[l], n[l-1]), b (n[l], 1))]."""
    torch = _torch()
    layers = []
    for l, (W, b) in enumerate(params, start=1):
        lin = torch.nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(W)))
            lin.bias.copy_(torch.from_numpy(np.ascontiguousarray(b).ravel()))
        layers.append(lin)
        if l < len(params):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def make_optimizer(model, solver, learning_rate):
    torch = _torch()
    if solver == "sgd":
        return torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.0)
    if solver == "adam":
        return torch.optim.Adam(model.parameters(), lr=learning_rate, betas=(0.9, 0.999), eps=1e-8)
    raise ValueError(f"unknown solver {solver!r}; expected 'sgd' or 'adam'")


def mlp_epoch(X, y, params, solver, learning_rate, batch_size, seed=0):
    """A callable running one epoch of minibatch training (softmax cross-entropy) on X (m, n_x), y (m,).

    Each epoch draws a fresh permutation and gathers every batch with ``index_select``, as a
    DataLoader over in-memory tensors would, without its per-example Python overhead.
    """
    torch = _torch()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)  # shares memory with the NumPy arrays
    model = sequential(params, Xt.dtype)
    opt = make_optimizer(model, solver, learning_rate)
    loss_fn = torch.nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(seed)
    m = Xt.shape[0]

    def epoch():
        perm = torch.randperm(m, generator=g)
        for i in range(0, m, batch_size):
            idx = perm[i : i + batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt.index_select(0, idx)), yt.index_select(0, idx))
            loss.backward()
            opt.step()

    return epoch


def fit_job(X, y, dims, solver, learning_rate, batch_size, epochs, impl="pytorch"):
    """{"seconds": ...} of ``epochs`` epochs of ``mlp_epoch`` from the layerwise contender's initial weights."""
    from .layerwise_side import init_params

    epoch = mlp_epoch(X, y, init_params(dims, 1, X.dtype), solver, learning_rate, batch_size)
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        epoch()
    return {"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0}


def one_step(X, y, params, solver, learning_rate):
    """Probabilities of the first forward pass (m, n[L]) and the parameters after one step on the
    whole batch X (m, n_x), y (m,), as NumPy arrays [(W, b (n[l], 1))]: for the equivalence tests."""
    torch = _torch()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    model = sequential(params, Xt.dtype)
    opt = make_optimizer(model, solver, learning_rate)
    logits = model(Xt)
    torch.nn.CrossEntropyLoss()(logits, yt).backward()
    opt.step()
    lin = [mod for mod in model if isinstance(mod, torch.nn.Linear)]
    return (
        torch.softmax(logits, dim=1).detach().numpy(),
        [(m.weight.detach().numpy(), m.bias.detach().numpy().reshape(-1, 1)) for m in lin],
    )


def fullbatch_train(X, y, params, iterations, learning_rate):
    """A callable running ``iterations`` full-batch gradient-descent steps of a sigmoid-output network
    (binary cross-entropy from logits) on X (m, n_x), y (m,); the cost is read every iteration, as
    the course records it."""
    torch = _torch()
    Xt = torch.from_numpy(X)
    Yt = torch.from_numpy(y.reshape(-1, 1).astype(X.dtype))
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def train():
        model = sequential(params, Xt.dtype)
        opt = torch.optim.SGD(model.parameters(), lr=learning_rate)
        costs = []
        for _ in range(iterations):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt), Yt)
            costs.append(loss.item())  # host read of the cost, every iteration
            loss.backward()
            opt.step()
        return costs

    return train
