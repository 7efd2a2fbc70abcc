"""Sending what the core queued: outbox rows -> Bot API calls, marked sent only once Telegram accepts."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from dialogs.core import Core
from storage.models import OutboxItem

logger = logging.getLogger(__name__)


def keyboard(rows: list) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b["label"], callback_data=b["data"]) for b in row] for row in rows])


async def send_item(bot: Bot, item: OutboxItem) -> int | None:
    """One Bot API call for one outbox row; returns the message id when a message was made."""
    p = item.payload
    if item.action == "send":
        msg = await bot.send_message(item.chat_id, p["text"], reply_markup=keyboard(p.get("buttons")))
        return msg.message_id
    if item.action == "edit":
        await bot.edit_message_text(p["text"], chat_id=item.chat_id, message_id=p["message_id"],
                                    reply_markup=keyboard(p.get("buttons")))
        return p["message_id"]
    if item.action == "clear_buttons":
        await bot.edit_message_reply_markup(chat_id=item.chat_id, message_id=p["message_id"], reply_markup=None)
        return p["message_id"]
    if item.action == "document":
        doc = InputFile(p["content"].encode("utf-8"), filename=p["filename"])
        msg = await bot.send_document(item.chat_id, doc, caption=p.get("caption") or None)
        return msg.message_id
    raise ValueError(f"unknown outbox action {item.action}")


class Deliverer:
    """Sends outbox rows in order per chat; anything not accepted stays pending for a retry."""

    def __init__(self, core: Core, bot: Bot):
        self.core = core
        self.bot = bot
        self._in_flight: set[int] = set()
        self._chat_locks: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def deliver_ids(self, ids) -> None:
        """Send the rows just queued by a handler (the interactive path)."""
        if ids:
            await self.deliver(self.core.outbox_items(ids))

    async def deliver_pending(self) -> int:
        """Send everything still pending (after a restart or a failed attempt). Returns rows tried."""
        items = [i for i in self.core.pending_outbox() if i.id not in self._in_flight]
        await self.deliver(items)
        return len(items)

    async def deliver(self, items: list[OutboxItem]) -> None:
        by_chat: dict[int, list[OutboxItem]] = defaultdict(list)
        for item in items:
            by_chat[item.chat_id].append(item)
        await asyncio.gather(*(self._deliver_chat(chat_id, rows) for chat_id, rows in by_chat.items()))

    async def _deliver_chat(self, chat_id: int, items: list[OutboxItem]) -> None:
        async with self._chat_locks[chat_id]:
            for item in items:
                if item.id in self._in_flight:
                    continue
                if not await self._deliver_one(item):
                    break  # keep this chat's order: the rest waits for the retry

    async def _deliver_one(self, item: OutboxItem) -> bool:
        self._in_flight.add(item.id)
        try:
            current = self.core.outbox_items([item.id])
            if not current:
                return True  # already sent by someone else
            message_id = await send_item(self.bot, current[0])
            self.core.mark_sent(item.id, message_id)
            return True
        except RetryAfter as err:
            wait = err.retry_after if isinstance(err.retry_after, (int, float)) else err.retry_after.total_seconds()
            self.core.retry_later(item.id, self.core.clock() + timedelta(seconds=wait))
            return False
        except BadRequest as err:  # before NetworkError: PTB makes it a subclass
            return self._refused(item, err)
        except (TimedOut, NetworkError) as err:
            self.core.retry_later(item.id, self.core.clock() + timedelta(seconds=min(60, 2 ** min(item.attempts, 6))))
            logger.warning("outbox %s: %s, will retry", item.id, type(err).__name__)
            return False
        except Forbidden:
            logger.info("outbox %s: chat blocked the bot", item.id)
            self.core.mark_failed(item.id)
            return True
        finally:
            self._in_flight.discard(item.id)

    def _refused(self, item: OutboxItem, err: BadRequest) -> bool:
        if item.action in ("edit", "clear_buttons"):
            # An edit of a message that changed or vanished: nothing is lost, the next message carries on.
            logger.debug("outbox %s: edit refused (%s)", item.id, err.message)
        else:
            logger.error("outbox %s: Telegram refused a %s: %s", item.id, item.action, err.message)
        self.core.mark_failed(item.id)
        return True
