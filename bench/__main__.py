"""``python -m bench [--quick] [--only NAME[,NAME]] [--repeats N] [--threads N] [--epochs N] [--out DIR]``."""

from __future__ import annotations

import argparse
import datetime
import importlib
import importlib.util
import inspect
import os
import sys
import time

from .common import machine_info, write_json_atomic, write_text_atomic
from .rows import check, crashed, markdown
from .sections import SECTIONS

KEEP = 5  # full runs' JSON files kept in the results folder (the older ones are removed)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test of the harness")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        help=f"run only these sections (repeatable or comma-separated): {', '.join(SECTIONS)}",
    )
    p.add_argument("--repeats", type=int, default=None, help="rounds per section (default 5; quick: 1)")
    p.add_argument(
        "--threads", type=int, default=os.cpu_count(), help="threads every contender gets (default: all cores)"
    )
    p.add_argument("--epochs", type=int, default=None, help="epochs per training job of the train section")
    p.add_argument(
        "--out",
        default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"),
        help="folder for the JSON results (default: bench/results)",
    )
    p.add_argument("--markdown", metavar="PATH", help="also write the machine and the table as Markdown to PATH")
    args = p.parse_args(argv)
    only = [n.strip() for arg in args.only for n in arg.split(",") if n.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        p.error(f"unknown section(s) {unknown}; expected some of: {', '.join(SECTIONS)}")
    args.only = only or list(SECTIONS)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 5
    if args.repeats < 1 or args.threads < 1:
        p.error(f"--repeats and --threads must be at least 1, got {args.repeats} and {args.threads}")
    return args


def run_section(name, module, options):
    """The rows of one section; ``not run`` when its module is absent, ``FAIL`` when it raises."""
    if importlib.util.find_spec(module) is None:
        return [
            {
                "section": name,
                "name": f"{name}: {module} is not there yet",
                "figure": None,
                "unit": "",
                "target": "",
                "status": "not run",
                "detail": {},
            }
        ]
    try:
        fn = importlib.import_module(module).run
        accepted = inspect.signature(fn).parameters
        return check(fn(**{k: v for k, v in options.items() if k in accepted}), name)
    except Exception as exc:  # a broken section must not lose the others' rows
        return [crashed(name, exc)]


def main(argv=None):
    args = parse_args(argv)
    started = time.time()
    machine = machine_info()
    options = {"quick": args.quick, "repeats": args.repeats, "threads": args.threads}
    if args.epochs:
        options["epochs"] = args.epochs
    rows, load = [], {}
    for name, module in SECTIONS.items():
        if name not in args.only:
            continue
        t0, before = time.perf_counter(), os.getloadavg()
        rows += run_section(name, module, options)
        load[name] = [before[0], os.getloadavg()[0]]  # 1-minute load average before and after: noise
        print(
            f"[bench] {name}: {time.perf_counter() - t0:.1f} s, load {load[name][0]:.1f} -> {load[name][1]:.1f}",
            file=sys.stderr,
            flush=True,
        )
    stamp = datetime.datetime.fromtimestamp(started, datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    result = {
        "started_utc": stamp,
        "seconds": time.time() - started,
        "quick": args.quick,
        "repeats": args.repeats,
        "threads": args.threads,
        "only": args.only,
        "machine": machine,
        "load_average": load,
        "rows": rows,
    }
    text = report(result)
    print("\n" + text)
    path = os.path.join(args.out, f"bench-{stamp}{'-quick' if args.quick else ''}.json")
    write_json_atomic(path, result)
    prune(args.out)
    print(f"\nwrote {path}")
    if args.markdown:
        write_text_atomic(args.markdown, text + "\n")
        print(f"wrote {args.markdown}")
    return 0


def prune(folder, keep=KEEP):
    """Keep the ``keep`` newest full runs' JSON files (bench-YYYYmmdd-HHMMSS.json) in ``folder``."""
    runs = sorted(
        f
        for f in os.listdir(folder)
        if f.startswith("bench-") and f.endswith(".json") and not f.endswith("-quick.json")
    )
    for f in runs[:-keep]:
        os.remove(os.path.join(folder, f))


def report(result):
    """The run as Markdown: when, the machine and its load, then every row."""
    m = result["machine"]
    blas = "; ".join(
        f"{b.get('internal_api')} {b.get('version')} ({b.get('shipped_with')}, {b.get('num_threads')} threads)"
        for b in m["blas"]
        if b.get("user_api") == "blas"
    )
    counts = {s: sum(r["status"] == s for r in result["rows"]) for s in ("PASS", "FAIL", "not run")}
    return "\n".join(
        [
            f"## Run of {result['started_utc']} UTC ({result['seconds']:.0f} s, {result['repeats']} rounds, "
            f"{result['threads']} threads per contender{', quick sizes' if result['quick'] else ''})",
            "",
            f"- CPU: {m['cpu']}, {m['cores']} cores; Python {m['python']}, NumPy {m['numpy']}, "
            f"scikit-learn {m['sklearn']}, PyTorch {m.get('torch')}, JAX {m.get('jax')}",
            f"- BLAS: {blas}",
            f"- environment: {', '.join(f'{k}={v}' for k, v in sorted(m['env'].items())) or 'none set'}",
            "- 1-minute load average before -> after each section (2 cores: above 2, other work competes): "
            + ", ".join(f"{k} {a:.1f} -> {b:.1f}" for k, (a, b) in result["load_average"].items()),
            f"- targets: {counts['PASS']} PASS, {counts['FAIL']} FAIL, {counts['not run']} not run",
            "",
            markdown(result["rows"]),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
