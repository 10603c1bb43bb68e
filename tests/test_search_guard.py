"""`import layerwise` exposes `layerwise.search` lazily; a script without the __main__ guard gets one line."""

import contextlib
import socket

import pytest
from userland import python

SCRIPT = """
from sklearn.datasets import load_digits
import layerwise
from layerwise import NeuralNetClassifier

X, y = load_digits(return_X_y=True)
space = {"learning_rate": {"loguniform": [1e-4, 0.3]}}
result = layerwise.search.search(NeuralNetClassifier(max_iter=5), space, X / 16, y, sampler="random",
                                 n_trials=2, n_workers=2)
"""


def test_layerwise_search_is_there_after_import_layerwise_and_loads_lazily():
    r = python(
        "import sys, layerwise\n"
        "assert 'layerwise.search' not in sys.modules and 'distributed' not in sys.modules\n"
        "assert 'search' in dir(layerwise)\n"
        "print(layerwise.search.search.__module__)"
    )
    assert r.returncode == 0 and r.stdout.strip() == "layerwise.search.api", r.stderr


@contextlib.contextmanager
def _port_taken(port):
    """Hold ``port`` for the block (if something else holds it already, it is taken all the same)."""
    with socket.socket() as s:
        try:
            s.bind(("", port))
            s.listen()
        except OSError:
            pass
        yield


def test_a_script_without_the_main_guard_stops_with_one_line(tmp_path):
    pytest.importorskip("distributed")
    (tmp_path / "noguard.py").write_text(SCRIPT)
    import subprocess
    import sys

    from userland import env

    with _port_taken(8787):  # Dask's default dashboard port, which a user's other cluster or Jupyter may hold
        r = subprocess.run(
            [sys.executable, "noguard.py"], cwd=tmp_path, env=env(), capture_output=True, text=True, timeout=300
        )
    lines = r.stderr.strip().splitlines()
    assert r.returncode != 0 and len(lines) == 1, r.stderr[-3000:]
    assert "noguard.py starts a search when it is imported" in lines[0] and 'if __name__ == "__main__":' in lines[0]
