"""The playground under load (issue 26), a shorter run of ``bench.playground_load`` against a real server
process: 4 pages at the heaviest settings the schema allows beside a page at the default settings.

The bounds come from the design, not from a timing of this machine: the fair worker serves the least-served
page first and no job of any page is longer than about TRAIN_BUDGET, so the light page is served at least as
often as each heavy page, and a closed page's work ends with its current job, so the server is idle a
second after the heavy pages close (the default page is paused). The figures themselves (20 frames a second,
5 % CPU) are the bench's targets: ``python -m bench --only playground-load``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the playground needs the web extra: pip install 'layerwise[web]'")
pytest.importorskip("websockets", reason="the load test's pages are websockets clients")

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:  # bench/ is a top-level package beside src/, not installed
    sys.path.insert(0, ROOT)
from bench.playground_load import load  # noqa: E402


def test_a_default_page_keeps_its_share_beside_the_heaviest_pages_and_closing_them_frees_the_cpu():
    r = load(heavy=4, seconds=2.0, warmup=0.5)
    assert r["errors"] == []  # no page was refused or failed (4 training pages are within MAX_TRAINING)
    assert r["heavy_epoch_frames"] > 0, "the heavy pages never trained: there was no load"
    assert r["fps"] > 0, "the default page received no frame while the heavy pages trained"
    assert r["fps"] >= r["heavy_fps"], r  # the least-served page first: at least each heavy page's share
    assert r["cpu_after"] < 0.25, r  # idle but for the paused page's socket; 1 core if a closed page still trained
