"""The dispatcher: sends the outbox at Telegram's speed limit, interactive replies first.

Telegram allows about 30 messages a second across chats, about one a second into
one chat (short bursts tolerated) and about 20 a minute into one group. The
limits are leaky buckets (aiolimiter, which python-telegram-bot's rate-limiter
extra brings). Background work (check-ins, desk cards, announcements) only takes
a slot while a reserve is left for replies to members, so a backlog never makes
a member wait for their answer.

Every row is claimed before it is sent and marked sent after; a 429 waits its
retry_after, a network error or a 5xx backs off, a 403 (the member blocked the
bot) marks them unreachable and stops their check-ins. APScheduler (through
PTB's JobQueue) only wakes the loop; the rows are the truth.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from datetime import timedelta

from aiolimiter import AsyncLimiter
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.sender import send_item
from dialogs.core import Core
from storage.db import optimize
from storage.models import OutboxItem

logger = logging.getLogger(__name__)

OPTIMIZE_EVERY_SECONDS = 3600


# The last 429 (issue 16). The overall bucket used to be AsyncLimiter(29, 1): 29/s, but also a burst of 29 at
# once from empty. Telegram's bucket (and the stand-in's) holds 30 and refills at 30/s, so carebot's opening
# burst (the dispatcher's first check-ins plus members' replies in the reserve) emptied it to ~1 message of
# slack, growing only by 1/s while both run at the rate: any request that took a few ms longer on the way than
# the next one (a busy machine) arrived in a bunch and got a 429, 0.1-0.2 s into the drain (measured: every
# 429 of four runs but one stall came there, from the overall bucket). The same 29/s with a burst of at most
# 10 leaves Telegram 20 messages of slack at the worst moment. The reserve for replies (5) must stay below it.
OVERALL_BURST = 10


class TelegramLimits:
    """Telegram's flood limits on our side, with a reserve that only replies to members may use."""

    def __init__(self, *, per_second: float = 29, chat_burst: float = 4, chat_period: float = 4.0,
                 group_messages: float = 19, group_window: float = 60, reserve: float = 5,
                 overall_burst: float = OVERALL_BURST):
        if reserve + 1 >= overall_burst:
            raise ValueError("the overall burst must leave background work room beside the reserve for replies")
        self.overall = AsyncLimiter(overall_burst, overall_burst / per_second)
        self.chat_burst, self.chat_period = chat_burst, chat_period
        self.group_messages, self.group_window = group_messages, group_window
        self.reserve = reserve
        self._chats: dict[int, AsyncLimiter] = {}
        self._paused_until = 0.0

    def _chat(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            limiter = (AsyncLimiter(self.group_messages, self.group_window) if chat_id < 0
                       else AsyncLimiter(self.chat_burst, self.chat_period))
            self._chats[chat_id] = limiter
        return limiter

    def pause(self, seconds: float) -> None:
        """Telegram said 429: everyone waits that long."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def acquire(self, chat_id: int, *, background: bool, new_message: bool = True) -> None:
        """Wait for a slot. Edits of a message already there count only toward the overall limit."""
        while (wait := self._paused_until - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        if new_message:
            await self._chat(chat_id).acquire()
        if background:
            while not self.overall.has_capacity(1 + self.reserve):
                await asyncio.sleep(0.01)
        await self.overall.acquire()


class Dispatcher:
    """Sends outbox rows: at once for a member's reply, in the background for everything else."""

    def __init__(self, core: Core, bot: Bot, limits: TelegramLimits | None = None, *, workers: int = 16,
                 enforce_limits: bool = True):
        self.core = core
        self.bot = bot
        self.limits = limits or TelegramLimits()
        self.enforce_limits = enforce_limits
        self.workers = workers
        self._busy: set[int] = set()
        self._wake = asyncio.Event()
        self.sent = 0

    def wake(self) -> None:
        """Something may be due: look now rather than at the next tick."""
        self._wake.set()

    # ------------------------------------------------------------ interactive

    async def deliver_now(self, ids) -> None:
        """A member's replies, in order, before anything in the background for that chat."""
        ids = list(ids)
        for n, item_id in enumerate(ids):
            item = self.core.claim(item_id)
            if item is None:
                continue
            self._busy.add(item.chat_id)
            try:
                if not await self._send(item, background=False):
                    # The background retries it after its backoff, then the rest of this reply, in order.
                    self.core.defer_replies(ids[n + 1:])
                    self.wake()
                    break
            finally:
                self._busy.discard(item.chat_id)

    # ------------------------------------------------------------ background

    async def run(self, stop: asyncio.Event, tick: float = 1.0) -> None:
        """Materialize due check-ins and drain the outbox until `stop` is set."""
        recovered = self.core.recover_outbox()
        if recovered:
            logger.info("%d message(s) in flight at the last stop are queued again", recovered)
        optimized = time.monotonic()
        while not stop.is_set():
            try:
                if time.monotonic() - optimized >= OPTIMIZE_EVERY_SECONDS:
                    optimized = time.monotonic()
                    optimize(self.core.db)  # fresh statistics as the campaign grows: plans stay on their indexes
                self.core.materialize_due()
                self.core.materialize_desk()
                self.core.desk_timers()
                self.core.watch_urgent_cases()
                await self.drain()
            except Exception:  # noqa: BLE001 - the loop must survive one bad batch
                logger.exception("dispatcher tick failed")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), tick)
            except asyncio.TimeoutError:
                pass

    async def drain(self) -> None:
        """Send everything due in the background, `workers` at a time, one chat at a time per chat."""
        await asyncio.gather(*(self._worker() for _ in range(self.workers)))

    async def _worker(self) -> None:
        while True:
            item = self.core.claim_next(busy_chats=tuple(self._busy))
            if item is None:
                return
            self._busy.add(item.chat_id)
            try:
                await self._send(item, background=True)
            finally:
                self._busy.discard(item.chat_id)

    # ------------------------------------------------------------ one message

    async def _send(self, item: OutboxItem, *, background: bool) -> bool:
        """Send one claimed row; True when it is done with (sent, or refused for good)."""
        if item.ref_kind == "followup" and self.core.in_quiet_hours():
            self.core.retry_later(item.id, self.core.next_morning())
            return False
        if self.enforce_limits:
            await self.limits.acquire(item.chat_id, background=background,
                                      new_message=item.action not in ("edit", "clear_buttons", "edit_topic"))
        try:
            message_id = await send_item(self.bot, item)
        except RetryAfter as err:
            wait = err.retry_after if isinstance(err.retry_after, (int, float)) else err.retry_after.total_seconds()
            self.limits.pause(wait)
            self.core.retry_later(item.id, self.core.clock() + timedelta(seconds=wait))
            logger.warning("outbox %s: 429, retrying after %ss", item.id, wait)
            return False
        except BadRequest as err:  # before NetworkError: PTB makes it a subclass
            self._refused(item, err)
            return True
        except Forbidden:
            if item.chat_id < 0:
                # The bot lost access to the desk: keep the escalation, post it again once access is back.
                self.core.retry_later(item.id, self.core.clock() + timedelta(seconds=60))
                logger.warning("outbox %s: no access to chat %s (the desk?); retrying in 60 s", item.id, item.chat_id)
                return False
            self.core.mark_failed(item.id)
            self.core.member_unreachable(item.chat_id)
            return True
        except (TimedOut, NetworkError) as err:
            delay = min(60.0, 0.5 * 2 ** min(item.attempts, 7)) * random.uniform(0.8, 1.2)
            self.core.retry_later(item.id, self.core.clock() + timedelta(seconds=delay))
            logger.warning("outbox %s: %s, retrying in %.1fs", item.id, type(err).__name__, delay)
            return False
        self.core.mark_sent(item.id, message_id)
        self.sent += 1
        return True

    def _refused(self, item: OutboxItem, err: BadRequest) -> None:
        message = err.message.lower()
        if "not modified" in message:
            # The edit is already there (a resend after a crash, a refresh that changed nothing): done.
            self.core.mark_sent(item.id, None)
            return
        if "not a forum" in message and item.ref_kind and item.ref_kind.startswith("esc_"):
            self.core.desk_not_a_forum()
            self.core.mark_failed(item.id)
            self.wake()
            return
        lost_topic = "thread not found" in message or "topic" in message
        if item.ref_kind and item.ref_kind.startswith("esc_") and lost_topic:
            self.core.desk_place_lost(item)
            self.wake()
            return
        if item.action in ("edit", "clear_buttons", "edit_topic"):
            # An edit of a message that changed or vanished: nothing is lost, the next message carries on.
            logger.debug("outbox %s: edit refused (%s)", item.id, err.message)
        else:
            logger.error("outbox %s: Telegram refused a %s: %s", item.id, item.action, err.message)
        self.core.mark_failed(item.id)
