"""The GPU check's results: the shared record every section adds to, the section guard, and the written report.

``RESULTS`` gathers the machine, each section's outcome, the table rows and the errors; ``section(name)``
wraps a section so that an exception is recorded and the next section still runs; ``write_results``
prints the table and writes bench/results/gpu.md and gpu.json (copied to $OUT when that is set).
"""

from __future__ import annotations

import json
import os
import shutil
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 7
M = 60_000
RESULTS: dict[str, Any] = {"sections": {}, "rows": [], "errors": []}
TARGETS = {"parity": 1e-12, "small_f32_sgd_ratio": 0.5, "large_f32": 0.95, "large_tf32": 0.9}


def section(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A section of the check: its title printed, its time or its error recorded in ``RESULTS``."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*a: Any, **k: Any) -> Any:
            print(f"\n== {name} ==", flush=True)
            t = time.perf_counter()
            try:
                out = fn(*a, **k)
                RESULTS["sections"][name] = {"ok": True, "seconds": round(time.perf_counter() - t, 1)}
                return out
            except Exception as exc:  # report and go on with the next section
                traceback.print_exc()
                RESULTS["errors"].append(f"{name}: {type(exc).__name__}: {exc}")
                RESULTS["sections"][name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}

        return run

    return wrap


def _fmt(v: float | None, what: str) -> str:
    if v is None:
        return "-"
    if "epoch" in what:
        return f"{v * 1e3:.2f} ms"
    return f"{v:.3g}"


def write_results() -> None:
    """Print the table and write bench/results/gpu.md and gpu.json (and copy them to $OUT)."""
    env = RESULTS.get("env", {})
    lines = [
        f"# GPU results: {env.get('gpu', 'unknown GPU')}",
        "",
        "Written by `python -m bench.gpu` (one process, interleaved, median of "
        f"{REPEATS} epochs). " + ", ".join(f"{k} {v}" for k, v in env.items() if k != "gpu"),
        "",
        "| what | layerwise | PyTorch eager | ratio | target | result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in RESULTS["rows"]:
        res = "-" if r["pass"] is None else "PASS" if r["pass"] else "FAIL"
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(
            f"| {r['what']} | {_fmt(r['ours'], r['what'])} | {_fmt(r['torch'], r['what'])} | {ratio} | "
            f"{r['target']} | {res} |"
        )
    if RESULTS["errors"]:
        lines += ["", "Errors:", *[f"- {e}" for e in RESULTS["errors"]]]
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in (("gpu.md", text), ("gpu.json", json.dumps(RESULTS, indent=2, default=str))):
        tmp = out_dir / f".{name}.tmp"
        tmp.write_text(data)
        tmp.replace(out_dir / name)
        if os.environ.get("OUT"):
            shutil.copy(out_dir / name, Path(os.environ["OUT"]) / name)


__all__ = ["M", "REPEATS", "RESULTS", "ROOT", "TARGETS", "section", "write_results"]
