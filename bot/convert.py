"""Telegram Update -> the core's Event. The only place that reads Telegram objects."""

from __future__ import annotations

import re
from typing import TypedDict

from telegram import Message, Update

from dialogs.model import Event

_MEDIA = ("sticker", "photo", "voice", "video", "video_note", "audio", "document", "location", "contact", "animation", "poll")


class _Placement(TypedDict, total=False):
    """Where a message sits: its topic, what it replies to (Event fields)."""

    thread_id: int | None
    reply_to: int | None
    reply_to_user_id: int | None
    message_id: int | None


class _EventFields(_Placement):
    """The Event's fields every kind of update shares (who, where), gathered before its kind is known."""

    update_id: int
    chat_id: int
    chat_type: str
    lang_hint: str | None
    user_id: int | None
    user_name: str
    username: str | None


def _thread_and_reply(msg: Message | None) -> _Placement:
    if msg is None:
        return {}
    thread_id = msg.message_thread_id if msg.is_topic_message else None
    reply = msg.reply_to_message
    # In a forum topic every message "replies" to the topic's first message; that isn't a reply.
    if reply is not None and thread_id is not None and reply.message_id == thread_id:
        reply = None
    return {
        "thread_id": thread_id,
        "reply_to": reply.message_id if reply is not None else None,
        # A bot's message (a card, the bot's own reply) names no person to /grant a role to.
        "reply_to_user_id": (
            reply.from_user.id if reply is not None and reply.from_user is not None and not reply.from_user.is_bot else None
        ),
    }


# Telegram's limit for callback data; and no number the bot puts in a button is longer than a 64-bit id.
CALLBACK_DATA_MAX_BYTES = 64
_LONG_NUMBER = re.compile(r"\d{19,}")


def refused_button(update: Update) -> str | None:
    """Why a button press can't be genuine, or None. The bot made every button it can receive, so a press
    with data it could never have made, or by someone else in a member's private chat, is forged."""
    q = update.callback_query
    if q is None:
        return None
    data = q.data or ""
    if len(data.encode("utf-8")) > CALLBACK_DATA_MAX_BYTES or _LONG_NUMBER.search(data):
        return "malformed"
    chat = update.effective_chat
    if chat is not None and chat.type == "private" and q.from_user is not None and q.from_user.id != chat.id:
        return "not_the_chat_owner"
    return None


def to_event(update: Update) -> Event | None:
    """The event for an update from a private chat or a group, or None for anything else."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None or user.is_bot or chat.type == "channel":
        return None
    base: _EventFields = {
        "update_id": update.update_id,
        "chat_id": chat.id,
        "chat_type": "private" if chat.type == "private" else "group",
        "lang_hint": user.language_code,
        "user_id": user.id,
        "user_name": user.first_name or "",
        "username": user.username,
    }
    if update.callback_query is not None:
        q = update.callback_query
        base["message_id"] = q.message.message_id if q.message is not None else None
        base["thread_id"] = _thread_and_reply(q.message if isinstance(q.message, Message) else None).get("thread_id")
        return Event(kind="button", data=q.data or "", **base)
    if update.edited_message is not None:
        edited = update.edited_message
        return Event(kind="edited", text=edited.text or edited.caption or "", **base)
    msg = update.message
    if msg is None:
        return None
    base.update(_thread_and_reply(msg))
    base["message_id"] = msg.message_id
    if msg.text is not None:
        text = msg.text
        if text.startswith("/"):
            head, _, args = text.partition(" ")
            command = head[1:].split("@", 1)[0].lower()
            return Event(kind="command", command=command, args=args.strip(), text=text, **base)
        return Event(kind="text", text=text, **base)
    media = next((m for m in _MEDIA if getattr(msg, m, None)), "other")
    # A photo's, file's, video's or voice note's caption travels as the event's text: the safety
    # screen reads it like any message (design.md, guarantee 5); the media is handled as before.
    return Event(kind="unsupported", media=media, text=msg.caption or "", source_message_id=msg.message_id, **base)
