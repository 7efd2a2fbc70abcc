"""Sending what the core queued: outbox rows -> Bot API calls, marked sent only once Telegram accepts."""

from __future__ import annotations

import base64

from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, ReplyParameters

from storage.models import OutboxItem


# A training bot (CAREBOT_STAGING=1) marks every message it sends; empty on a real bot.
_training_mark = ""


def set_training_mark(mark: str) -> None:
    """Put `mark` before every text and caption this process sends (a training bot); '' for none."""
    global _training_mark
    _training_mark = mark


def _marked(text: str | None) -> str | None:
    return f"{_training_mark}\n{text}" if _training_mark and text else text


def keyboard(rows: list) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b["label"], callback_data=b["data"]) for b in row] for row in rows])


async def send_item(bot: Bot, item: OutboxItem) -> int | None:
    """One Bot API call for one outbox row; returns the message id when a message was made."""
    p = item.payload
    if item.action == "send":
        markup = ForceReply(selective=True) if p.get("force_reply") else keyboard(p.get("buttons"))
        reply = ReplyParameters(p["reply_to"], allow_sending_without_reply=True) if p.get("reply_to") else None
        msg = await bot.send_message(item.chat_id, _marked(p["text"]), reply_markup=markup, message_thread_id=item.thread_id,
                                     reply_parameters=reply)
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
        await bot.edit_message_text(_marked(p["text"]), chat_id=item.chat_id, message_id=p["message_id"],
                                    reply_markup=keyboard(p.get("buttons")))
        return p["message_id"]
    if item.action == "clear_buttons":
        await bot.edit_message_reply_markup(chat_id=item.chat_id, message_id=p["message_id"], reply_markup=None)
        return p["message_id"]
    if item.action in ("document", "photo"):
        content = base64.b64decode(p["content_b64"]) if "content_b64" in p else p["content"].encode("utf-8")
        upload = InputFile(content, filename=p["filename"])
        if item.action == "photo":
            msg = await bot.send_photo(item.chat_id, upload, caption=_marked(p.get("caption")) or None, message_thread_id=item.thread_id)
        else:
            msg = await bot.send_document(item.chat_id, upload, caption=_marked(p.get("caption")) or None, message_thread_id=item.thread_id)
        return msg.message_id
    raise ValueError(f"unknown outbox action {item.action}")
