"""Telegram Update -> the core's Event. The only place that reads Telegram objects."""

from __future__ import annotations

from telegram import Update

from dialogs.model import Event

_MEDIA = ("sticker", "photo", "voice", "video", "video_note", "audio", "document", "location", "contact", "animation", "poll")


def to_event(update: Update) -> Event | None:
    """The event for an update from a private chat, or None for anything else."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or chat.type != "private" or user is None or user.is_bot:
        return None
    base = {"update_id": update.update_id, "chat_id": chat.id, "lang_hint": user.language_code}
    if update.callback_query is not None:
        q = update.callback_query
        message_id = q.message.message_id if q.message is not None else None
        return Event(kind="button", data=q.data or "", message_id=message_id, **base)
    if update.edited_message is not None:
        return Event(kind="edited", text=update.edited_message.text or "", **base)
    msg = update.message
    if msg is None:
        return None
    if msg.text is not None:
        text = msg.text
        if text.startswith("/"):
            head, _, args = text.partition(" ")
            command = head[1:].split("@", 1)[0].lower()
            return Event(kind="command", command=command, args=args.strip(), text=text, **base)
        return Event(kind="text", text=text, **base)
    media = next((m for m in _MEDIA if getattr(msg, m, None)), "other")
    return Event(kind="unsupported", media=media, **base)
