"""The playground's smoothness: frames a second the server sends while training, and its cost.

The issue's setting: the flower, 400 points, layers 8,8, 100 x 100 heatmaps of the output and every
unit, several epochs per frame. Two measurements:

- compute per frame: ``Session.step(k)`` + ``Session.frame()`` in this process, median of many;
- served frames a second: a real server (its own process, ``layerwise.playground.server.config``)
  plays while a WebSocket client receives for a few seconds; the server process's CPU time over the
  same window, read from /proc, gives the cores it used.

``run() -> list[dict]`` rows of ``bench.rows`` (targets PASS/FAIL); ``python -m bench.playground_fps``.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time

from .rows import at_least, at_most, markdown

EPOCHS_PER_FRAME = 5
SETTINGS = {
    "dataset": "flower",
    "points": 400,
    "hidden": "8,8",
    "activation": "tanh",
    "init": "xavier",
    "optimizer": "gd",
    "learning_rate": 0.3,
    "train_ratio": 0.5,
    "epochs_per_frame": EPOCHS_PER_FRAME,
}
SERVER = (
    "import sys, uvicorn; from threadpoolctl import threadpool_limits; "
    "from layerwise.playground.server import config; "
    "threadpool_limits(1, 'blas'); uvicorn.Server(config('127.0.0.1', int(sys.argv[1]))).run()"
)


def compute_ms(frames=200):
    """Median milliseconds of one frame's work: EPOCHS_PER_FRAME epochs and the frame's heatmaps."""
    from threadpoolctl import threadpool_limits

    from layerwise.playground.session import Session
    from layerwise.playground.settings import DEFAULTS, parse

    s = Session(parse({**DEFAULTS, **SETTINGS}))
    times = []
    with threadpool_limits(1, "blas"):
        for _ in range(frames):
            t = time.perf_counter()
            s.step(EPOCHS_PER_FRAME)
            s.frame()
            times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def _cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def served_fps(seconds=4.0):
    """(frames a second received, cores the server process used) over ``seconds`` of play."""
    from websockets.sync.client import connect

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)])
    try:
        for _ in range(200):
            try:
                ws = connect(f"ws://127.0.0.1:{port}/ws", max_size=None)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("the playground server did not start")
        with ws:
            ws.send(json.dumps({"type": "settings", "settings": SETTINGS}))
            ws.send(json.dumps({"type": "play"}))
            while not isinstance(ws.recv(), bytes):  # the first frame: training has started
                pass
            frames, cpu0, t0 = 0, _cpu_seconds(proc.pid), time.perf_counter()
            while time.perf_counter() - t0 < seconds:
                frames += isinstance(ws.recv(), bytes)
            wall, cpu = time.perf_counter() - t0, _cpu_seconds(proc.pid) - cpu0
            ws.send(json.dumps({"type": "pause"}))
        return frames / wall, cpu / wall
    finally:
        proc.terminate()
        proc.wait(10)


def run():
    ms = compute_ms()
    fps, cores = served_fps()
    return [
        at_least("playground frames served (flower 400, 8,8, 100x100 maps, 5 epochs/frame)", fps, 30, unit="frames/s"),
        at_most("playground compute per frame", ms, 1000 / 30, unit="ms"),
        at_most(
            "playground server CPU while playing",
            cores,
            1.05,
            unit="cores",
            note="the server's CPU seconds per wall second: about one core",
        ),
    ]


if __name__ == "__main__":
    print(markdown(run()))
