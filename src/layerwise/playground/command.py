"""``layerwise playground [--host 127.0.0.1] [--port 8000] [--no-browser]``: ``configure(parser)``, ``run(args)``."""
from __future__ import annotations

import argparse
import socket
import sys


def port_number(text):
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return port


def configure(parser):
    parser.description = ("A local web page where the course's networks learn live (Starlette + uvicorn; "
                          "pip install 'layerwise[web]'). Training runs in layerwise; the page draws.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="interface to listen on (default 127.0.0.1, this machine only; anything else warns)")
    parser.add_argument("--port", type=port_number, default=8000, help="TCP port (default 8000)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the default web browser")


def check_free(host, port):
    """An error sentence if host:port cannot be listened on, else None."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except OSError as exc:
        return f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port or --host"
    return None


def run(args) -> int:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        print("layerwise: error: the playground needs the web extra: pip install 'layerwise[web]'", file=sys.stderr)
        return 2
    problem = check_free(args.host, args.port)
    if problem:
        print(f"layerwise: error: {problem}", file=sys.stderr)
        return 2
    from .server import serve

    try:
        serve(args.host, args.port, open_browser=not args.no_browser)
    except KeyboardInterrupt:
        pass
    return 0
