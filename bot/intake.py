"""Durable intake: every update is written to SQLite before Telegram is told we have it.

python-telegram-bot's own Updater confirms an update (by asking for the next
offset) independently of handling it, so a crash in between would lose what a
member wrote. Here an update is recorded first; the next getUpdates call (which
confirms it) happens only after that. Updates recorded but not handled before a
crash are handled at the next start. The raw payload is kept only until the update
is handled (storage/updates.py nulls it in the handling transaction).

Three more guarantees live here:
- Order: one chat's updates are handled one at a time, in arrival order (a queue
  and a worker per chat); different chats run at once, at most
  CAREBOT_MAX_CONCURRENT_UPDATES of them (the Application's update processor).
- Healing: every transient fault of the poll loop (429, 409, the Bot API
  unreachable, a locked or full database) is waited out with a capped, jittered
  backoff that resets on success; the loop never exits for them.
- Quarantine: an update the library cannot read is stored raw in its own table,
  counted, and acknowledged, so it never blocks the updates behind it. Its content
  is never logged (the library's own "Error while parsing updates" log, which
  prints the whole batch, is never reached: updates are fetched raw and parsed one
  by one here).
"""

from __future__ import annotations

import asyncio
import collections
import hmac
import json
import logging
import re
import secrets
import sqlite3
import time
from typing import Any, Callable

from aiohttp import web
from telegram import Update
from telegram.error import Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.backoff import Backoff, transient_db_error
from bot.concurrency import chat_key
from dialogs.core import Core
from storage import updates as updates_repo
from storage.db import JOURNAL_SIZE_LIMIT, checkpoint_passive, checkpoint_truncate, request_scrub, take_scrub_request, wal_size

logger = logging.getLogger(__name__)

# What an update's queue is kept by: its chat (or person), else the update alone.
ChatKey = int | tuple[str, int]

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# What Telegram accepts as a webhook secret_token.
SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


async def truncate_wal(path: str) -> bool:
    """Empty the -wal: copy it into the database off the event loop, then finish with a TRUNCATE on it.

    Under steady writes a checkpoint from another thread never catches up (the bot keeps appending), so the
    WAL would never restart. The last step runs on the event loop, where none of the bot's own writes can
    start meanwhile; it has only the frames written since the first step to copy. A reader elsewhere (an
    export thread) makes it give up within 50 ms; the caller tries again later.
    """
    await asyncio.to_thread(checkpoint_passive, path)
    started = time.perf_counter()
    done = checkpoint_truncate(path, busy_ms=50)
    logger.debug(
        "WAL truncated (%s); the event loop waited %.0f ms", "done" if done else "busy", (time.perf_counter() - started) * 1000
    )
    return done


class BadUpdate(ValueError):
    """A body that is not an update at all (no JSON object with an integer update_id)."""


class Intake:
    """Records updates, then hands them to the Application's processor, one chat at a time."""

    def __init__(self, app: Application, core: Core, *, db_path: str | None = None, backoff: Backoff | None = None):
        self.app = app
        self.core = core
        self.db_path = db_path
        self.backoff = backoff or Backoff()
        self.counters: collections.Counter[str] = collections.Counter()
        self._queues: dict[ChatKey, collections.deque] = {}
        self._workers: dict[ChatKey, asyncio.Task] = {}
        self._scrubbing: asyncio.Task | None = None
        self.poll_backoff: Backoff | None = None
        self._scrub_backoff = self.backoff.child()
        self.on_done: Callable[[int], None] | None = None  # called once an update is handled or dropped (tests, demo)

    # ------------------------------------------------------------ receiving

    def replay_unhandled(self) -> int:
        """Handle updates received before a crash but never handled."""
        pending = self.core.unhandled_updates()
        for payload in pending:
            update = self._parse(payload)
            if update is not None:
                self._enqueue(update)
        if pending:
            logger.info("replaying %d update(s) received before the restart", len(pending))
        return len(pending)

    def accept_raw(self, raw: Any) -> bool:
        """Record one update as Telegram sent it and queue it; False for a re-delivery or one set aside.

        Raises BadUpdate for something that is not an update at all, and sqlite3.OperationalError
        when the database can't take it now (the caller waits and asks again: nothing is confirmed).
        """
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int) or isinstance(raw["update_id"], bool):
            raise BadUpdate("not an update")
        update = self._parse(raw)
        if update is None:
            return False
        if self.core.record_update(update.update_id, raw):
            self._enqueue(update)
            return True
        logger.info("update %s was delivered again; ignored", update.update_id)
        if self.on_done is not None:
            self.on_done(update.update_id)
        return False

    def _parse(self, raw: dict) -> Update | None:
        """The update, or None after setting it aside in quarantine (content never logged)."""
        try:
            return Update.de_json(raw, self.app.bot)
        except Exception as err:  # noqa: BLE001 - whatever the library chokes on
            self.set_aside(raw, err)
            return None

    def set_aside(self, raw: dict, err: BaseException) -> None:
        """Quarantine one update: stored raw, counted, logged by id and exception type only."""
        reason = type(err).__name__
        with self.core.db.atomic():
            updates_repo.quarantine(self.core.db, raw["update_id"], raw, reason, self.core.clock())
            # A recorded-but-unreadable update must not be replayed at every start.
            updates_repo.mark_done(self.core.db, raw["update_id"], self.core.clock(), status="failed")
        self.counters["quarantined"] += 1
        if self.on_done is not None:
            self.on_done(raw["update_id"])
        logger.warning(
            "update %s could not be read (%s); set aside in quarantined_updates (%d so far)",
            raw["update_id"],
            reason,
            self.counters["quarantined"],
        )

    # ------------------------------------------------------------ handling, in order per chat

    def _enqueue(self, update: Update) -> None:
        chat = chat_key(update)
        key: ChatKey = ("update", update.update_id) if chat is None else chat  # no chat: nothing to keep in order with
        queue = self._queues.setdefault(key, collections.deque())
        queue.append(update)
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key), name=f"chat-{key}")

    async def _work(self, key: ChatKey) -> None:
        queue = self._queues[key]
        try:
            while queue:
                update = queue.popleft()
                try:
                    await self._process(update)
                except Exception as err:  # noqa: BLE001 - one update's trouble never stalls the chat's queue
                    logger.error("update %s: %s after handling", update.update_id, type(err).__name__)
        finally:
            # No await between the last check and here: an update accepted now starts a new worker.
            del self._workers[key]
            if not queue:  # else cancelled with work left (shutdown): replayed at the next start
                del self._queues[key]

    async def _process(self, update: Update) -> None:
        processor = self.app.update_processor
        try:
            # The processor's semaphore is CAREBOT_MAX_CONCURRENT_UPDATES (its per-chat lock is a second guard).
            await processor.process_update(update, self.app.process_update(update))
        except Exception as err:  # noqa: BLE001 - handler errors already went to the error handler
            logger.error("update %s failed (%s)", update.update_id, type(err).__name__)
        try:
            self.core.finish_update(update.update_id)
        except sqlite3.OperationalError as err:
            # Left 'received': handled again at the next start rather than lost.
            logger.warning(
                "update %s not closed (%s); it will be replayed at the next start", update.update_id, type(err).__name__
            )
        if self.on_done is not None:
            self.on_done(update.update_id)
        if take_scrub_request(self.core.db):
            self.scrub_soon()
        elif self.db_path and self.db_path != ":memory:" and wal_size(self.db_path) > JOURNAL_SIZE_LIMIT:
            # Under load the WAL grows by megabytes a second: checkpoint as it grows, not only on the timer.
            self.scrub_soon(erasure=False)

    def scrub_soon(self, *, erasure: bool = True) -> None:
        """Truncate the WAL now, mostly off the event loop: after an erasure (retried until it works), or when
        it has grown past its limit (the periodic checkpoint catches any it misses)."""
        path = self.db_path
        if not path or path == ":memory:":
            return
        if self._scrubbing is not None and not self._scrubbing.done():
            if erasure:
                request_scrub(self.core.db)  # one more after the current one
            return

        async def scrub() -> None:
            wanted = erasure
            while True:
                done = await truncate_wal(path)
                # An erasure committed while this one ran may postdate it: one more pass then.
                later = take_scrub_request(self.core.db)
                if done:
                    self.counters["wal_truncations"] += 1
                    self._scrub_backoff.reset()
                    if not later:
                        return
                    wanted = True
                elif not (wanted or later):
                    return  # only the size: the next update or the periodic checkpoint tries again
                else:
                    wanted = True
                    await self._scrub_backoff.wait()

        self._scrubbing = asyncio.create_task(scrub(), name="wal-scrub")

    @property
    def busy(self) -> int:
        return sum(len(q) for q in self._queues.values()) + len(self._workers)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for updates in progress (on shutdown)."""
        tasks = list(self._workers.values())
        if self._scrubbing is not None:
            tasks.append(self._scrubbing)
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)


# ---------------------------------------------------------------- polling


async def call_until_it_works(what: str, call, stop: asyncio.Event, backoff: Backoff):
    """Call a Bot API method until it succeeds (or `stop`); transient failures wait with backoff."""
    while not stop.is_set():
        try:
            result = await call()
            backoff.reset()
            return result
        except (InvalidToken, Forbidden):
            raise
        except RetryAfter as err:
            delay = await backoff.wait(stop, at_least=_seconds(err.retry_after))
            logger.warning("%s: Telegram asks to wait (429); retried after %.1fs", what, delay)
        except (TimedOut, NetworkError) as err:
            delay = await backoff.wait(stop)
            logger.warning("%s failed (%s); retried after %.1fs", what, type(err).__name__, delay)
    return None


def _seconds(value) -> float:
    return value if isinstance(value, (int, float)) else value.total_seconds()


async def _get_updates_raw(bot, offset: int, timeout: int) -> list:
    # Raw JSON, parsed one update at a time by the intake: Bot.get_updates parses the whole batch
    # and, if one update fails, logs the entire batch (members' texts, names) at CRITICAL.
    return await bot._post(  # noqa: SLF001 - the public do_api_request warns for a known method
        "getUpdates",
        {"offset": offset, "timeout": timeout, "allowed_updates": ALLOWED_UPDATES},
        read_timeout=timeout + 10,
    )


async def poll(intake: Intake, stop: asyncio.Event, *, timeout: int = 25, backoff: Backoff | None = None) -> None:
    """Long polling: fetch, record, then confirm by asking for the next offset. Only `stop` (or a bad token) ends it."""
    bot = intake.app.bot
    backoff = backoff or intake.backoff
    intake.poll_backoff = backoff
    await call_until_it_works("deleteWebhook", bot.delete_webhook, stop, backoff)
    offset = 0
    conflicted = False
    while not stop.is_set():
        fetch = asyncio.create_task(_get_updates_raw(bot, offset, timeout))
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({fetch, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if fetch not in done:
            fetch.cancel()
            break
        try:
            batch = fetch.result()
        except (InvalidToken, Forbidden):
            raise
        except RetryAfter as err:
            intake.counters["poll_429"] += 1
            delay = await backoff.wait(stop, at_least=_seconds(err.retry_after))
            logger.warning("getUpdates: Telegram asks to wait (429); polling again after %.1fs", delay)
            continue
        except Conflict:
            intake.counters["poll_409"] += 1
            delay = await backoff.wait(stop)
            if not conflicted:
                logger.error(
                    "getUpdates: 409 Conflict: another process is polling with this bot token (or a webhook "
                    "is set). Only one carebot may run per token. Backing off and retrying."
                )
            else:
                logger.warning("getUpdates: still 409 Conflict; retrying after %.1fs", delay)
            conflicted = True
            continue
        except (TimedOut, NetworkError, TelegramError) as err:
            intake.counters["poll_network"] += 1
            delay = await backoff.wait(stop)
            logger.warning("getUpdates failed (%s); retrying in %.1fs", type(err).__name__, delay)
            continue
        try:
            for raw in batch or []:
                try:
                    intake.accept_raw(raw)
                except BadUpdate:
                    intake.counters["not_an_update"] += 1
                    logger.warning("getUpdates returned something that is not an update; skipped")
                    continue
                except sqlite3.OperationalError:
                    raise
                except Exception as err:  # noqa: BLE001 - a bug with one update must not stop the others
                    intake.set_aside(raw, err)
                offset = max(offset, raw["update_id"] + 1)
        except sqlite3.OperationalError as err:
            if not transient_db_error(err):
                raise
            # Not confirmed: Telegram sends this batch again, and what was recorded is ignored then.
            intake.counters["poll_db"] += 1
            delay = await backoff.wait(stop)
            logger.warning("database unavailable (%s); updates wait at Telegram, retrying in %.1fs", err, delay)
            continue
        if conflicted:
            logger.warning("getUpdates works again: the other instance is gone")
            conflicted = False
        backoff.reset()


# ---------------------------------------------------------------- webhook


def webhook_secret(configured: str) -> str:
    """The configured secret if it is one Telegram accepts; otherwise a fresh random one (see README)."""
    if configured:
        if not SECRET_SHAPE.match(configured):
            raise SystemExit("CAREBOT_WEBHOOK_SECRET may only hold A-Z, a-z, 0-9, _ and - (1 to 256 characters).")
        return configured
    return secrets.token_urlsafe(32)


async def serve_webhook(
    intake: Intake, stop: asyncio.Event, *, url: str, listen: str, port: int, secret: str, backoff: Backoff | None = None
) -> None:
    """Webhook mode: Telegram posts updates; each is recorded before we answer 200. Never without a secret."""
    bot = intake.app.bot
    backoff = backoff or intake.backoff
    secret = webhook_secret(secret)
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            intake.counters["webhook_forbidden"] += 1
            logger.warning(
                "webhook: refused a request without the right secret (%d so far)", intake.counters["webhook_forbidden"]
            )
            return web.Response(status=403)
        try:
            raw = json.loads(await request.read())
            intake.accept_raw(raw)
        except (ValueError, UnicodeDecodeError):  # BadUpdate, bad JSON, bad encoding
            intake.counters["webhook_bad_body"] += 1
            logger.warning("webhook: a body that is not an update (400)")
            return web.Response(status=400)
        except sqlite3.OperationalError as err:
            if not transient_db_error(err):
                raise
            intake.counters["webhook_db"] += 1
            logger.warning("webhook: database unavailable (%s); Telegram will retry (503)", err)
            return web.Response(status=503)  # Telegram retries later; nothing was confirmed
        except Exception as err:  # noqa: BLE001 - never a traceback to the caller, never the body in the log
            intake.counters["webhook_error"] += 1
            logger.error("webhook: could not take an update (%s)", type(err).__name__)
            return web.Response(status=500)
        return web.Response(status=200)

    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.router.add_post("/telegram", receive)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, listen, port)
    await site.start()
    try:
        await call_until_it_works(
            "setWebhook",
            lambda: bot.set_webhook(url=url.rstrip("/") + "/telegram", secret_token=secret, allowed_updates=ALLOWED_UPDATES),
            stop,
            backoff,
        )
        logger.info("webhook listening on %s:%s (requests without the secret are refused)", listen, port)
        await stop.wait()
    finally:
        await runner.cleanup()
