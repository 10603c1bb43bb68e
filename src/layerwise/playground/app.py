"""The Starlette app: the page, its static files, the schema, and one WebSocket per page.

A page's WebSocket life cycle: the origin is checked before ``accept`` (a page of another site is
refused), then every text message is one JSON object ``{"type": ...}`` checked against ``HANDLERS``
and the settings schema; a refused message answers ``{"type": "error", "message": ...}`` and the page
goes on. Training runs in ONE worker thread shared by all pages (at most one core); a frame is one
binary message: a 4-byte little-endian length, that many bytes of JSON, then the heatmaps. Closing
the page cancels its training.
"""

from __future__ import annotations

import asyncio
import base64
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..engine import DivergenceError
from . import export
from .data import MAX_CSV_BYTES, parse_csv
from .session import Session
from .settings import BY_NAME, DEFAULTS, parse, schema

STATIC = Path(__file__).parent / "static"
MAX_MESSAGE = 2 * MAX_CSV_BYTES  # characters of one text message (a CSV travels JSON-escaped)
FRAME_SECONDS = 1 / 50  # the play loop's pace: at most 50 frames a second
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def same_origin(websocket):
    """True when the handshake's Origin is this server (or absent: not a browser, which no page can fake)."""
    origin, host = websocket.headers.get("origin"), websocket.headers.get("host", "")
    return origin is None or origin in (f"http://{host}", f"https://{host}")


class Page:
    """One connected page: its settings, its session and its play loop."""

    def __init__(self, websocket, compute):
        self.ws, self.compute = websocket, compute
        self.values, self.csv = parse(DEFAULTS), None
        self.session, self.playing, self.stopping = None, None, False
        self.stale = True  # a new CSV came: the next settings rebuild the data

    async def run_compute(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.compute, fn, *args)

    async def send_json(self, message):
        await self.ws.send_text(json.dumps(message))

    async def send_frame(self):
        info, maps = await self.run_compute(self.session.frame)
        head = json.dumps(info).encode()
        await self.ws.send_bytes(len(head).to_bytes(4, "little") + head + maps)

    async def error(self, message):
        await self.send_json({"type": "error", "message": str(message)})

    # ------------------------------------------------------------ messages
    async def on_settings(self, msg):
        values = parse(msg.get("settings"))  # ValueError: refused, the running session goes on
        if not self.stale and all(values[k] == self.values[k] for k in BY_NAME if BY_NAME[k].resets):
            self.values = values
            self.session.values = values  # view settings only (epochs per frame, test points)
            await self.send_json({"type": "accepted"})
            return
        session = await self.run_compute(Session, values, self.csv)
        await self.pause()
        self.values, self.session, self.stale = values, session, False
        await self.send_json(await self.run_compute(session.network))
        await self.send_json({"type": "accepted"})
        await self.send_frame()

    async def on_play(self, msg):
        if self.playing is None:
            self.playing = asyncio.create_task(self.play_loop())
            await self.send_json({"type": "state", "playing": True})

    async def on_pause(self, msg):
        await self.pause()

    async def on_step(self, msg):
        await self.pause()
        await self.train(1)
        await self.send_frame()

    async def on_reset(self, msg):
        await self.pause()
        await self.run_compute(self.session.reset)
        await self.send_json({"type": "reset"})
        await self.send_frame()

    async def on_gradcheck(self, msg):
        error = await self.run_compute(self.session.gradient_check)
        await self.send_json({"type": "gradcheck", "relative_error": error, "epoch": self.session.epoch})

    async def on_export(self, msg):
        data = await self.run_compute(export.model_bytes, self.session)
        name = f"playground-{self.values['dataset']}-epoch{self.session.epoch}"
        await self.send_json(
            {
                "type": "export",
                "filename": f"{name}.safetensors",
                "snippet_name": f"{name}.py",
                "model": base64.b64encode(data).decode(),
                "snippet": export.snippet(self.session),
            }
        )

    async def on_csv(self, msg):
        text = msg.get("text")
        if not isinstance(text, str):
            raise ValueError("csv: expected the file's text")
        self.csv = await self.run_compute(parse_csv, text)
        self.stale = True
        await self.send_json({"type": "csv", "rows": len(self.csv[1]), "task": self.csv[2]})

    # ------------------------------------------------------------ training
    async def train(self, epochs):
        try:
            await self.run_compute(self.session.step, epochs)
        except DivergenceError as exc:
            await self.error(exc)
            return False
        return True

    async def play_loop(self):
        loop = asyncio.get_running_loop()
        try:
            while not self.stopping:
                start = loop.time()
                if not await self.train(self.values["epochs_per_frame"]):
                    break
                await self.send_frame()  # the last frame sent shows the epoch training stopped at
                await asyncio.sleep(max(0.0, FRAME_SECONDS - (loop.time() - start)))
        finally:
            self.playing = None
            try:
                await self.send_json({"type": "state", "playing": False})
            except Exception:  # the page is gone
                pass

    async def pause(self):
        """Stop the play loop after its current frame (a computation in the worker thread is never cut)."""
        task = self.playing
        if task is not None:
            self.stopping = True
            try:
                await task
            except Exception:  # a closed socket ends the loop with an error: nothing left to stop
                pass
            finally:
                self.stopping = False

    async def handle(self, text):
        if len(text) > MAX_MESSAGE:
            raise ValueError(f"a message of {len(text)} characters; at most {MAX_MESSAGE} are accepted")
        try:
            msg = json.loads(text)
        except (ValueError, RecursionError):
            raise ValueError("a message that is not JSON") from None
        kind = msg.get("type") if isinstance(msg, dict) else None
        handler = HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            raise ValueError(f"unknown message type {kind!r:.40}; expected one of {', '.join(HANDLERS)}")
        if self.session is None and kind not in ("settings", "csv"):
            raise ValueError(f"{kind!r} before any settings: send the settings first")
        await handler(self, msg)


HANDLERS = {
    "settings": Page.on_settings,
    "play": Page.on_play,
    "pause": Page.on_pause,
    "step": Page.on_step,
    "reset": Page.on_reset,
    "gradcheck": Page.on_gradcheck,
    "export": Page.on_export,
    "csv": Page.on_csv,
}


async def websocket_endpoint(websocket: WebSocket):
    if not same_origin(websocket):
        await websocket.close(code=1008)  # before accept: the handshake is refused (HTTP 403)
        return
    await websocket.accept()
    app = websocket.app
    page = Page(websocket, app.state.compute)
    app.state.pages.add(page)
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            try:
                if message.get("text") is None:
                    raise ValueError("binary messages are not accepted; send JSON text")
                await page.handle(message["text"])
            except (ValueError, TypeError) as exc:
                await page.error(exc)
    except WebSocketDisconnect:
        pass
    finally:  # a closed tab stops its training; no await here, this may run while being cancelled
        app.state.pages.discard(page)
        task, page.playing, page.stopping = page.playing, None, True
        if task is not None:
            task.cancel()


async def index(request):
    return FileResponse(STATIC / "index.html", headers=HEADERS)


async def schema_json(request):
    return JSONResponse(schema(), headers=HEADERS)


def create_app(allowed_hosts=None):
    """The playground app. ``allowed_hosts`` (names the Host header may carry) guards against DNS
    rebinding when serving on the loopback interface; None accepts any Host."""
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))] if allowed_hosts else []
    app = Starlette(
        routes=[
            Route("/", index),
            Route("/schema.json", schema_json),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
            WebSocketRoute("/ws", websocket_endpoint),
        ],
        middleware=middleware,
    )
    app.state.compute = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playground-compute")
    app.state.pages = set()
    return app
