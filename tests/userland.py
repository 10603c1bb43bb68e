"""What a new user does, for the tests: the `layerwise` command as a subprocess, a fresh interpreter, CSVs."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

import layerwise

SRC = str(Path(layerwise.__file__).resolve().parents[1])  # the repo's src, or the installed package's folder


def env(**extra):
    """The environment of a user's shell: this layerwise importable, the venv's scripts on PATH."""
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(p for p in [SRC, os.environ.get("PYTHONPATH", "")] if p)
    e["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), e.get("PATH", "")])
    e.pop("TQDM_DISABLE", None)
    e.update(extra)
    return e


def layerwise_cmd(*args, cwd=None, timeout=300, **extra_env):
    """``layerwise ARGS`` as a subprocess (``python -m layerwise``, the same entry point as the script)."""
    return subprocess.run(
        [sys.executable, "-m", "layerwise", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env(**extra_env),
        timeout=timeout,
    )


def shell(command, cwd=None, timeout=300):
    """A command line as a user types it, run by bash with ``set -o pipefail``."""
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, cwd=cwd, env=env(), timeout=timeout
    )


def python(code, cwd=None, timeout=300):
    """``code`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env(), timeout=timeout
    )


def write_csv(path, columns):
    """{name: values} -> a CSV file with a header line; floats written exactly."""
    names = list(columns)
    fmt = lambda v: repr(float(v)) if isinstance(v, (float, np.floating)) else str(v)
    rows = zip(*(columns[n] for n in names))
    Path(path).write_text(",".join(names) + "\n" + "".join(",".join(map(fmt, r)) + "\n" for r in rows))
    return Path(path)


def digits_files(folder, n_train=700, n_test=300):
    """scikit-learn's digits as the docs' files: data.csv/train.csv (features p0..p63 and label, raw 0..16),
    test.csv (held-out rows, with label), new.csv (held-out rows, features only). Returns (X_test, y_test)."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    names = [f"p{j}" for j in range(X.shape[1])]
    table = lambda rows, label=True: {
        **{n: X[rows, j] for j, n in enumerate(names)},
        **({"label": y[rows]} if label else {}),
    }
    train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    for name in ("data.csv", "train.csv"):
        write_csv(Path(folder) / name, table(train))
    write_csv(Path(folder) / "test.csv", table(test))
    write_csv(Path(folder) / "new.csv", table(test, label=False))
    return X[test], y[test]
