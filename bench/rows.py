"""The one row format every benchmark section returns, and its statuses.

A section is a module with ``run() -> list[dict]`` (it may also accept ``quick=`` and ``repeats=``);
each dict is one line of the report, made with ``row``:

    {"section": "train",                      # filled in by the runner when missing
     "name": "fit 784-256-256-10 sgd f32: layerwise / PyTorch",
     "figure": 0.74,                          # a number, or None when not measured
     "unit": "x",                             # "s", "ms", "us", "x" (a ratio), "%", "MB", "GFLOP/s", ...
     "target": "<= 0.80",                     # "" for a diagnostic row (no target)
     "status": "PASS",                        # PASS | FAIL | not run (targets); info (diagnostics)
     "detail": {...}}                         # anything else: min/median/max, runs, notes (JSON-able)

A target row whose figure could not be measured says ``not run``; a section that raises gets one
``FAIL`` row naming the error (``crashed``), so a target never silently disappears.
"""

from __future__ import annotations

import math
import traceback

STATUSES = ("PASS", "FAIL", "not run", "info")


def row(name, figure, unit, target="", passed=None, section=None, **detail):
    """One report line. With a ``target``, ``passed`` (bool) decides PASS/FAIL; a None figure is
    ``not run``. Without a target the row is a diagnostic (``info``)."""
    if figure is not None:
        figure = float(figure)
        if not math.isfinite(figure):
            figure = None
    if not target:
        status = "info"
    elif figure is None or passed is None:
        status = "not run"
    else:
        status = "PASS" if passed else "FAIL"
    out = {"name": name, "figure": figure, "unit": unit, "target": target, "status": status, "detail": detail}
    if section is not None:
        out["section"] = section
    return out


def at_most(name, figure, limit, unit="x", **detail):
    """A target row: PASS when ``figure <= limit``."""
    return row(
        name, figure, unit, f"<= {limit:.3g} {unit}".strip(), None if figure is None else figure <= limit, **detail
    )


def at_least(name, figure, limit, unit="x", **detail):
    """A target row: PASS when ``figure >= limit``."""
    return row(
        name, figure, unit, f">= {limit:.3g} {unit}".strip(), None if figure is None else figure >= limit, **detail
    )


def crashed(section, exc):
    """The row a section that raised leaves behind: FAIL, with the error and the end of its traceback."""
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return {
        "section": section,
        "name": f"{section}: the section crashed",
        "figure": None,
        "unit": "",
        "target": "runs to the end",
        "status": "FAIL",
        "detail": {"error": f"{type(exc).__name__}: {exc}", "traceback": tb[-3000:]},
    }


def check(rows, section):
    """Validate and complete a section's rows (the section name filled in); raises TypeError on a bad row."""
    if not isinstance(rows, list):
        raise TypeError(f"section {section!r}: run() must return a list of row dicts, got {type(rows).__name__}")
    for r in rows:
        missing = {"name", "figure", "unit", "target", "status"} - set(r)
        if missing or r["status"] not in STATUSES:
            raise TypeError(
                f"section {section!r}: a row needs name, figure, unit, target and a status in "
                f"{STATUSES}; got {r!r} (build rows with bench.rows.row)"
            )
        r.setdefault("section", section)
        r.setdefault("detail", {})
    return rows


def _fmt(x, unit):
    if x is None:
        return ""
    return f"{x:.3g} {unit}".strip() if abs(x) < 1000 else f"{x:,.0f} {unit}".strip()


def spread(detail, unit):
    """'min / median / max' of a row's detail when it has them."""
    if all(k in detail for k in ("min", "median", "max")):
        return " / ".join(_fmt(detail[k], unit) for k in ("min", "median", "max"))
    return ""


def markdown(rows):
    """The rows as one Markdown table: section, name, figure, target, status, spread, note."""
    lines = [
        "| section | measurement | figure | target | status | min / median / max | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        d = r.get("detail", {})
        note = d.get("note", "") or d.get("error", "")
        lines.append(
            f"| {r.get('section', '')} | {r['name']} | {_fmt(r['figure'], r['unit'])} | {r['target']} | "
            f"{r['status']} | {spread(d, r['unit'])} | {note} |".replace("\n", " ")
        )
    return "\n".join(lines)
