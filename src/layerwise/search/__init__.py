"""Hyperparameter search: grid, random and Optuna TPE, trials on Dask distributed.

``search(estimator, space, X, y, ...)`` runs it from Python; ``layerwise search DATA --target COL
--space space.toml`` from the command line (see layerwise.cli.search).
"""

from .api import SearchResult, make_folds, search
from .cluster import ClusterError
from .space import load_space, parse_space

__all__ = ["search", "SearchResult", "make_folds", "parse_space", "load_space", "ClusterError"]
