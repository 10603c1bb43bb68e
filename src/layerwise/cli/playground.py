"""``layerwise playground [--host 127.0.0.1] [--port 8000] [--allow-host NAME] [--no-browser]``: the live web
page (layerwise[web])."""

from __future__ import annotations

import argparse
import socket

from .errors import UsageError


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return port


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "A local web page where the course's networks learn live: training runs in layerwise "
        "on this machine, the page draws. Needs the web extra: pip install 'layerwise[web]'."
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1, this machine only; anything else warns)",
    )
    parser.add_argument("--port", type=port_number, default=8000, help="TCP port (default 8000)")
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name the server answers to besides IP addresses and localhost (repeatable): the guard "
        "against DNS rebinding holds on every interface, so name this machine here when serving beyond it",
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open the default web browser")


def check_free(host: str, port: int) -> None:
    """UsageError if host:port cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port or --host"
        ) from None


def run(args: argparse.Namespace) -> int:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise ImportError("the playground needs the web extra: pip install 'layerwise[web]'") from None
    from ..playground import serve
    from ..playground.hosts import check_name

    try:
        allow = [check_name(name) for name in args.allow_host]
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    check_free(args.host, args.port)
    try:
        serve(args.host, args.port, open_browser=not args.no_browser, allow_hosts=allow)
    except KeyboardInterrupt:
        pass
    return 0
