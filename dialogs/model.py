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
    user_id: int | None = None  # who acted (in a group: the volunteer)
    user_name: str = ""  # their first name (a group's volunteers see each other's)
    username: str | None = None  # their @username: stored only for members who agree to be contacted
    chat_type: str = "private"
    thread_id: int | None = None  # the forum topic a group message is in
    reply_to: int | None = None  # the message a group message replies to
    reply_to_user_id: int | None = None  # who wrote that message (/grant by replying)
    source_message_id: int | None = None  # the member's own message (to copy evidence into the desk)


@dataclass(frozen=True)
class Button:
    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


def keyboard_json(buttons: Keyboard) -> list:
    """A keyboard as plain JSON (for the outbox)."""
    return [[{"label": b.label, "data": b.data} for b in row] for row in buttons]


@dataclass(frozen=True)
class Reply:
    """A new message (HTML; member-supplied parts already escaped), to the chat the event came from unless `chat_id`."""

    text: str
    buttons: Keyboard = ()
    chat_id: int | None = None
    thread_id: int | None = None
    reply_to: int | None = None
    force_reply: bool = False
    member_id: str | None = None  # set when `chat_id` is a member's chat (their data goes with /delete)


@dataclass(frozen=True)
class Edit:
    """Rewrite a message the member pressed a button on (and drop its buttons unless given)."""

    message_id: int
    text: str
    buttons: Keyboard = ()
    chat_id: int | None = None


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
class Copy:
    """Copy a member's message (a photo, a document) into the desk, without showing who sent it."""

    from_chat_id: int
    message_id: int
    chat_id: int
    thread_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What the core decided for one event: the outbox items to send now, and a short toast for a button press."""

    toast: str = ""
    alert: bool = False  # show the toast as an alert (a refusal in the desk)
    jobs: tuple = ()  # work for the bot to run off the event loop (an export, a report)
    outbox_ids: tuple[int, ...] = field(default=())
