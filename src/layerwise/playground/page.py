"""One connected page: its messages, its play loop, and what it may ask of the shared worker.

Every text message is one JSON object ``{"type": ...}`` checked against ``HANDLERS`` and the settings
schema; a refused message, or any error while doing it, answers ``{"type": "error", "message": ...}``
and the page goes on. All computing goes through the server's ``FairScheduler`` in short jobs: a play
frame trains for at most ``TRAIN_BUDGET`` seconds (fewer epochs than asked when they do not fit), then
draws its heatmaps in slices of about that time each; step and export finish a partly trained epoch in
such slices too, so a page's next frame never waits long behind another page's work. At most
``MAX_TRAINING`` pages train at once; the next one is told so.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import math
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any, TypeVar

from starlette.websockets import WebSocket, WebSocketDisconnect

from ..engine import DivergenceError
from . import export
from .data import MAX_CSV_BYTES, CsvData, parse_csv
from .scheduler import FairScheduler
from .session import Session
from .settings import BY_NAME, DEFAULTS, parse
from .wire import dumps

MAX_MESSAGE = 2 * MAX_CSV_BYTES  # characters of one text message (a CSV travels JSON-escaped)
FRAME_SECONDS = 1 / 50  # the play loop's pace: at most 50 frames a second
TRAIN_BUDGET = 0.005  # seconds of one job of a page (training, a slice of drawing): the most another page waits
MAX_TRAINING = 8  # pages training at once; each then gets at least an eighth of the worker
log = logging.getLogger("layerwise.playground")
T = TypeVar("T")  # what a job returns


def describe(exc: Exception) -> str:
    """The sentence the page shows for an error: a refusal as it is, anything else named and logged."""
    if isinstance(exc, (ValueError, TypeError, DivergenceError)):
        return str(exc)
    log.error("playground: a message failed", exc_info=exc)
    return f"the server could not do that ({type(exc).__name__}: {str(exc)[:200]}); the page goes on"


class Page:
    """One connected page: its settings, its session and its play loop."""

    def __init__(self, websocket: WebSocket, compute: FairScheduler, pages: set[Page]) -> None:
        self.ws, self.compute, self.pages = websocket, compute, pages
        self.values = parse(DEFAULTS)
        self.csv: CsvData | None = None  # parse_csv's, once a page uploads one
        self.session: Session | None = None
        self.playing: asyncio.Task[None] | None = None
        self.stopping, self.stale = False, True  # stale: a new CSV came, the next settings rebuild the data

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await self.compute.run(self, fn, *args)

    def live(self) -> Session:
        """The page's session: ``handle`` lets no message but settings and csv through before there is one."""
        assert self.session is not None, "a message that needs a session came before any settings"
        return self.session

    async def send_json(self, message: dict[str, Any]) -> None:
        await self.ws.send_text(dumps(message))

    async def send_frame(self, epochs: int = 0) -> str | None:
        """Train up to ``epochs`` epochs (for TRAIN_BUDGET s at most), send the frame, return a divergence or None.
        A light page does it in one job; a heavier one draws in slices of about TRAIN_BUDGET, a job each."""
        session = self.live()
        parts = session.slices(TRAIN_BUDGET)
        if len(parts) == 1:  # advance(0, ...) trains nothing
            diverged, info, maps = await self.run(lambda: (session.advance(epochs, TRAIN_BUDGET), *session.frame()))
        else:
            diverged = await self.run(session.advance, epochs, TRAIN_BUDGET)
            picture = session.blank_maps()
            for start, stop in parts:
                await self.run(session.draw, start, stop, picture)
            info, maps = await self.run(session.numbers), picture.tobytes()
        head = dumps(info).encode()
        await self.ws.send_bytes(len(head).to_bytes(4, "little") + head + maps)
        return diverged

    async def error(self, message: object) -> None:
        await self.send_json({"type": "error", "message": str(message)})

    # ------------------------------------------------------------ messages
    async def on_settings(self, msg: dict[str, Any]) -> None:
        values = parse(msg.get("settings"))  # ValueError: refused, the running session goes on
        if not self.stale and all(values[k] == self.values[k] for k in BY_NAME if BY_NAME[k].resets):
            self.values = values
            self.live().values = values  # view settings only (epochs per frame, test points)
            await self.send_json({"type": "accepted"})
            return
        session = await self.run(Session, values, self.csv)
        await self.pause(finish=False)
        self.values, self.session, self.stale = values, session, False
        await self.send_json(await self.run(session.network))
        await self.send_json({"type": "accepted"})
        await self.send_frame()

    async def on_play(self, msg: dict[str, Any]) -> None:
        if self.playing is None:
            training = sum(p.playing is not None for p in self.pages)
            if training >= MAX_TRAINING:
                raise ValueError(
                    f"{training} pages are training on this server already, the most it runs at once so that "
                    "each gets its share; pause one of them (or close it) and press play again"
                )
            self.playing = asyncio.create_task(self.play_loop())
            await self.send_json({"type": "state", "playing": True})

    async def on_pause(self, msg: dict[str, Any]) -> None:
        await self.pause()

    async def on_step(self, msg: dict[str, Any]) -> None:
        await self.pause()  # finishes a partly trained epoch: a step is always one whole epoch
        await self.train_to(self.live().epoch + 1)
        await self.send_frame()

    async def on_reset(self, msg: dict[str, Any]) -> None:
        await self.pause(finish=False)
        await self.run(self.live().reset)
        await self.send_json({"type": "reset"})
        await self.send_frame()

    async def on_gradcheck(self, msg: dict[str, Any]) -> None:
        error = await self.run(self.live().gradient_check)
        if not math.isfinite(error):
            await self.error(
                "gradient check: the relative error is not a number, the course's cost overflows at these "
                "weights (saturated units); press reset, or lower the learning rate"
            )
        await self.send_json({"type": "gradcheck", "relative_error": error, "epoch": self.live().epoch})

    async def on_export(self, msg: dict[str, Any]) -> None:
        playing = self.playing is not None
        await self.pause()  # the file holds whole epochs, as the snippet retrains them
        data = await self.run(export.model_bytes, self.live())
        name = f"playground-{self.values['dataset']}-epoch{self.live().epoch}"
        await self.send_json(
            {
                "type": "export",
                "filename": f"{name}.safetensors",
                "snippet_name": f"{name}.py",
                "model": base64.b64encode(data).decode(),
                "snippet": export.snippet(self.live()),
            }
        )
        if playing:
            await self.on_play(msg)

    async def on_csv(self, msg: dict[str, Any]) -> None:
        text = msg.get("text")
        if not isinstance(text, str):
            raise ValueError("csv: expected the file's text")
        self.csv = csv = await self.run(parse_csv, text)
        self.stale = True
        await self.send_json({"type": "csv", "rows": len(csv[1]), "task": csv[2]})

    # ------------------------------------------------------------ training
    async def train_to(self, target: int) -> None:
        """Train until ``target`` epochs are complete, one budgeted slice per job (DivergenceError stops)."""
        while self.live().epoch < target:
            await self.run(self.live().train, target, TRAIN_BUDGET)

    async def play_loop(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while not self.stopping:
                start = loop.time()
                diverged = await self.send_frame(self.values["epochs_per_frame"])  # shows where training stopped
                if diverged:
                    await self.error(diverged)
                    break
                await asyncio.sleep(max(0.0, FRAME_SECONDS - (loop.time() - start)))
        except WebSocketDisconnect:  # the tab closed while its frame was sent: nothing to say, nothing to log
            pass
        except Exception as exc:  # the page hears of it
            await self.quietly(self.error(describe(exc)))
        finally:
            self.playing = None
            await self.quietly(self.send_json({"type": "state", "playing": False}))

    async def quietly(self, send: Awaitable[None]) -> None:
        """Send, unless the page is gone."""
        with suppress(Exception):
            await send

    async def pause(self, finish: bool = True) -> None:
        """Stop the play loop after its current frame; with ``finish``, complete a partly trained epoch."""
        task = self.playing
        if task is not None:
            self.stopping = True
            try:
                await task
            finally:
                self.stopping = False
        if finish and self.session is not None and self.session.mid_epoch:
            await self.train_to(self.session.epoch + 1)

    def close(self) -> None:
        """The socket closed: stop the play loop now (no await: this may run while being cancelled)."""
        task, self.playing, self.stopping = self.playing, None, True
        if task is not None:
            task.cancel()

    async def handle(self, text: str) -> None:
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
