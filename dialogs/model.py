"""What flows into and out of the pure core: events in, replies out. No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    """Something a person did in a private chat, as the core sees it."""

    update_id: int
    chat_id: int
    kind: str  # text | command | button | unsupported | edited
    text: str = ""
    command: str = ""
    args: str = ""
    data: str = ""  # button (callback) data: untrusted
    message_id: int | None = None  # the message a button was pressed on
    media: str = ""  # sticker | photo | voice | video | document | location | contact | other
    lang_hint: str | None = None  # the client's language, used before a member picks one


@dataclass(frozen=True)
class Button:
    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    """A new message to the member (HTML; member-supplied parts already escaped)."""

    text: str
    buttons: Keyboard = ()


@dataclass(frozen=True)
class Edit:
    """Rewrite a message the member pressed a button on (and drop its buttons unless given)."""

    message_id: int
    text: str
    buttons: Keyboard = ()


@dataclass(frozen=True)
class ClearButtons:
    """Take the buttons off an old message so they can't be pressed again."""

    message_id: int


@dataclass(frozen=True)
class Document:
    """A file the member can download."""

    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True)
class Outcome:
    """What the core decided for one event: what to send, and a short toast for a button press."""

    replies: tuple = ()
    toast: str = ""
    duplicate: bool = False
    outbox_ids: tuple[int, ...] = field(default=())
