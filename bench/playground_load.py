"""The playground under load (issue 26): heavy pages beside a default one, then the heavy pages closed.

A real server (its own process, as ``bench.playground_fps`` starts it) gets ``HEAVY`` pages, each at the
heaviest settings the schema allows (sgd, batch 1, 6 layers of 16 units, 1,000 points all training, 500
epochs a frame), all playing and read as a browser reads them, and one page at the default settings. Then:

- the default page's frames a second over ``seconds`` (the target: at least 20), and the gaps between its
  frames (the fair worker's promise: a wait behind at most one short job of another page);
- the default page is paused and the heavy pages closed; the server process's CPU use (its CPU seconds
  from /proc over wall seconds) in the window from 1 s to 2 s after the close (the target: under 5 %).

``load(...) -> dict`` the figures; ``run() -> list[dict]`` rows of ``bench.rows``; ``python -m bench.playground_load``.
"""

from __future__ import annotations

import itertools
import json
import socket
import statistics
import subprocess
import sys
import threading
import time

from .playground_fps import SERVER, _cpu_seconds
from .rows import at_least, at_most, markdown, row

HEAVY = {
    "optimizer": "sgd",
    "batch_size": 1,
    "hidden": "16,16,16,16,16,16",
    "points": 1000,
    "train_ratio": 1.0,
    "epochs_per_frame": 500,
    "learning_rate": 0.01,  # the default 1.2 diverges at batch 1, which would stop the page's play loop
}
MIN_FPS, MAX_CPU = 20.0, 0.05


def _connect(port, deadline=20.0):
    from websockets.sync.client import connect

    t = time.monotonic()
    while True:
        try:
            return connect(f"ws://127.0.0.1:{port}/ws", max_size=None).__enter__()  # closed by Reader.close
        except OSError:
            if time.monotonic() - t > deadline:
                raise RuntimeError("the playground server did not start") from None
            time.sleep(0.05)


class Reader(threading.Thread):
    """A page as a browser holds it: it plays with ``settings`` and reads every message, counting frames."""

    def __init__(self, port, settings):
        super().__init__(daemon=True)
        self.ws, self.frames, self.times, self.errors = _connect(port), 0, [], []
        self.ws.send(json.dumps({"type": "settings", "settings": settings}))
        self.ws.send(json.dumps({"type": "play"}))
        self.start()

    def run(self):
        try:
            for message in self.ws:
                if isinstance(message, bytes):
                    self.frames += 1
                    self.times.append(time.perf_counter())
                elif '"error"' in message:
                    self.errors.append(json.loads(message)["message"])
        except Exception:  # closed by close()
            pass

    def fps(self, t0, t1):
        """Frames a second received between the perf_counter times t0 and t1."""
        return sum(t0 <= t < t1 for t in self.times) / (t1 - t0)

    def gaps_ms(self, t0, t1):
        """(median, 95th percentile, longest) milliseconds between frames received between t0 and t1."""
        times = [t for t in self.times if t0 <= t < t1]
        gaps = sorted(1000 * (b - a) for a, b in itertools.pairwise(times))
        if not gaps:
            return None, None, None
        return statistics.median(gaps), gaps[int(0.95 * (len(gaps) - 1))], gaps[-1]

    def close(self):
        self.ws.close()
        self.join(5)


def _cpu_use(pid, t0, t1):
    """The process's CPU seconds per wall second between the perf_counter times t0 and t1 (waits for them)."""
    time.sleep(max(0.0, t0 - time.perf_counter()))
    c0, w0 = _cpu_seconds(pid), time.perf_counter()
    time.sleep(max(0.0, t1 - w0))
    return (_cpu_seconds(pid) - c0) / (time.perf_counter() - w0)


def load(heavy=4, seconds=5.0, warmup=1.0):
    """{"alone": default page's fps alone, "fps": with ``heavy`` heavy pages, "heavy_fps": theirs (mean),
    "busy": server cores used under load, "cpu_after": server cores used 1-2 s after the close, ...}."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)])
    pages = []
    try:
        light = Reader(port, {})
        time.sleep(warmup)
        t0 = time.perf_counter()
        time.sleep(min(seconds, 2.0))
        alone = light.fps(t0, time.perf_counter())
        pages = [Reader(port, HEAVY) for _ in range(heavy)]
        time.sleep(warmup)  # every heavy page is training
        t0, c0 = time.perf_counter(), _cpu_seconds(proc.pid)
        time.sleep(seconds)
        t1, c1 = time.perf_counter(), _cpu_seconds(proc.pid)
        light.ws.send(json.dumps({"type": "pause"}))  # the default page stays open, idle
        for page in pages:
            page.ws.close()  # as a closed tab: no goodbye message is awaited
        closed = time.perf_counter()
        cpu_after = _cpu_use(proc.pid, closed + 1.0, closed + 2.0)
        for page in pages:
            page.join(5)
        light.close()
        return {
            "alone": alone,
            "fps": light.fps(t0, t1),
            "gaps_ms": light.gaps_ms(t0, t1),
            "heavy_fps": sum(p.fps(t0, t1) for p in pages) / max(1, heavy),
            "heavy_epoch_frames": sum(p.frames for p in pages),
            "busy": (c1 - c0) / (t1 - t0),
            "cpu_after": cpu_after,
            "errors": [e for p in [light, *pages] for e in p.errors],
        }
    finally:
        for page in pages:
            page.ws.close()
        proc.terminate()
        proc.wait(10)


def run():
    r = load()
    note = "4 heavy pages (sgd, batch 1, 6 x 16 units, 1,000 points, 500 epochs/frame) beside a default page"
    return [
        at_least("playground default page under load: frames served", r["fps"], MIN_FPS, unit="frames/s", note=note),
        at_most(
            "playground server CPU 1-2 s after the heavy pages close",
            100 * r["cpu_after"],
            100 * MAX_CPU,
            unit="%",
            note="the server process's CPU seconds per wall second, from /proc",
        ),
        row("playground default page alone: frames served", r["alone"], "frames/s"),
        row(
            "playground default page under load: 95th percentile gap between frames",
            r["gaps_ms"][1],
            "ms",
            median=r["gaps_ms"][0],
            longest=r["gaps_ms"][2],
        ),
        row("playground heavy page under load: frames served (each)", r["heavy_fps"], "frames/s"),
        row("playground server CPU under load", r["busy"], "cores", note="one worker thread: about one core"),
    ]


if __name__ == "__main__":
    print(markdown(run()))
