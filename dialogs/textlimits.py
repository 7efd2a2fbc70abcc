"""Telegram's size limits, counted the way Telegram counts them.

Telegram measures text in UTF-16 code units, after entity parsing (what the
reader sees, not the HTML we send): an emoji outside the Basic Multilingual
Plane is two units, so 2,040 emoji are 4,080 units, not 2,040 characters.
Callback data is measured in bytes (UTF-8). Bot API: sendMessage `text`
"1-4096 characters after entities parsing", `caption` "0-1024 characters",
InlineKeyboardButton `callback_data` "1-64 bytes", createForumTopic `name`
"1-128 characters"; entity offsets and lengths are "in UTF-16 code units"
(https://core.telegram.org/bots/api#sendmessage, #messageentity).
"""

from __future__ import annotations

import html
import re

MESSAGE = 4096
CAPTION = 1024
CALLBACK_DATA_BYTES = 64
TOPIC_NAME = 128


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: characters beyond U+FFFF count twice."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def visible_text(markup: str) -> str:
    """What the reader sees of an HTML message (Telegram counts this, after entity parsing)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def fit(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` cut to at most `limit` UTF-16 units (ending in `ellipsis` when cut); only for names and labels."""
    if utf16_len(text) <= limit:
        return text
    room = limit - utf16_len(ellipsis)
    out, used = [], 0
    for ch in text:
        size = 2 if ord(ch) > 0xFFFF else 1
        if used + size > room:
            break
        out.append(ch)
        used += size
    return "".join(out) + ellipsis


_SENTENCE_END = re.compile(r"(?<=[.!?…。])\s+")


def _hard_cut(text: str, limit: int) -> tuple[str, str]:
    """The longest head of `text` within `limit` units, preferring a space; never splits a surrogate pair."""
    used, cut = 0, len(text)
    for i, ch in enumerate(text):
        size = 2 if ord(ch) > 0xFFFF else 1
        if used + size > limit:
            cut = i
            break
        used += size
    head = text[:cut]
    space = head.rfind(" ")
    if space > len(head) // 2:
        return head[:space], text[space + 1 :]
    return head, text[cut:]


def split_text(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` UTF-16 units, cut at paragraphs, then sentences, then words.

    Nothing is dropped: joining the parts gives back every word.
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    text = text.strip()
    if utf16_len(text) <= limit:
        return [text] if text else []
    pieces: list[tuple[str, str]] = []  # (separator before it, text)
    for paragraph in re.split(r"\n\s*\n", text):
        sep = "\n\n"
        if utf16_len(paragraph) <= limit:
            pieces.append((sep, paragraph))
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            while utf16_len(sentence) > limit:
                head, sentence = _hard_cut(sentence, limit)
                pieces.append((sep, head))
                sep = " "
            if sentence:
                pieces.append((sep, sentence))
            sep = " "
    parts: list[str] = []
    for sep, piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if parts and utf16_len(parts[-1]) + utf16_len(sep) + utf16_len(piece) <= limit:
            parts[-1] = parts[-1] + sep + piece
        else:
            parts.append(piece)
    return parts
