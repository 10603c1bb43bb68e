"""Serve the playground with uvicorn: on 127.0.0.1 unless told otherwise, with a warning when not."""

from __future__ import annotations

import sys
import threading
import webbrowser
from collections.abc import Iterable
from typing import Any

from .hosts import LOOPBACK_NAMES, allow_list, is_loopback
from .page import MAX_TRAINING

MAX_WEBSOCKET_BYTES = 12 * 1024 * 1024  # a 5 MB CSV, JSON-escaped, fits
__all__ = ["LOOPBACK_NAMES", "config", "host_warning", "is_loopback", "serve", "url_of"]


def host_warning(host: str, port: int = 8000, allow_hosts: Iterable[str] = ()) -> str | None:
    """The warning printed when serving beyond the loopback interface (what is exposed, to whom), else None."""
    if is_loopback(host):
        return None
    where = "every interface" if host in ("0.0.0.0", "::", "") else host
    names = ", ".join(allow_list(host, allow_hosts))
    return (
        f"warning: serving on {where}, port {port}, not the loopback interface: anyone who can reach this machine "
        f"there can use the playground without a password: train up to {MAX_TRAINING} networks at once on one "
        "core of this machine, upload CSV files (parsed as numbers, never stored) and download models. "
        f"Requests must name the server by an IP address or by one of: {names} (add names with --allow-host). "
        "Use --host 127.0.0.1 to keep it local."
    )


def url_of(host: str, port: int) -> str:
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"


def config(
    host: str = "127.0.0.1", port: int = 8000, log_level: str = "warning", allow_hosts: Iterable[str] = ()
) -> Any:
    """The uvicorn Config of the playground on host:port. Its Host allow-list (``hosts.allow_list``) holds
    on every interface: loopback names, the bound name and ``allow_hosts``, besides IP addresses."""
    import uvicorn

    from .app import create_app

    return uvicorn.Config(
        create_app(allowed_hosts=allow_list(host, allow_hosts)),
        host=host,
        port=port,
        log_level=log_level,
        ws_max_size=MAX_WEBSOCKET_BYTES,
        ws_ping_interval=20,
        lifespan="off",
    )


def serve(
    host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True, allow_hosts: Iterable[str] = ()
) -> None:
    """Run the playground until Ctrl-C: prints its URL and opens the default browser unless told not to.
    In a notebook use ``layerwise.playground.show()``, which runs it in a process of its own."""
    import uvicorn
    from threadpoolctl import threadpool_limits  # scikit-learn's dependency

    warning = host_warning(host, port, allow_hosts)
    if warning:
        print(warning, file=sys.stderr)
    server = uvicorn.Server(config(host, port, allow_hosts=allow_hosts))
    url = url_of(host, port)
    print(f"layerwise playground: {url}  (Ctrl-C stops it)", flush=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    with threadpool_limits(limits=1, user_api="blas"):  # tiny products: one BLAS thread, one core
        server.run()
