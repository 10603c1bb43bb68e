"""``python -m bench [--quick] [--only NAME[,NAME]] [--repeats N] [--out DIR]``."""
from __future__ import annotations

import argparse
import datetime
import importlib
import importlib.util
import inspect
import os
import sys
import time

from . import course_deep, defaults_accuracy, memory, mlp, peak, vectorization
from .common import machine_info, write_json_atomic, write_text_atomic
from .report import annotate, markdown, table, targets_table
from .targets import evaluate


def _search_speedup(quick=False, repeats=5):
    """bench/search_speedup.py (the search helper's) when present: its ``main``'s return value.

    Its ``main(argv)`` parses its own options; it gets explicit ones, never this process's argv."""
    if importlib.util.find_spec("bench.search_speedup") is None:
        return None
    main = importlib.import_module("bench.search_speedup").main
    if "argv" not in inspect.signature(main).parameters:
        return main()
    return main(["--trials", "2", "--repeats", "1"] if quick else ["--repeats", str(repeats)])


def _search_target(report):
    """The search helper's own target (Dask <= 0.65 x sequential) as a row of the targets table."""
    ratio = report.get("dask_over_sequential") if isinstance(report, dict) else None
    if ratio is None:
        return None
    return {"target": "search: Dask run <= 0.65x sequential (bench/search_speedup.py)",
            "value": f"{ratio:.2f}x", "status": "PASS" if ratio <= 0.65 else "FAIL"}


# name -> function(quick, repeats) -> list of Rows; run in this order
CASES = {
    "peak": peak.run,
    "mlp": mlp.run_mlp,
    "wide": mlp.run_wide,
    "deep": course_deep.run,
    "vectorization": vectorization.run,
    "memory": memory.run,
}
EXTRAS = {"search": _search_speedup,  # cases that return their own report, not rows
          "defaults": lambda quick, repeats: defaults_accuracy.report(quick=quick)}  # accuracy of the defaults


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test of the harness")
    p.add_argument("--only", action="append", default=[],
                   help=f"run only these cases (repeatable or comma-separated): {', '.join([*CASES, *EXTRAS])}")
    p.add_argument("--repeats", type=int, default=None, help="timed rounds per case after the warm-up (>= 5; quick: 2)")
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"),
                   help="folder for the JSON results (default: bench/results)")
    p.add_argument("--markdown", metavar="PATH", help="also write the machine, table and targets as Markdown to PATH")
    args = p.parse_args(argv)
    only = [n.strip() for arg in args.only for n in arg.split(",") if n.strip()]
    unknown = sorted(set(only) - set(CASES) - set(EXTRAS))
    if unknown:
        p.error(f"unknown case(s) {unknown}; expected some of: {', '.join([*CASES, *EXTRAS])}")
    args.only = only or [*CASES, *EXTRAS]
    if args.repeats is None:
        args.repeats = 2 if args.quick else 5
    if args.repeats < 1:
        p.error(f"--repeats must be at least 1, got {args.repeats}")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = time.time()
    machine = machine_info()
    rows, extras, load = [], {}, {}
    for name, fn in CASES.items():
        if name in args.only:
            t0, before = time.perf_counter(), os.getloadavg()[0]
            rows += fn(quick=args.quick, repeats=args.repeats)
            load[name] = [before, os.getloadavg()[0]]  # 1-minute load average before and after: noise
            print(f"[bench] {name}: {time.perf_counter() - t0:.1f} s, load {load[name][0]:.1f} -> "
                  f"{load[name][1]:.1f}", file=sys.stderr, flush=True)
    peaks = peak.peaks_from(rows)
    annotate(rows, peaks)
    for name, fn in EXTRAS.items():
        if name in args.only:
            try:
                report = fn(quick=args.quick, repeats=args.repeats)
            except Exception as exc:  # a broken extra must not lose the main table
                report = {"error": f"{type(exc).__name__}: {exc}"}
            if report is not None:
                extras[name] = report
    targets = evaluate(rows)
    if _search_target(extras.get("search")):
        targets.append(_search_target(extras["search"]))
    targets += defaults_accuracy.targets(extras.get("defaults"))
    print(f"\nMachine: {machine['cpu']}, {machine['cores']} cores; numpy {machine['numpy']}, "
          f"torch {machine.get('torch')}, scikit-learn {machine['sklearn']}")
    print("\n" + table(rows) + "\n\n" + targets_table(targets))
    if args.quick:
        print("\n(--quick: tiny sizes, a smoke test of the harness; the targets speak of the full sizes)")
    stamp = datetime.datetime.fromtimestamp(started).strftime("%Y%m%d-%H%M%S")
    result = {"started": stamp, "seconds": time.time() - started, "quick": args.quick, "repeats": args.repeats,
              "only": args.only, "machine": machine, "load_average": load, "peaks_gflops": peaks,
              "rows": [r.as_dict() for r in rows], "targets": targets, "extras": extras}
    path = os.path.join(args.out, f"bench-{stamp}{'-quick' if args.quick else ''}.json")
    write_json_atomic(path, result)
    print(f"\nwrote {path}")
    if args.markdown:
        write_text_atomic(args.markdown, markdown(result, rows, targets))
        print(f"wrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
