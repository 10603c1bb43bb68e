"""The ``layerwise`` command: ``main(argv) -> exit code``, the parser, and the table of commands.

    layerwise train DATA --target COL --out MODEL [options]   fit a network on a data file, save it
    layerwise predict MODEL DATA [--proba] [--out FILE]       predictions for new data
    layerwise evaluate MODEL DATA [--target COL]              accuracy/F1/confusion matrix, or R^2/MAE
    layerwise info MODEL                                      the layer table and the file's metadata
    layerwise demo [--out-dir DIR]                            the flower and digits networks, with pictures
    layerwise search ...                                      hyperparameter search (layerwise[search])
    layerwise playground [--host H] [--port P] [--no-browser] the live web playground (layerwise[web])

Each command is a module of this package with ``configure(parser)`` (adds its options) and
``run(args) -> exit code``; adding a command is one line in ``COMMANDS``. A user's mistake (a missing
file or column, a bad option value) prints one line, ``layerwise: error: ...``, on stderr and exits
with code 2. A closed output pipe (``layerwise evaluate ... | head``) ends the command quietly with
status 141, as SIGPIPE ends other commands. Command modules load only when their command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from types import ModuleType
from typing import NoReturn

from .errors import UsageError, one_line

COMMANDS = {  # name -> (module in this package, one-line help)
    "train": ("train", "fit a network on a data file and save it"),
    "predict": ("predict", "predict with a saved model"),
    "evaluate": ("evaluate", "score a saved model on labelled data"),
    "info": ("info", "show a model file's layers and metadata"),
    "demo": ("demo", "the flower and digits networks, with pictures (needs layerwise[plot])"),
    "search": ("search", "hyperparameter search on a Dask cluster (needs layerwise[search])"),
    "playground": ("playground", "watch networks learn, live, in a local web page (needs layerwise[web])"),
    "check": ("check", "check a learner's course functions in a .py or .ipynb file against the course"),
}
_COMMANDS = COMMANDS  # the name the tests knew


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse would print the usage block and exit; we want one line
        raise UsageError(f"{message} (see '{self.prog} --help')")


def command_module(name: str) -> ModuleType:
    """The module that implements command ``name``."""
    return import_module(f"{__name__}.{COMMANDS[name][0]}")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s options are built (all when None), so its imports stay lazy."""
    from .. import __version__

    parser = _Parser(
        prog="layerwise",
        description="Fully connected neural networks, in the notation of "
        "the course 'Neural Networks and Deep Learning'.",
    )
    parser.add_argument("--version", action="version", version=f"layerwise {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for name, (_, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_[0].upper() + help_[1:] + ".")
        if command in (None, name):
            module = command_module(name)
            module.configure(p)
            p.set_defaults(func=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    try:
        parser = build_parser(command if command in COMMANDS else "")
        args, extra = parser.parse_known_args(argv)
        if extra:
            raise UsageError(f"unrecognized arguments: {' '.join(extra)} (see 'layerwise {args.command} --help')")
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except BrokenPipeError:  # `layerwise ... | head`: the reader left; end quietly, as SIGPIPE would
        _silence_stdout()
        return SIGPIPE_STATUS
    except KeyboardInterrupt:
        print("layerwise: interrupted", file=sys.stderr)
        return 130
    except (UsageError, ValueError, OSError, ImportError) as exc:
        print(f"layerwise: error: {one_line(exc)}", file=sys.stderr)  # file bytes escaped: no terminal control
        return 2


SIGPIPE_STATUS = 128 + 13  # the shell's status of a command that SIGPIPE ended


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a file descriptor (captured in a test)
        pass


__all__ = ["main", "build_parser", "COMMANDS", "UsageError"]

if __name__ == "__main__":
    sys.exit(main())
