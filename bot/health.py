"""Health and metrics on loopback: `/healthz` for a supervisor, `/metrics` for Prometheus.

Counters that only the running process knows (updates handled and how long
they took, Bot API answers by method and status, 429s among them) live in a
registry of this bot's own. What the database knows (outbox depth by kind,
check-ins due, escalations open by priority, updates set aside) is read on
each scrape, on a connection of its own in a worker thread, so a scrape never
waits on the bot's transactions and never blocks a member's reply.

Names (all prefixed `carebot_`):

| metric | type | labels | what |
| --- | --- | --- | --- |
| updates_handled_total | counter | kind | updates the handlers finished (message, callback, edited, other) |
| update_seconds | histogram | | time from the handler's start to the replies queued and sent |
| api_responses_total | counter | method, status | Bot API answers (429 is Telegram's flood limit) |
| api_retry_after_total | counter | | 429 answers (each paused sending for its retry_after) |
| outbox_pending | gauge | kind | messages waiting to be sent (reply, followup, desk, ...) |
| checkins_due | gauge | | pending check-ins whose time has come |
| checkins_pending | gauge | | pending check-ins in all |
| escalations_open | gauge | priority | open or claimed escalations (1 = crisis) |
| updates_quarantined | gauge | | updates that could not be parsed and were set aside |
| last_poll_age_seconds | gauge | | seconds since the last successful getUpdates (or webhook call) |
| up | gauge | | 1 while the process serves |
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import CONTENT_TYPE_LATEST
from telegram.request import BaseRequest, RequestData

from bot.http import AiohttpRequest
from storage import monitoring

logger = logging.getLogger(__name__)

__all__ = ["Metrics", "MeteredRequest", "HealthServer"]

# A poll older than this (long-poll timeout + HTTP slack) means the bot has stopped hearing Telegram.
STALE_POLL_SECONDS = 120


class Metrics:
    """One bot's metrics (its own registry: tests run several bots in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter("carebot_updates_handled", "Updates the handlers finished.", ["kind"], registry=r)
        self.update_seconds = Histogram(
            "carebot_update_seconds",
            "Handling time of one update, replies included.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=r,
        )
        self.api = Counter(
            "carebot_api_responses", "Bot API answers by method and HTTP status.", ["method", "status"], registry=r
        )
        self.retry_after = Counter("carebot_api_retry_after", "429 answers from the Bot API.", registry=r)
        self.outbox = Gauge("carebot_outbox_pending", "Messages waiting to be sent, by kind.", ["kind"], registry=r)
        self.due = Gauge("carebot_checkins_due", "Pending check-ins whose time has come.", registry=r)
        self.pending = Gauge("carebot_checkins_pending", "Pending check-ins in all.", registry=r)
        self.escalations = Gauge("carebot_escalations_open", "Open or claimed escalations by priority.", ["priority"], registry=r)
        self.quarantined = Gauge("carebot_updates_quarantined", "Updates set aside because they could not be parsed.", registry=r)
        self.poll_age = Gauge("carebot_last_poll_age_seconds", "Seconds since Telegram was last heard from.", registry=r)
        self.up = Gauge("carebot_up", "1 while the process serves.", registry=r)
        self.up.set(1)
        self.last_heard: float | None = None  # monotonic time of the last good getUpdates or webhook call

    def heard_from_telegram(self) -> None:
        self.last_heard = time.monotonic()

    def poll_age_seconds(self) -> float | None:
        return None if self.last_heard is None else time.monotonic() - self.last_heard

    def observe_update(self, kind: str, seconds: float) -> None:
        self.updates.labels(kind).inc()
        self.update_seconds.observe(seconds)


class MeteredRequest(AiohttpRequest):
    """The Bot API transport, counting answers by method and status (a 429 is Telegram's flood limit)."""

    def __init__(self, metrics: Metrics, **kwargs) -> None:
        super().__init__(**kwargs)
        self._metrics = metrics

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        api_method = url.rsplit("/", 1)[-1] or "?"
        self._metrics.api.labels(api_method, str(status)).inc()
        if status == 429:
            self._metrics.retry_after.inc()
        elif status == 200 and api_method.lower() == "getupdates":
            self._metrics.heard_from_telegram()
        return status, body


class HealthServer:
    """`/healthz` and `/metrics` on a small aiohttp server (loopback by default)."""

    def __init__(self, metrics: Metrics, db_path: str, *, clock, webhook: bool = False) -> None:
        self.metrics, self.db_path, self.clock, self.webhook = metrics, db_path, clock, webhook
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, listen: str, port: int) -> "HealthServer":
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, listen, port)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the real port when 0 was asked for
        logger.info("health and metrics on http://%s:%s/healthz and /metrics", listen, self.port)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        age = self.metrics.poll_age_seconds()
        writable = (await asyncio.to_thread(monitoring.writable, self.db_path)) is None if self.db_path != ":memory:" else True
        # A webhook bot that nobody wrote to is still healthy; a polling bot must keep hearing Telegram.
        hearing = self.webhook or (age is not None and age < STALE_POLL_SECONDS)
        body = {
            "status": "ok" if (writable and hearing) else "fail",
            "database_writable": writable,
            "mode": "webhook" if self.webhook else "polling",
            "last_poll_age_seconds": None if age is None else round(age, 1),
        }
        return web.json_response(body, status=200 if body["status"] == "ok" else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        m = self.metrics
        if self.db_path != ":memory:":
            try:
                seen = await asyncio.to_thread(monitoring.snapshot, self.db_path, self.clock())
            except sqlite3.Error as err:
                logger.warning("metrics: the database could not be read (%s)", type(err).__name__)
                seen = None
            if seen is not None:
                m.outbox.clear()
                for kind, n in seen.outbox.items():
                    m.outbox.labels(kind).set(n)
                m.escalations.clear()
                for priority, n in seen.escalations.items():
                    m.escalations.labels(str(priority)).set(n)
                m.due.set(seen.due)
                m.pending.set(seen.pending)
                m.quarantined.set(seen.quarantined)
        age = m.poll_age_seconds()
        m.poll_age.set(-1 if age is None else age)
        return web.Response(body=generate_latest(m.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})
