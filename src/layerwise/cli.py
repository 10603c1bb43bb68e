"""The ``layerwise`` command: a thin layer over the public API. ``main(argv) -> exit code``.

    layerwise train DATA --target COL --out MODEL [options]   fit a network on a data file, save it
    layerwise predict MODEL DATA [--proba] [--out FILE]       predictions for new data
    layerwise evaluate MODEL DATA [--target COL]              accuracy/F1/confusion matrix, or R^2/MAE
    layerwise info MODEL                                      the layer table and the file's metadata
    layerwise demo [--out-dir DIR]                            the flower and digits networks, with pictures
    layerwise search ...                                      hyperparameter search (layerwise[search])

A user's mistake (a missing file or column, a bad option value) prints one line,
``layerwise: error: ...``, on stderr and exits with code 2. Heavy modules load only when used.
"""
from __future__ import annotations

import argparse
import sys

from .argtypes import fraction, positive_float, positive_int


class UsageError(Exception):
    """A mistake in the command line or its inputs: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print the usage block and exit; we want one line
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _hidden(text):
    """'20,7,5' -> (20, 7, 5); '' or 'none' -> () (no hidden layer: logistic/linear regression)."""
    if text.strip().lower() in ("", "none"):
        return ()
    try:
        sizes = tuple(int(n) for n in text.split(","))
    except ValueError:
        sizes = (0,)
    if min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected layer sizes like 20,7,5 (positive integers), got {text!r}")
    return sizes


def _batch_size(text):
    return "auto" if text == "auto" else positive_int(text)


def _configure_train(p):
    from .commands import train

    p.add_argument("data", metavar="DATA", help="data file: .csv, .parquet, .npy, .npz, .h5/.hdf5")
    p.add_argument("--target", required=True, metavar="COL",
                   help="target column (several for multi-output: a,b); for .npy a column number, e.g. -1")
    p.add_argument("--out", required=True, metavar="MODEL", help="model file to write, e.g. model.safetensors")
    p.add_argument("--task", choices=["auto", "classification", "regression"], default="auto",
                   help="auto (default): regression for real-valued targets, classification otherwise")
    p.add_argument("--hidden", type=_hidden, default=(100,), metavar="N1,N2,...",
                   help="hidden layer sizes, e.g. 20,7,5 (default 100; 'none' for no hidden layer)")
    p.add_argument("--activation", default="relu", help="hidden activation: relu (default), tanh, sigmoid, "
                   "leaky_relu, linear")
    p.add_argument("--solver", default="adam", help="optimizer: adam (default), sgd, ... (see the estimators)")
    p.add_argument("--learning-rate", type=positive_float, default=0.001, metavar="LR", help="default 0.001")
    p.add_argument("--epochs", type=positive_int, default=200, metavar="N",
                   help="maximum passes over the data (max_iter; default 200)")
    p.add_argument("--batch-size", type=_batch_size, default="auto", metavar="B",
                   help="minibatch size, or auto (default: min(200, m))")
    p.add_argument("--alpha", type=float, default=1e-4, help="L2 penalty (default 1e-4, as scikit-learn)")
    p.add_argument("--validation-fraction", type=fraction, default=0.1, metavar="F",
                   help="share of the data held out to score each epoch and stop early (default 0.1; 0: none)")
    p.add_argument("--scale", choices=["standard", "minmax", "none"], default="standard",
                   help="feature scaling fitted on the training data and saved with the model (default standard)")
    p.add_argument("--dtype", choices=["float32", "float64"], default=None, help="float dtype (default: the data's)")
    p.add_argument("--seed", type=int, default=None, help="random_state for weights and shuffling")
    p.add_argument("--verbose", type=int, choices=[0, 1, 2], default=1,
                   help="0 silent, 1 progress bar on a terminal (default), 2 one line per epoch")
    p.add_argument("--plot", metavar="PNG", help="also save the cost curve to this picture")
    p.add_argument("--distributed", action="store_true", help="train on the processes started by mpiexec or srun, "
                   "each reading its own rows of DATA (layerwise[mpi]; see docs/guide/distributed.md)")
    p.add_argument("--checkpoint-every", type=positive_int, default=None, metavar="K",
                   help="every K epochs write MODEL.ckpt beside --out (weights, optimizer, epoch, RNG state)")
    p.add_argument("--resume", action="store_true", help="continue from MODEL.ckpt when it exists")
    p.set_defaults(func=train)


def _configure_predict(p):
    from .commands import predict

    p.add_argument("model", metavar="MODEL", help="model file written by 'layerwise train' or layerwise.save")
    p.add_argument("data", metavar="DATA", help="data file with the model's feature columns")
    p.add_argument("--proba", action="store_true", help="class probabilities instead of classes")
    p.add_argument("--out", metavar="FILE", help="write .csv or .npy here instead of CSV on stdout")
    p.set_defaults(func=predict)


def _configure_evaluate(p):
    from .commands import evaluate

    p.add_argument("model", metavar="MODEL", help="model file")
    p.add_argument("data", metavar="DATA", help="data file with features and the target")
    p.add_argument("--target", metavar="COL", help="target column (default: the one the model was trained on)")
    p.set_defaults(func=evaluate)


def _configure_info(p):
    from .commands import info

    p.add_argument("model", metavar="MODEL", help="model file")
    p.set_defaults(func=info)


def _configure_demo(p):
    from .commands import demo

    p.add_argument("--out-dir", default="layerwise-demo", metavar="DIR",
                   help="folder for the pictures and the model file (default ./layerwise-demo)")
    p.set_defaults(func=demo)


def _configure_search(p):
    """The search helper's subcommand; a stub that explains what is missing when it cannot load."""
    try:
        from .search import cli as search_cli
    except ImportError as exc:
        reason = str(exc)
        p.set_defaults(func=lambda args: _fail(f"search is unavailable ({reason}); pip install 'layerwise[search]'"),
                       accepts_any=True)
        return
    search_cli.configure(p)


def _fail(message):
    raise UsageError(message)


_COMMANDS = {  # name -> (configure, one-line help)
    "train": (_configure_train, "fit a network on a data file and save it"),
    "predict": (_configure_predict, "predict with a saved model"),
    "evaluate": (_configure_evaluate, "score a saved model on labelled data"),
    "info": (_configure_info, "show a model file's layers and metadata"),
    "demo": (_configure_demo, "the flower and digits networks, with pictures (what 'make demo' runs)"),
    "search": (_configure_search, "hyperparameter search on a Dask cluster (needs layerwise[search])"),
}


def build_parser(command=None):
    """The parser; only ``command``'s options are built (all when None), so its imports stay lazy."""
    from . import __version__

    parser = _Parser(prog="layerwise", description="Fully connected neural networks, in the notation of "
                     "the course 'Neural Networks and Deep Learning'.")
    parser.add_argument("--version", action="version", version=f"layerwise {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for name, (configure, help_) in _COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_[0].upper() + help_[1:] + ".")
        if command in (None, name):
            configure(p)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    try:
        parser = build_parser(command if command in _COMMANDS else "")
        args, extra = parser.parse_known_args(argv)
        if extra and not getattr(args, "accepts_any", False):
            raise UsageError(f"unrecognized arguments: {' '.join(extra)} (see 'layerwise {args.command} --help')")
        return int(args.func(args) or 0)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print("layerwise: interrupted", file=sys.stderr)
        return 130
    except (UsageError, ValueError, OSError, ImportError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"layerwise: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
