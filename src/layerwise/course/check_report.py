"""The checker's report: one row per function checked, as plain text in a terminal and an HTML table in Jupyter.

``Report`` holds one ``FunctionResult`` per function (its ``KeyResult`` per output key, an error the
function raised, notes such as the cache swap's verdict). ``report.passed`` is True when every function
passed; ``report["L_model_backward"]["dW1"]`` is one key's result; ``str(report)`` is the text table;
``report._repr_html_()`` the table Jupyter shows when the report is a cell's value.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field

from .check_compare import KeyResult


@dataclass
class FunctionResult:
    """What ``check`` found for one function: per key results, an error it raised, notes."""

    name: str
    week: int
    keys: dict[str, KeyResult] = field(default_factory=dict)
    error: str = ""  # the exception the learner's function raised, with the case
    notes: list[str] = field(default_factory=list)
    cases: int = 0

    @property
    def passed(self) -> bool:
        return not self.error and all(k.passed for k in self.keys.values())

    def __getitem__(self, key: str) -> KeyResult:
        return self.keys[key]

    def failed_keys(self) -> list[KeyResult]:
        return [k for k in self.keys.values() if not k.passed]

    def details(self) -> list[str]:
        """The lines of the report's last column: failures grouped by cause, or the passing summary."""
        if self.error:
            return [self.error, *self.notes]
        lines: list[str] = []
        groups: dict[tuple[str, str], list[KeyResult]] = {}
        for k in self.failed_keys():
            groups.setdefault((k.cause, k.detail if not k.cause else ""), []).append(k)
        for (cause, _), ks in groups.items():
            first = ks[0]
            line = f"{', '.join(k.key for k in ks)}: {first.detail}"
            if cause:
                line += f"; likely cause: {cause}"
            if first.numerical is not None:
                line += f"; relative error against numerical gradients {first.numerical:.2g}"
            lines.append(line + f" [{first.case}]")
        if not lines:
            num = [k.numerical for k in self.keys.values() if k.numerical is not None]
            n, c = len(self.keys), self.cases
            line = f"{'all ' + str(n) + ' outputs agree' if n > 1 else 'its output agrees'} with the reference"
            line += f" in {c} case{'s' if c > 1 else ''}"
            if num:
                line += f"; gradients match numerical ones (relative error {max(num):.1g})"
            lines.append(line)
        return lines + self.notes


class Report:
    """Every function checked: ``passed``, ``[name]``, iteration, text (``str``) and HTML (``_repr_html_``)."""

    def __init__(self, functions: list[FunctionResult], looked_for: list[str] | None = None) -> None:
        self.functions = functions
        self.looked_for = looked_for or []

    @property
    def passed(self) -> bool:
        return bool(self.functions) and all(f.passed for f in self.functions)

    def __getitem__(self, name: str) -> FunctionResult:
        for f in self.functions:
            if f.name == name:
                return f
        raise KeyError(f"{name!r} was not checked; checked: {[f.name for f in self.functions]}")

    def __iter__(self) -> Iterator[FunctionResult]:
        return iter(self.functions)

    def __len__(self) -> int:
        return len(self.functions)

    def _empty(self) -> str:
        return "no course function found; looked for: " + ", ".join(self.looked_for)

    def to_text(self, width: int = 110) -> str:
        """The table as text: function, week, result, then the details wrapped under the last column."""
        if not self.functions:
            return self._empty()
        w = max(len("function"), *(len(f.name) for f in self.functions))
        head = f"{'function':<{w}}  week  result  details"
        out = [head, "-" * len(head)]
        indent = " " * (w + 16)
        for f in self.functions:
            result = "pass" if f.passed else "FAIL"
            first = True
            for line in f.details():
                for piece in textwrap.wrap(line, max(40, width - len(indent))) or [""]:
                    lead = f"{f.name:<{w}}  {f.week:<4}  {result:<6}  " if first else indent
                    out.append(lead + piece)
                    first = False
        passed = sum(f.passed for f in self.functions)
        out.append(f"{passed} of {len(self.functions)} functions pass")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """One row per function; failing rows marked, each failing key with its difference and likely cause."""
        if not self.functions:
            return f"<p>{html.escape(self._empty())}</p>"
        rows = []
        for f in self.functions:
            color = "#e6f4ea" if f.passed else "#fce8e6"
            details = "<br>".join(html.escape(d) for d in f.details())
            result = "pass" if f.passed else "<b>FAIL</b>"
            rows.append(
                f'<tr style="background:{color}"><td><code>{html.escape(f.name)}</code></td>'
                f'<td>{f.week}</td><td>{result}</td><td style="text-align:left">{details}</td></tr>'
            )
        passed = sum(f.passed for f in self.functions)
        return (
            '<table class="layerwise-check"><thead><tr><th>function</th><th>week</th><th>result</th>'
            f"<th>details</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p>{passed} of {len(self.functions)} functions pass</p>"
        )

    def to_dict(self) -> dict[str, object]:
        """Plain data: {"passed": bool, "functions": {name: {"passed", "week", "details"}}} (the command's JSON)."""
        return {
            "passed": self.passed,
            "functions": {f.name: {"passed": f.passed, "week": f.week, "details": f.details()} for f in self.functions},
        }


__all__ = ["FunctionResult", "Report"]
