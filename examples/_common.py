"""What every example shares: its command line, where figures go, where the cat images are.

Each example is ``python examples/<name>.py [--quick] [--out-dir DIR]`` and saves its figures as PNG
files into ``DIR`` (default ``./example-output/<name>``), drawn with matplotlib's Figure API (no pyplot,
no window). Examples that need the course's cat images also take ``--data-dir``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(HERE.parent / "src"))


def cat_dir_candidates():
    """Where the course's cat images may be: layerwise.datasets' one rule ($LAYERWISE_CAT_DIR, ../shared)."""
    from layerwise.datasets import cat_dir_candidates

    return cat_dir_candidates()


def default_cat_dir():
    """The first candidate folder that holds the images (or the first candidate, for the error message)."""
    from layerwise.datasets import find_cat_dir

    try:
        return find_cat_dir()
    except FileNotFoundError:
        return (cat_dir_candidates() or [Path("shared/datasets/catvnoncat")])[0]


def parser(name, description, cats=False):
    """The shared arguments: --quick, --out-dir, and --data-dir for examples on the cat images."""
    p = argparse.ArgumentParser(prog=f"{name}.py", description=description)
    p.add_argument("--quick", action="store_true", help="fewer iterations: finishes in seconds")
    p.add_argument(
        "--out-dir",
        type=Path,
        default=Path("example-output") / name,
        help="folder for the PNG figures (default: ./example-output/%(default)s)",
    )
    p.add_argument("--dpi", type=int, default=80, help="resolution of the saved figures")
    if cats:
        p.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="folder with train_catvnoncat.h5 and test_catvnoncat.h5 "
            "(default: $LAYERWISE_CAT_DIR or the shared datasets folder)",
        )
    return p


def load_cats(data_dir):
    """The cat images in the course's layout, X (12288, m), Y (1, m); exits with a clear message if absent."""
    folder = Path(data_dir) if data_dir is not None else default_cat_dir()
    if not (folder / "train_catvnoncat.h5").is_file() or not (folder / "test_catvnoncat.h5").is_file():
        tried = [str(folder)] if data_dir is not None else [str(c) for c in cat_dir_candidates()]
        sys.exit(
            "error: the course's cat images (train_catvnoncat.h5, test_catvnoncat.h5) were not found in "
            + ", ".join(tried)
            + ". Pass --data-dir FOLDER or set LAYERWISE_CAT_DIR."
        )
    from layerwise.datasets import load_catvnoncat  # imported after the check: a missing folder fails fast

    return load_catvnoncat(str(folder), layout="course")


def new_figure(*args, **kwargs):
    """A matplotlib Figure (Figure API: no pyplot, no GUI backend), as ``Figure.subplots`` returns."""
    from matplotlib.figure import Figure

    figsize = kwargs.pop("figsize", (6.4, 4.0))
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(*args, **kwargs)


def save(fig, args, filename):
    """Write ``fig`` to ``args.out_dir / filename`` (PNG) and say where."""
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = args.out_dir / filename
    tmp = path.with_name(f".{path.name}.tmp")
    fig.savefig(tmp, dpi=args.dpi, format="png")
    os.replace(tmp, path)  # atomic: a reader never sees half a PNG
    print(f"saved {path}")
    return path


def draw_boundary(ax, predict, X, Y, title=None, steps=200):
    """Shade the regions ``predict`` assigns to each class and scatter the points on top.

    predict: X_grid (2, k) -> (1, k) of 0/1. X (2, m), Y (1, m): the course's layout.
    """
    import numpy as np

    pad = 1.0
    x0 = np.linspace(X[0].min() - pad, X[0].max() + pad, steps)
    x1 = np.linspace(X[1].min() - pad, X[1].max() + pad, steps)
    G0, G1 = np.meshgrid(x0, x1)  # (steps, steps) each
    grid = np.stack([G0.ravel(), G1.ravel()])  # (2, steps^2)
    Z = np.asarray(predict(grid)).reshape(G0.shape)
    ax.contourf(G0, G1, Z, levels=[-0.5, 0.5, 1.5], colors=["#f4c7c3", "#c6dbef"])
    ax.scatter(X[0], X[1], c=np.ravel(Y), cmap="RdBu", s=6, edgecolors="none")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
