"""Durable intake: every update is written to SQLite before Telegram is told we have it.

python-telegram-bot's own Updater confirms an update (by asking for the next
offset) independently of handling it, so a crash in between would lose what a
member wrote. Here an update is recorded first; the next getUpdates call (which
confirms it) happens only after that. Updates recorded but not handled before a
crash are handled at the next start.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

from aiohttp import web
from telegram import Update
from telegram.error import Forbidden, InvalidToken, NetworkError, TimedOut
from telegram.ext import Application

from dialogs.core import Core

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


class Intake:
    """Records updates, then hands them to the Application's processor."""

    def __init__(self, app: Application, core: Core):
        self.app = app
        self.core = core
        self._tasks: set[asyncio.Task] = set()
        self.on_done: Callable[[int], None] | None = None  # called once an update is handled or dropped (tests, demo)

    def replay_unhandled(self) -> int:
        """Handle updates received before a crash but never handled."""
        pending = self.core.unhandled_updates()
        for payload in pending:
            self._spawn(Update.de_json(payload, self.app.bot))
        if pending:
            logger.info("replaying %d update(s) received before the restart", len(pending))
        return len(pending)

    def accept(self, update: Update) -> None:
        """Record an update and start handling it (a re-delivered one is dropped here)."""
        if self.core.record_update(update.update_id, update.to_dict()):
            self._spawn(update)
        else:
            logger.info("update %s was delivered again; ignored", update.update_id)
            if self.on_done is not None:
                self.on_done(update.update_id)

    def _spawn(self, update: Update) -> None:
        task = asyncio.create_task(self._process(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, update: Update) -> None:
        try:
            await self.app.process_update(update)
        finally:
            self.core.finish_update(update.update_id)
            if self.on_done is not None:
                self.on_done(update.update_id)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for updates in progress (on shutdown)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)


async def poll(intake: Intake, stop: asyncio.Event, *, timeout: int = 25) -> None:
    """Long polling: fetch, record, then confirm by asking for the next offset."""
    bot = intake.app.bot
    await bot.delete_webhook()
    offset, failures = 0, 0
    while not stop.is_set():
        fetch = asyncio.create_task(
            bot.get_updates(offset=offset, timeout=timeout, read_timeout=timeout + 10, allowed_updates=ALLOWED_UPDATES)
        )
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({fetch, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if fetch not in done:
            fetch.cancel()
            break
        try:
            updates = fetch.result()
            failures = 0
        except (InvalidToken, Forbidden):
            raise
        except (TimedOut, NetworkError) as err:
            failures += 1
            delay = min(30, 2 ** min(failures, 5) / 4)
            logger.warning("getUpdates failed (%s); retrying in %.1fs", type(err).__name__, delay)
            await asyncio.sleep(delay)
            continue
        for update in updates:
            intake.accept(update)
        if updates:
            offset = updates[-1].update_id + 1


async def serve_webhook(intake: Intake, stop: asyncio.Event, *, url: str, listen: str, port: int, secret: str) -> None:
    """Webhook mode: Telegram posts updates; each is recorded before we answer 200."""
    bot = intake.app.bot

    async def receive(request: web.Request) -> web.Response:
        if secret and request.headers.get("X-Telegram-Bot-Api-Secret-Token") != secret:
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), bot)
        except ValueError:
            return web.Response(status=400)
        intake.accept(update)
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/telegram", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, listen, port)
    await site.start()
    await bot.set_webhook(url=url.rstrip("/") + "/telegram", secret_token=secret or None, allowed_updates=ALLOWED_UPDATES)
    logger.info("webhook listening on %s:%s", listen, port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
