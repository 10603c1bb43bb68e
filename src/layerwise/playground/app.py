"""The Starlette app: the page, its static files, the schema, and one WebSocket per page.

A page's WebSocket life cycle: the Host is checked (``hosts.HostCheck``), then the origin before
``accept`` (a page of another site is refused); at most ``MAX_PAGES`` pages are connected at once (the
next one hears why and is closed). One task reads the socket into a short queue while another does the
page's messages in order (``page.Page``), so a closed socket is seen at once: the page's play loop and
its waiting jobs are cancelled, and the job running, one short slice, is its last. A frame is one binary
message: a 4-byte little-endian length, that many bytes of JSON, then the heatmaps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Message
from starlette.websockets import WebSocket, WebSocketDisconnect

from .hosts import HostCheck
from .page import Page, describe
from .scheduler import FairScheduler
from .settings import schema
from .wire import dumps

STATIC = Path(__file__).parent / "static"
MAX_PAGES = 32  # pages connected at once (each holds its data and network)
MAX_WAITING = 16  # messages of one page waiting to be done; more are refused, not queued
HEADERS = {
    # frames: only this server's pages and loopback ones (a notebook's iframe); no other site can frame it
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
    "frame-ancestors 'self' http://localhost:* http://127.0.0.1:* https://localhost:* https://127.0.0.1:*",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def same_origin(websocket: WebSocket) -> bool:
    """True when the handshake's Origin is this server (or absent: not a browser, which no page can fake)."""
    origin, host = websocket.headers.get("origin"), websocket.headers.get("host", "")
    return origin is None or origin in (f"http://{host}", f"https://{host}")


async def do_messages(page: Page, inbox: asyncio.Queue[Message]) -> None:
    """The page's messages in order; any error answers in the page's error box and the page goes on."""
    while True:
        message = await inbox.get()
        try:
            if message.get("text") is None:
                raise ValueError("binary messages are not accepted; send JSON text")
            await page.handle(message["text"])
        except WebSocketDisconnect:
            return
        except Exception as exc:
            try:
                await page.error(describe(exc))
            except Exception:  # the socket is gone: the reader ends the page
                return


async def websocket_endpoint(websocket: WebSocket) -> None:
    if not same_origin(websocket):
        await websocket.close(code=1008)  # before accept: the handshake is refused (HTTP 403)
        return
    await websocket.accept()
    app = websocket.app
    if len(app.state.pages) >= MAX_PAGES:
        refusal = f"{MAX_PAGES} pages are open on this server already, the most it serves; close one and reload"
        await websocket.send_text(dumps({"type": "error", "message": refusal}))
        await websocket.close(code=1013)  # try again later
        return
    page = Page(websocket, app.state.compute, app.state.pages)
    app.state.pages.add(page)
    app.state.compute.join(page)
    inbox: asyncio.Queue[Message] = asyncio.Queue(maxsize=MAX_WAITING)
    worker = asyncio.create_task(do_messages(page, inbox))
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            if inbox.full():
                await page.error(f"{MAX_WAITING} messages are waiting already; this one is dropped, wait for answers")
            else:
                inbox.put_nowait(message)
    except WebSocketDisconnect:
        pass
    finally:  # a closed tab stops its work; no await here, this may run while being cancelled
        app.state.pages.discard(page)
        page.close()
        worker.cancel()
        app.state.compute.leave(page)


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers=HEADERS)


async def schema_json(request: Request) -> Response:
    return JSONResponse(schema(), headers=HEADERS)


def create_app(allowed_hosts: Iterable[str] | None = None) -> Starlette:
    """The playground app. ``allowed_hosts``: the names the Host header may carry besides IP addresses
    (``hosts.allow_list``), the guard against DNS rebinding; None answers any Host (tests)."""
    app = Starlette(
        routes=[
            Route("/", index),
            Route("/schema.json", schema_json),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
            WebSocketRoute("/ws", websocket_endpoint),
        ],
        middleware=[Middleware(HostCheck, allowed=None if allowed_hosts is None else list(allowed_hosts))],
    )
    app.state.compute = FairScheduler()
    app.state.pages = set()
    return app
