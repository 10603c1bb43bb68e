"""Serve the playground with uvicorn: on 127.0.0.1 unless told otherwise, with a warning when not."""

from __future__ import annotations

import ipaddress
import sys
import threading
import webbrowser

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
MAX_WEBSOCKET_BYTES = 12 * 1024 * 1024  # a 5 MB CSV, JSON-escaped, fits


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_warning(host):
    """The warning printed when serving beyond the loopback interface, else None."""
    if is_loopback(host):
        return None
    return (
        f"warning: serving on {host}, not the loopback interface: anyone who can reach this machine can use "
        "the playground (and its CPU). Use --host 127.0.0.1 to keep it local."
    )


def url_of(host, port):
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"


def config(host="127.0.0.1", port=8000, log_level="warning"):
    """The uvicorn Config of the playground on host:port (Host headers limited to loopback names there)."""
    import uvicorn

    from .app import create_app

    allowed = [*LOOPBACK_NAMES, host] if is_loopback(host) else None
    return uvicorn.Config(
        create_app(allowed_hosts=allowed),
        host=host,
        port=port,
        log_level=log_level,
        ws_max_size=MAX_WEBSOCKET_BYTES,
        ws_ping_interval=20,
        lifespan="off",
    )


def serve(host="127.0.0.1", port=8000, open_browser=True):
    """Run the playground until Ctrl-C: prints its URL and opens the default browser unless told not to."""
    import uvicorn
    from threadpoolctl import threadpool_limits  # scikit-learn's dependency

    if host_warning(host):
        print(host_warning(host), file=sys.stderr)
    server = uvicorn.Server(config(host, port))
    url = url_of(host if host not in ("0.0.0.0", "::") else "127.0.0.1", port)
    print(f"layerwise playground: {url}  (Ctrl-C stops it)", flush=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    with threadpool_limits(limits=1, user_api="blas"):  # tiny products: one BLAS thread, one core
        server.run()
