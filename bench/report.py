"""Annotate rows with ratios and fractions of peak, and print them as a Markdown table."""
from __future__ import annotations


def annotate(rows, peaks):
    """Fill each row's ``extra``: x_pytorch / x_sklearn (time ratio to that contender in the same
    case), peak_gflops and frac_peak (against the peak timed in the same rounds when there is one,
    else the peak case's)."""
    by_case = {}
    for r in rows:
        by_case.setdefault(r.key, {})[r.impl] = r
    for r in rows:
        for other in ("pytorch", "sklearn"):
            o = by_case[r.key].get(other)
            if o is not None and o is not r and r.key != "memory":
                r.extra[f"x_{other}"] = r.seconds / o.seconds
        local = by_case.get(f"{r.key}-peak", {}).get("numpy")
        peak = local.gflops if local is not None else peaks.get(r.peak_key)
        if r.gflops and peak and not r.key.endswith("peak"):
            r.extra["peak_gflops"] = peak
            r.extra["frac_peak"] = r.gflops / peak
    return rows


def _f(x, fmt):
    return format(x, fmt) if x is not None else ""


def table(rows):
    """The rows as a Markdown table (readable in a terminal too)."""
    head = ["case", "impl", "seconds", "examples/s", "GFLOP/s", "% peak", "x PyTorch", "x sklearn",
            "peak RSS MB", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        e = r.extra
        rss = ""
        if "peak_mb" in e:
            rss = f"{e['peak_mb']:.0f} ({e['peak_mb'] - e['baseline_mb']:.0f} above imports; data {e['data_mb']:.0f})"
        cells = [r.case, r.impl, _f(r.seconds, ".4g"), _f(r.examples_per_s, ",.0f"), _f(r.gflops, ".1f"),
                 _f(e.get("frac_peak") and 100 * e["frac_peak"], ".0f"), _f(e.get("x_pytorch"), ".2f"),
                 _f(e.get("x_sklearn"), ".2f"), rss, r.note]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets_table(results):
    lines = ["| target | measured | status |", "|---|---|---|"]
    lines += [f"| {t['target']} | {t['value']} | {t['status']} |" for t in results]
    return "\n".join(lines)


def machine_lines(machine):
    """The machine as Markdown bullet lines: CPU, cores, versions, BLAS, OpenBLAS environment."""
    blas = "; ".join(f"{b.get('internal_api')} {b.get('version')} ({b.get('shipped_with')}, {b.get('architecture')}, "
                     f"{b.get('num_threads')} threads)" for b in machine["blas"] if b.get("user_api") == "blas")
    return [
        f"- CPU: {machine['cpu']}, {machine['cores']} cores",
        f"- Python {machine['python']}, NumPy {machine['numpy']}, PyTorch {machine.get('torch')} "
        f"({machine.get('torch_threads')} threads), scikit-learn {machine['sklearn']}",
        f"- BLAS: {blas}",
        f"- environment: {', '.join(f'{k}={v}' for k, v in sorted(machine['env'].items())) or 'none set'}",
    ]


def markdown(result, rows, targets):
    """The run as a Markdown document: machine, table, targets."""
    return "\n".join([
        f"## Run of {result['started']} ({result['seconds']:.0f} s, median of {result['repeats']} rounds"
        f"{', quick sizes' if result['quick'] else ''})", "",
        *machine_lines(result["machine"]),
        "- 1-minute load average before -> after each case (2 cores; above 2 the cases compete with other work): "
        + ", ".join(f"{k} {a:.1f} -> {b:.1f}" for k, (a, b) in result.get("load_average", {}).items()),
        "", table(rows), "", targets_table(targets), "",
    ])
