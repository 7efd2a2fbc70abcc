"""The dispatcher: sends the outbox at Telegram's speed limit, interactive replies first.

Telegram allows about 30 messages a second across chats, about one a second into
one chat (short bursts tolerated) and 20 a minute into one group. The overall
and private-chat limits are leaky buckets (aiolimiter); a group's is a sliding
window (`GroupWindow`), because Telegram refuses the 21st message inside any
minute however evenly a bucket would have spread them. A 429 pauses only the
chat it came from (`ScopedPauses`), so the desk waiting never makes a member wait. Background work (check-ins, desk cards, announcements) only takes
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
import sqlite3
import random
import time
from collections import deque
from datetime import timedelta
from typing import Callable

from aiolimiter import AsyncLimiter
from telegram import Bot
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.backoff import Backoff, transient_db_error
from bot.sender import send_item
from dialogs.core import Core
from storage import outbox as outbox_repo
from storage.db import optimize
from storage.models import OutboxItem


logger = logging.getLogger(__name__)

# A sent message's bookkeeping waits out a locked database this many times (about half a minute in all).
MARK_SENT_RETRIES = 8

OPTIMIZE_EVERY_SECONDS = 3600


# The last 429 (issue 16). The overall bucket used to be AsyncLimiter(29, 1): 29/s, but also a burst of 29 at
# once from empty. Telegram's bucket (and the stand-in's) holds 30 and refills at 30/s, so carebot's opening
# burst (the dispatcher's first check-ins plus members' replies in the reserve) emptied it to ~1 message of
# slack, growing only by 1/s while both run at the rate: any request that took a few ms longer on the way than
# the next one (a busy machine) arrived in a bunch and got a 429, 0.1-0.2 s into the drain (measured: every
# 429 of four runs but one stall came there, from the overall bucket). The same 29/s with a burst of at most
# 10 leaves Telegram 20 messages of slack at the worst moment. The reserve for replies (5) must stay below it.
OVERALL_BURST = 10


class GroupWindow:
    """At most `limit` messages in ANY `window` seconds into one group: a sliding log, not a leaky bucket.

    Telegram's FAQ: "your bot will not be able to send more than 20 messages per
    minute to the same group" (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
    A leaky bucket refilling at 20/60 s lets 20 out at once and then one every
    3 s: 26 in the first minute, and the 21st is refused. A log of send times
    never lets the 21st through while 20 are inside the window. `margin` keeps
    a second between our clock and Telegram's (the request's travel time).
    """

    def __init__(self, limit: float, window: float, *, margin: float = 1.0, clock=time.monotonic):
        self.limit, self.window, self.margin, self.clock = int(limit), window, margin, clock
        self._sent: deque[float] = deque()

    def wait_time(self) -> float:
        """Seconds until one more message fits (0 when it fits now)."""
        now = self.clock()
        horizon = self.window + self.margin
        while self._sent and now - self._sent[0] >= horizon:
            self._sent.popleft()
        if len(self._sent) < self.limit:
            return 0.0
        return horizon - (now - self._sent[0])

    def take(self) -> None:
        self._sent.append(self.clock())

    async def acquire(self) -> None:
        while (wait := self.wait_time()) > 0:
            await asyncio.sleep(wait)
        self.take()


class ScopedPauses:
    """A 429 pauses the scope it came from: one group, or one chat. Everyone waits only when Telegram's
    refusals come from several scopes at once (the bot's overall limit), or when there is no scope."""

    def __init__(self, *, several: int = 3, span: float = 10.0, clock=time.monotonic):
        self.several, self.span, self.clock = several, span, clock
        self._until: dict[int, float] = {}
        self._global_until = 0.0
        self._recent: dict[int, float] = {}

    def pause(self, seconds: float, chat_id: int | None = None) -> bool:
        """Record a 429; True when it became a pause for everyone."""
        now = self.clock()
        if chat_id is None:
            self._global_until = max(self._global_until, now + seconds)
            return True
        self._until[chat_id] = max(self._until.get(chat_id, 0.0), now + seconds)
        self._recent = {c: at for c, at in self._recent.items() if now - at <= self.span}
        self._recent[chat_id] = now
        if len(self._recent) >= self.several:
            self._global_until = max(self._global_until, now + seconds)
            return True
        return False

    def wait_time(self, chat_id: int) -> float:
        now = self.clock()
        return max(0.0, self._global_until - now, self._until.get(chat_id, 0.0) - now)


class TelegramLimits:
    """Telegram's flood limits on our side, with a reserve that only replies to members may use."""

    def __init__(
        self,
        *,
        per_second: float = 29,
        chat_burst: float = 4,
        chat_period: float = 4.0,
        group_messages: float = 19,
        group_window: float = 60,
        reserve: float = 5,
        group_margin: float = 1.0,
        overall_burst: float = OVERALL_BURST,
    ):
        if reserve + 1 >= overall_burst:
            raise ValueError("the overall burst must leave background work room beside the reserve for replies")
        self.overall = AsyncLimiter(overall_burst, overall_burst / per_second)
        self.chat_burst, self.chat_period = chat_burst, chat_period
        self.group_messages, self.group_window, self.group_margin = group_messages, group_window, group_margin
        self.reserve = reserve
        self._chats: dict[int, AsyncLimiter | GroupWindow] = {}
        self.pauses = ScopedPauses()

    def _chat(self, chat_id: int) -> AsyncLimiter | GroupWindow:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            limiter = (
                GroupWindow(self.group_messages, self.group_window, margin=min(self.group_margin, self.group_window / 10))
                if chat_id < 0
                else AsyncLimiter(self.chat_burst, self.chat_period)
            )
            self._chats[chat_id] = limiter
        return limiter

    def pause(self, seconds: float, chat_id: int | None = None) -> bool:
        """Telegram said 429 for `chat_id`: that chat waits (everyone, when the refusals are everywhere)."""
        return self.pauses.pause(seconds, chat_id)

    def paused_for(self, chat_id: int) -> float:
        """Seconds `chat_id` must still wait after a 429 (0 if none)."""
        return self.pauses.wait_time(chat_id)

    async def acquire(self, chat_id: int, *, background: bool, new_message: bool = True) -> None:
        """Wait for a slot. Edits of a message already there count only toward the overall limit."""
        while (wait := self.pauses.wait_time(chat_id)) > 0:
            await asyncio.sleep(wait)
        if new_message:
            await self._chat(chat_id).acquire()
        if background:
            while not self.overall.has_capacity(1 + self.reserve):
                await asyncio.sleep(0.01)
        await self.overall.acquire()


class Dispatcher:
    """Sends outbox rows: at once for a member's reply, in the background for everything else."""

    def __init__(
        self, core: Core, bot: Bot, limits: TelegramLimits | None = None, *, workers: int = 16, enforce_limits: bool = True
    ):
        self.core = core
        self.bot = bot
        self.limits = limits or TelegramLimits()
        self.enforce_limits = enforce_limits
        self.workers = workers
        self._busy: set[int] = set()
        self._wake = asyncio.Event()
        self.sent = 0
        self._outage = False  # a network error since the last message that went through
        self.on_pass: Callable[[], None] | None = None  # called after each pass (tests and the demo wait on it)

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
                    self.core.defer_replies(ids[n + 1 :])
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
            if self.on_pass is not None:
                self.on_pass()
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
        if self.enforce_limits and background and (paused := self.limits.paused_for(item.chat_id)) > 1:
            # That chat (the desk, after a 429) is waiting: the worker moves on to other chats.
            self.core.retry_later(item.id, self.core.clock() + timedelta(seconds=paused))
            return False
        if self.enforce_limits:
            await self.limits.acquire(
                item.chat_id, background=background, new_message=item.action not in ("edit", "clear_buttons", "edit_topic")
            )
        try:
            message_id = await send_item(self.bot, item)
        except RetryAfter as err:
            wait = err.retry_after if isinstance(err.retry_after, (int, float)) else err.retry_after.total_seconds()
            everyone = self.limits.pause(wait, item.chat_id)
            self.core.retry_later(item.id, self.core.clock() + timedelta(seconds=wait))
            logger.warning(
                "outbox %s: 429 in chat %s, %s wait(s) %ss", item.id, item.chat_id, "everyone" if everyone else "that chat", wait
            )
            return False
        except (InvalidToken, EndPointNotFound) as err:
            # Telegram answers 404 "Not Found" for a method it doesn't know (an older Bot API server,
            # an emulator): for topics that is "no topics here", not a reason to try again.
            if item.action in ("create_topic", "edit_topic") and item.ref_kind and item.ref_kind.startswith("esc_"):
                self._topic_trouble(item, "method_missing", str(err))
                return True
            raise
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
            self._outage = True
            delay = min(60.0, 0.5 * 2 ** min(item.attempts, 7)) * random.uniform(0.8, 1.2)
            self.core.retry_later(item.id, self.core.clock() + timedelta(seconds=delay))
            logger.warning("outbox %s: %s, retrying in %.1fs", item.id, type(err).__name__, delay)
            return False
        await self._mark_sent_patiently(item.id, message_id)
        self.sent += 1
        if self._outage:
            self._end_outage()
        return True

    async def _mark_sent_patiently(self, item_id: int, message_id: int | None) -> None:
        """Telegram has the message: write that down, waiting out a locked database (another process, such as
        Litestream, may hold the write lock for a while) instead of failing the turn and sending it twice later."""
        backoff = Backoff(0.1, 5.0)
        for attempt in range(MARK_SENT_RETRIES + 1):
            try:
                self.core.mark_sent(item_id, message_id)
                return
            except sqlite3.OperationalError as err:
                if not transient_db_error(err) or attempt == MARK_SENT_RETRIES:
                    raise
                delay = await backoff.wait()
                logger.warning("outbox %s: sent, but the database is busy; recording it in %.1fs", item_id, delay)

    def _end_outage(self) -> None:
        """A message went through after network errors: what waits out a backoff goes now, not up to a minute later."""
        self._outage = False
        with self.core.db.atomic():
            resumed = outbox_repo.resume_after_outage(self.core.db, self.core.clock())
        if resumed:
            logger.info("the Bot API answers again: %d message(s) waiting out a backoff are due now", resumed)
            self.wake()

    def _refused(self, item: OutboxItem, err: BadRequest) -> None:
        message = err.message.lower()
        if "not modified" in message:
            # The edit is already there (a resend after a crash, a refresh that changed nothing): done.
            self.core.mark_sent(item.id, None)
            return
        trouble = topic_trouble(message) if item.ref_kind and item.ref_kind.startswith("esc_") else None
        if trouble is not None:
            self._topic_trouble(item, trouble, err.message)
            return
        if item.action in ("edit", "clear_buttons", "edit_topic"):
            # An edit of a message that changed or vanished: nothing is lost, the next message carries on.
            logger.debug("outbox %s: edit refused (%s)", item.id, err.message)
        else:
            logger.error("outbox %s: Telegram refused a %s: %s", item.id, item.action, err.message)
        self.core.mark_failed(item.id)

    def _topic_trouble(self, item: OutboxItem, trouble: str, description: str) -> None:
        """Each kind of topic failure gets its own answer (see `topic_trouble`); none of them loops."""
        logger.warning("outbox %s (%s): desk topics: %s (%s)", item.id, item.action, trouble, description)
        if trouble == "topic_lost":
            self.core.desk_place_lost(item)
        else:
            # Rights missing, topics off, or no such method: plain cards from now on, the admins told once.
            self.core.desk_without_topics(trouble)
            if item.action == "create_topic":
                self.core.mark_failed(item.id)
            else:
                self.core.desk_place_lost(item)
        self.wake()


def topic_trouble(description: str) -> str | None:
    """What a refusal says about the desk's forum topics, from Telegram's own error text.

    "Bad Request: not enough rights to create a topic" (the bot lacks can_manage_topics),
    "Bad Request: the chat is not a forum" (topics are off), "Bad Request: message thread
    not found" / "TOPIC_DELETED" / "TOPIC_ID_INVALID" (the topic was deleted). Anything else
    mentioning a topic is not a lost topic: recreating it would only loop.
    """
    text = description.lower()
    if "not enough rights" in text and ("topic" in text or "manage" in text):
        return "no_rights"
    if "not a forum" in text or "channel_forum_missing" in text:
        return "not_a_forum"
    if "thread not found" in text or "topic_deleted" in text or "topic_id_invalid" in text:
        return "topic_lost"
    return None
