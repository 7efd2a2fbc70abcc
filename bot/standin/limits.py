"""Telegram's documented limits, as the stand-in enforces them: message and caption lengths (in UTF-16
code units), callback data, topic names, the HTML Telegram accepts, and its rate limits (token buckets)
with the switches that make the stand-in go wrong like the real Bot API on a bad day."""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, field

_TAG = re.compile(r"<[^>]+>")
_ALLOWED_TAGS = re.compile(r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|a|tg-spoiler|span|blockquote)(\s[^>]*)?>")


def plain_text(markup: str) -> str:
    """What a member sees of an HTML message: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", markup))


class BadMarkup(ValueError):
    pass


def check_html(markup: str) -> None:
    """Telegram refuses HTML with unknown tags or a bare '<' (member text not escaped)."""
    for m in re.finditer(r"<[^>]*>?", markup):
        if not _ALLOWED_TAGS.fullmatch(m.group(0)):
            raise BadMarkup(f"Can't parse entities: unsupported start tag at byte offset {m.start()}")


MESSAGE_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_LIMIT, TOPIC_NAME_LIMIT = 4096, 1024, 64, 128


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units: an emoji beyond U+FFFF is two."""
    return len(text.encode("utf-16-le")) // 2


# Methods that put a message into a chat: these count against Telegram's limits.
_LIMITED = {
    "sendmessage",
    "senddocument",
    "sendphoto",
    "copymessage",
    "forwardmessage",
    "editmessagetext",
    "editmessagereplymarkup",
    "createforumtopic",
    "editforumtopic",
}


class Bucket:
    """A token bucket: `capacity` at once, refilled at `rate` per second (Telegram's limits, roughly)."""

    def __init__(self, capacity: float, rate: float):
        self.capacity, self.rate = capacity, rate
        self.tokens, self.at = capacity, time.monotonic()

    def take(self) -> float:
        """Take one token; 0 if granted, else the seconds until one is free."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class Switches:
    """What the stand-in makes go wrong, like the real Bot API on a bad day."""

    enforce_limits: bool = False  # answer 429 with retry_after past Telegram's limits
    overall_per_second: float = 30
    chat_burst: float = 5  # a private chat: short bursts, then about one a second
    chat_per_second: float = 1
    group_per_minute: float = 20
    group_window: float = 60  # seconds the group allowance is counted over (tests shrink it)
    fail_rate: float = 0.0  # share of message requests that fail with a 5xx or time out
    hang_seconds: float = 2.0  # how long a "timeout" holds the request before dropping it
    blocked: set = field(default_factory=set)  # chats that blocked the bot: 403
    seed: int = 1
    # Fidelity (see "Telegram as Telegram behaves" below): what real Telegram refuses that a kind stand-in would let by.
    group_sliding_window: bool = (
        True  # a group's 20 counted in ANY `group_window` seconds (stricter than a fixed window), not a refilling bucket
    )
    topic_rights: bool = True  # False: the bot isn't an admin with can_manage_topics
    topics_method: bool = True  # False: a Bot API server without createForumTopic (404 Not Found)
