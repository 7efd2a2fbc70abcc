"""Sending what the core queued: outbox rows -> Bot API calls, marked sent only once Telegram accepts."""

from __future__ import annotations

import base64
import logging
from typing import overload

from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, ReplyParameters

from dialogs.textlimits import CAPTION, MESSAGE, split_text, utf16_len, visible_text
from storage.models import OutboxItem

logger = logging.getLogger(__name__)


def parts_of(text: str, limit: int) -> list[str]:
    """A text Telegram would refuse (over `limit` UTF-16 units as the reader sees it) in parts it takes.

    The core splits what it knows may be long (relays); this is the net under everything
    else, so nothing is ever refused as "message is too long" or cut off silently.
    """
    if utf16_len(visible_text(text)) <= limit:
        return [text]
    logger.warning("a %d-unit message is sent in parts", utf16_len(visible_text(text)))
    return split_text(text, limit)


# A training bot (CAREBOT_STAGING=1) marks every message it sends; empty on a real bot.
_training_mark = ""


def set_training_mark(mark: str) -> None:
    """Put `mark` before every text and caption this process sends (a training bot); '' for none."""
    global _training_mark
    _training_mark = mark


@overload
def _marked(text: str) -> str: ...
@overload
def _marked(text: None) -> None: ...
def _marked(text: str | None) -> str | None:
    return f"{_training_mark}\n{text}" if _training_mark and text else text


def keyboard(rows: list | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b["label"], callback_data=b["data"]) for b in row] for row in rows])


async def send_item(bot: Bot, item: OutboxItem) -> int | None:
    """One Bot API call for one outbox row; returns the message id when a message was made."""
    p = item.payload
    if item.action == "send":
        markup = ForceReply(selective=True) if p.get("force_reply") else keyboard(p.get("buttons"))
        reply = ReplyParameters(p["reply_to"], allow_sending_without_reply=True) if p.get("reply_to") else None
        parts = parts_of(_marked(p["text"]) or "", MESSAGE)
        for n, part in enumerate(parts):
            last = n == len(parts) - 1
            msg = await bot.send_message(
                item.chat_id,
                part,
                reply_markup=markup if last else None,
                message_thread_id=item.thread_id,
                reply_parameters=reply if n == 0 else None,
            )
        return msg.message_id
    if item.action == "copy":
        copied = await bot.copy_message(item.chat_id, p["from_chat_id"], p["message_id"], message_thread_id=item.thread_id)
        return copied.message_id
    if item.action == "create_topic":
        topic = await bot.create_forum_topic(item.chat_id, p["name"])
        return topic.message_thread_id
    if item.action == "edit_topic":
        await bot.edit_forum_topic(item.chat_id, p["thread_id"], name=p["name"])
        return None
    if item.action == "edit":
        await bot.edit_message_text(
            _marked(p["text"]), chat_id=item.chat_id, message_id=p["message_id"], reply_markup=keyboard(p.get("buttons"))
        )
        return p["message_id"]
    if item.action == "clear_buttons":
        await bot.edit_message_reply_markup(chat_id=item.chat_id, message_id=p["message_id"], reply_markup=None)
        return p["message_id"]
    if item.action in ("document", "photo"):
        content = base64.b64decode(p["content_b64"]) if "content_b64" in p else p["content"].encode("utf-8")
        upload = InputFile(content, filename=p["filename"])
        caption, *rest = parts_of(_marked(p.get("caption")) or "", CAPTION)
        if item.action == "photo":
            msg = await bot.send_photo(item.chat_id, upload, caption=caption or None, message_thread_id=item.thread_id)
        else:
            msg = await bot.send_document(item.chat_id, upload, caption=caption or None, message_thread_id=item.thread_id)
        for more in rest:  # a caption longer than 1,024 units goes on below the file
            await bot.send_message(item.chat_id, more, message_thread_id=item.thread_id)
        return msg.message_id
    raise ValueError(f"unknown outbox action {item.action}")
