"""Which Host headers the playground answers: the guard against DNS rebinding, on every interface.

A DNS-rebinding attack makes a browser send a page of the attacker's site to this server under the
attacker's host name, so the Host header names the attacker. The server therefore answers only a Host
that is an IP address literal (no rebinding can produce one: it needs a name to re-resolve) or a name
on its allow-list: the loopback names, the name it was told to bind, and those given with
``--allow-host``. IPv6 literals come in brackets (``[::1]:8000``), as browsers send them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Any

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """True for a loopback name or address (127.0.0.0/8, ::1)."""
    return host == "localhost" or (is_ip(host) and ipaddress.ip_address(host).is_loopback)


def check_name(text: str) -> str:
    """A name for ``--allow-host``, lower-cased; ValueError saying what a name looks like."""
    name = text.strip().lower().rstrip(".")
    if not NAME.match(name):
        raise ValueError(
            f"--allow-host: {text!r:.80} is not a host name; give a name such as myhost.example "
            "(IP addresses are always answered)"
        )
    return name


def allow_list(host: str, names: Iterable[str] = ()) -> list[str]:
    """The names answered when bound to ``host``: loopback names, the bound name, ``names``."""
    own = [] if is_ip(host) else [host.lower()]
    return list(dict.fromkeys([*LOOPBACK_NAMES, *own, *(check_name(n) for n in names)]))


def host_of(header: str) -> str:
    """The host of a Host header without its port: ``[::1]:80`` -> ``::1``, ``a.b:80`` -> ``a.b``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    name, _, port = header.rpartition(":")
    return (name if name and port.isdigit() else header).rstrip(".")


def host_allowed(header: str, allowed: Iterable[str] | None) -> bool:
    """True when a request with this Host header is answered (``allowed`` None: every Host is)."""
    if allowed is None:
        return True
    host = host_of(header)
    return bool(host) and (is_ip(host) or host in allowed)


class HostCheck:
    """ASGI middleware: a request whose Host is not allowed gets 400; a WebSocket handshake, 403."""

    def __init__(self, app: Any, allowed: Iterable[str] | None) -> None:
        self.app, self.allowed = app, None if allowed is None else {n.lower() for n in allowed}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            header = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if not host_allowed(header, self.allowed):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})  # before accept: HTTP 403
                    return
                body = b"Invalid host header: name this server by its IP address or an allowed name"
                await send(
                    {"type": "http.response.start", "status": 400, "headers": [(b"content-type", b"text/plain")]}
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
