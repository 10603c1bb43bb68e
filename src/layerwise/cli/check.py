"""``layerwise check FILE``: a learner's course functions in a .py module or an .ipynb notebook, against the reference.

A module is run (its ``if __name__ == "__main__"`` block not) with its folder on ``sys.path``; a notebook
is executed top to bottom in a Jupyter kernel through nbclient (``layerwise[notebook]``), a cell that
raises does not stop it, and ``layerwise.course.check(globals())`` runs in that kernel last. The report
is printed as a table; exit 0 when every function found passes, 1 when one fails (or none is found, or
the file itself raises), 2 for a usage error (no such file, another suffix, nbclient missing).
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
from pathlib import Path
from typing import Any

from .errors import UsageError

_MARK = "<<<layerwise-check>>>"
_CELL = f"""\
import json as _lw_json
from layerwise.course import check as _lw_check
_lw_report = _lw_check(globals(), week={{week}})
print({_MARK!r} + _lw_json.dumps({{{{"text": _lw_report.to_text(), "report": _lw_report.to_dict()}}}}))
"""


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="a .py module or an .ipynb notebook defining course functions")
    p.add_argument("--week", type=int, choices=(2, 3, 4), help="the week of names several notebooks share")
    p.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    p.add_argument("--timeout", type=float, default=600, help="seconds a notebook cell may run (default 600)")


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{path}: no such file; expected a .py module or an .ipynb notebook")
    if path.suffix not in (".py", ".ipynb"):
        raise UsageError(
            f"{path}: expected a .py module or an .ipynb notebook, got a {path.suffix or 'suffixless'} file"
        )
    try:
        text, report, errors = (_run_notebook if path.suffix == ".ipynb" else _run_module)(path, args)
    except _FileRaised as exc:
        print(f"layerwise: {path} raised {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if args.json else text)
    for line in errors:
        print(f"note: {line}", file=sys.stderr)
    return 0 if report["passed"] else 1


class _FileRaised(Exception):
    """The learner's module raised while it was run: nothing to check."""


def _run_module(path: Path, args: argparse.Namespace) -> tuple[str, dict[str, Any], list[str]]:
    from ..course import check

    sys.path.insert(0, str(path.resolve().parent))  # its own helpers (a dnn_utils.py beside it) import
    try:
        ns = runpy.run_path(str(path), run_name="__layerwise_check__")
    except Exception as exc:
        raise _FileRaised(f"{type(exc).__name__}: {exc}") from None
    finally:
        sys.path.remove(str(path.resolve().parent))
    report = check(ns, week=args.week)
    return report.to_text(), report.to_dict(), []


def _kernel_env() -> dict[str, str]:
    """This process's environment, with the layerwise that runs the command first on the kernel's path."""
    from .. import __file__ as package_init

    env = dict(os.environ)
    here = str(Path(package_init).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([here, *filter(None, [env.get("PYTHONPATH")])])
    return env


def _run_notebook(path: Path, args: argparse.Namespace) -> tuple[str, dict[str, Any], list[str]]:
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError:
        raise ImportError("checking a notebook needs nbclient: pip install 'layerwise[notebook]'") from None
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat's own errors say what is wrong with the file
        raise UsageError(f"{path}: not a readable notebook ({exc})") from None
    nb.cells.append(nbformat.v4.new_code_cell(_CELL.format(week=args.week)))
    client = NotebookClient(
        nb,
        timeout=args.timeout,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env=_kernel_env())
    errors = [
        f"cell {i} raised {out.get('ename')}: {out.get('evalue')}"
        for i, cell in enumerate(nb.cells[:-1], start=1)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    for out in nb.cells[-1].get("outputs", []):
        if out.get("output_type") == "stream" and _MARK in out.get("text", ""):
            found = json.loads(out["text"].split(_MARK, 1)[1])
            return found["text"], found["report"], errors
    trouble = [f"{o.get('ename')}: {o.get('evalue')}" for o in nb.cells[-1].get("outputs", []) if "ename" in o]
    raise _FileRaised("nothing: the check could not run in its kernel (" + "; ".join(trouble or ["no output"]) + ")")


__all__ = ["configure", "run"]
