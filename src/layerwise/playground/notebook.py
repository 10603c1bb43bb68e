"""The playground from a notebook: ``show()`` runs the server in a process of its own and shows the page in
the cell (an iframe); ``stop()`` ends it.

The server is ``layerwise playground --no-browser`` in a child process, so the kernel's event loop and
its BLAS threads are left alone. At most one is running: a second ``show()`` reuses it (a new
iframe on the same server), or, asked for another host or port, stops it and starts the new one. The
process ends with ``stop()``, and with the kernel (``atexit``; and when the kernel is killed, as the pipe
to the child's stdin closes).

Remote Jupyter: the iframe's address is ``url`` (``{port}`` is filled in), or the environment variable
``LAYERWISE_PLAYGROUND_URL``; ``proxy=True`` is jupyter-server-proxy's ``{prefix}proxy/{port}/`` path,
the prefix being ``JUPYTERHUB_SERVICE_PREFIX`` on a JupyterHub, ``/`` elsewhere.
"""

from __future__ import annotations

import atexit
import html
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .server import url_of

URL_VARIABLE = "LAYERWISE_PLAYGROUND_URL"
# the child: ``layerwise playground ARGS``, which also ends when its stdin closes: the kernel's end of that pipe
# closes however the kernel ends, killed included, so no server outlives the notebook that started it
CHILD = (
    "import os, sys, threading\n"
    "threading.Thread(target=lambda: (sys.stdin.buffer.read(), os._exit(0)), daemon=True).start()\n"
    "from layerwise.cli import main\n"
    "raise SystemExit(main(['playground', *sys.argv[1:]]))\n"
)
START_SECONDS = 60.0  # the longest show() waits for a fresh server to answer


class Server:
    """One playground process: its options, its local URL, its log file."""

    def __init__(self, host: str, port: int, allow_hosts: tuple[str, ...]) -> None:
        self.host, self.port, self.allow_hosts = host, port, allow_hosts
        self.url = url_of(host, port)
        self.log = tempfile.TemporaryFile()  # the server's output, shown if it fails to start
        command = [sys.executable, "-c", CHILD, "--no-browser", "--host", host, "--port", str(port)]
        for name in allow_hosts:
            command += ["--allow-host", name]
        env = dict(os.environ)
        src = Path(__file__).resolve().parents[2]  # a checkout's src/: the child imports this very layerwise
        if src.name not in ("site-packages", "dist-packages"):
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=self.log, stderr=subprocess.STDOUT, env=env
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace").strip()[-2000:]

    def wait_ready(self, timeout: float) -> None:
        """Return once the page answers 200; RuntimeError with the server's output if it ends or never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"the playground server ended before answering:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(
            f"the playground server did not answer at {self.url} within {timeout:.0f} s:\n{self.output()}"
        )

    def stop(self) -> None:
        """End the process (SIGTERM, then SIGKILL after 5 s) and wait for it."""
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.log.close()


class Playground:
    """What ``show()`` returns: shows the page as an iframe in a notebook cell, its address as text elsewhere."""

    def __init__(self, server: Server, src: str, width: int | str, height: int | str) -> None:
        self.server, self.url, self.src, self.width, self.height = server, server.url, src, width, height

    @property
    def pid(self) -> int:
        return self.server.process.pid

    def _repr_html_(self) -> str:
        return (
            f'<iframe src="{html.escape(self.src)}" width="{html.escape(str(self.width))}" '
            f'height="{html.escape(str(self.height))}" style="border: 1px solid #ddd" '
            'title="layerwise playground"></iframe>'
        )

    def __repr__(self) -> str:
        state = "running" if self.server.alive() else "stopped"
        return f"layerwise playground at {self.src} ({state}; layerwise.playground.stop() ends it)"

    def stop(self) -> None:
        if _current is self.server:
            stop()
        else:
            self.server.stop()


_current: Server | None = None


def free_port(host: str) -> int:
    """A TCP port nothing listens on now (the system's pick)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def iframe_src(server: Server, url: str | None, proxy: bool) -> str:
    """The iframe's address: ``url`` (or $LAYERWISE_PLAYGROUND_URL, or the proxy path) with {port} filled in."""
    if url is None and proxy:
        url = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/").rstrip("/") + "/proxy/{port}/"
    url = url or os.environ.get(URL_VARIABLE) or server.url
    return url.replace("{port}", str(server.port))


def show(
    port: int | None = None,
    host: str = "127.0.0.1",
    width: int | str = "100%",
    height: int | str = 760,
    url: str | None = None,
    proxy: bool = False,
    allow_hosts: Iterable[str] = (),
    timeout: float = START_SECONDS,
) -> Playground:
    """Start the playground in the background (or reuse the one running) and return what shows it in the cell.

    ``port``: None picks a free one (or keeps the running server's); ``host``: the interface, 127.0.0.1 by
    default; ``width``, ``height``: the iframe's; ``url``: the iframe's address when the browser reaches the
    server another way ("{port}" is filled in; default $LAYERWISE_PLAYGROUND_URL, else the server's own);
    ``proxy=True``: jupyter-server-proxy's path; ``allow_hosts``: the server's --allow-host names.
    """
    global _current
    if isinstance(port, bool) or not (port is None or (isinstance(port, int) and 1 <= port <= 65535)):
        raise ValueError(f"show: port must be a number from 1 to 65535 or None (a free one), got {port!r}")
    names = tuple(allow_hosts)
    old = _current
    if old is not None and not (
        old.alive() and old.host == host and port in (None, old.port) and old.allow_hosts == names
    ):
        stop()  # other options, or it died: replaced, never left running beside the new one
    if _current is None:
        server = Server(host, free_port(host) if port is None else port, names)
        try:
            server.wait_ready(timeout)
        except BaseException:  # Ctrl-C included: no server is left behind
            server.stop()
            raise
        _current = server
    return Playground(_current, iframe_src(_current, url, proxy), width, height)


def stop() -> None:
    """End the playground that ``show()`` started, if any; its port refuses connections once this returns."""
    global _current
    server, _current = _current, None
    if server is not None:
        server.stop()


def running() -> Any:
    """The server process ``show()`` started (a subprocess.Popen), or None."""
    return None if _current is None or not _current.alive() else _current.process


atexit.register(stop)
