"""Week 2: broadcasting, with the lecture's calories table.

Calories from carbohydrate, protein and fat in 100 g of four foods (the lecture's numbers)::

                 apples   beef   eggs   potatoes
    carbs          56.0    0.0    4.4       68.0
    protein         1.2  104.0   52.0        8.0
    fat             1.8  135.0   99.0        0.9

Each food's share of calories from each source is one broadcast division: A (3, 4) divided by its
column sums (1, 4), stretched over the 3 rows, ``100 * A / A.sum(axis=0)``. No loop, no copy of the
sums. The same rule adds b[l] (n[l], 1) to W[l] A[l-1] (n[l], m) in every layer.

    python examples/week2_broadcasting.py [--quick] [--out-dir DIR]
"""

from __future__ import annotations

import _common
import numpy as np

FOODS = ["apples", "beef", "eggs", "potatoes"]
SOURCES = ["carbs", "protein", "fat"]
A = np.array([[56.0, 0.0, 4.4, 68.0], [1.2, 104.0, 52.0, 8.0], [1.8, 135.0, 99.0, 0.9]])  # (3 sources, 4 foods)


def main(argv=None):
    args = _common.parser("week2_broadcasting", __doc__.splitlines()[0]).parse_args(argv)
    cal = A.sum(axis=0)  # (4,): total calories of each food
    percentage = 100 * A / cal.reshape(1, 4)  # (3, 4) / (1, 4) -> (3, 4): broadcast over the rows
    print(
        f"A has shape {A.shape}; its column sums cal = A.sum(axis=0) have shape {cal.shape}: "
        + ", ".join(f"{f} {c:.1f}" for f, c in zip(FOODS, cal))
    )
    print("percentage of calories = 100 * A / cal.reshape(1, 4):")
    print(f"{'':>10}" + "".join(f"{f:>10}" for f in FOODS))
    for source, row in zip(SOURCES, percentage):
        print(f"{source:>10}" + "".join(f"{v:10.1f}" for v in row))
    print("each column sums to 100: " + ", ".join(f"{v:.1f}" for v in percentage.sum(axis=0)))

    # the other broadcasting rules of the lecture: a column plus a number, a matrix plus a row or a column
    print(
        "broadcasting rules: (m, n) op (1, n) copies the row m times; (m, n) op (m, 1) copies the column "
        "n times; a number is copied everywhere"
    )
    print("  [1, 2, 3, 4]^T + 100 =", (np.array([[1], [2], [3], [4]]) + 100).ravel().tolist())
    print(
        "  [[1, 2, 3], [4, 5, 6]] + [100, 200, 300] =",
        (np.array([[1, 2, 3], [4, 5, 6]]) + np.array([[100, 200, 300]])).tolist(),
    )
    print(
        "  [[1, 2, 3], [4, 5, 6]] + [[100], [200]] =",
        (np.array([[1, 2, 3], [4, 5, 6]]) + np.array([[100], [200]])).tolist(),
    )

    fig, ax = _common.new_figure(figsize=(6.4, 3.6))
    bottom = np.zeros(4)
    for source, row in zip(SOURCES, percentage):
        ax.bar(FOODS, row, bottom=bottom, label=source)
        bottom += row
    ax.set(ylabel="% of calories", title="Where the calories come from: 100 * A / A.sum(axis=0)")
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, -0.08), ncols=3)
    _common.save(fig, args, "calories.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
