"""The core without Telegram: members' chats driven in-process, for tests whose subject is the dialogs.

`CoreBot` hands each action to `Core.handle` as the bot's handler does (bot/handlers.py), then
delivers the outbox items it returns as bot/sender.py would, onto a local copy of each chat, and
marks them sent with their message ids, as the dispatcher does. No HTTP, no python-telegram-bot,
no event loop work: an answer is there when `tap` or `ask` returns.

It speaks the stand-in's language (`user(...)`, `FakeUser`-like members with `tap`, `ask`,
`messages`, `last`; `Sent` messages with `.text`, `.labels()`), so the member journeys in
tests/flows.py and the tests' assertions read the same either way. What it does not model stays
end to end: the desk group and its topics, organizers' jobs (exports, reports), Telegram's
limits and failures, kill -9 and re-delivery.
"""

from __future__ import annotations

import itertools
import logging
import re
from datetime import datetime
from typing import Callable

from bot.standin import Sent, check_html, plain_text
from bot.standin.people import no_such_button
from dialogs.core import Core
from dialogs.model import Event

logger = logging.getLogger(__name__)

_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(@\w+)?")


class CoreBot:
    """A Core and the chats it talks in. `standin` is itself, so tests written for a running bot read the same."""

    def __init__(self, core: Core, clock):
        self.core = core
        self.clock = clock
        self.standin = self
        self.chats: dict[int, list[Sent]] = {}
        self._users: dict[int, CoreMember] = {}
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self.callback_answers: list[dict] = []
        self.settings = None  # the bot's settings (its database path), set by the fixture

    @property
    def db(self):
        return self.core.db

    def user(self, user_id: int, first_name: str = "Ana", language_code: str = "en") -> "CoreMember":
        if user_id not in self._users:
            self._users[user_id] = CoreMember(self, user_id, first_name, language_code)
        return self._users[user_id]

    def bot_messages(self, chat_id: int) -> list[Sent]:
        return [s for s in self.chats.get(chat_id, []) if s.from_bot]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0, **_) -> None:
        """Everything happens before an action returns: a wait is a check."""
        self.drain()
        if not predicate():
            raise TimeoutError("the bot did not do what was expected")

    async def quiet(self, *_, **__) -> None:
        self.drain()

    # ------------------------------------------------------------ the bot's side

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def handle(self, event: Event) -> None:
        """What bot/handlers.on_event does: the core decides, its replies are delivered in order."""
        try:
            outcome = self.core.handle(event)
        except Exception:
            logger.exception("update %s (%s) failed in the core", event.update_id, event.kind)
            outcome = self.core.handle_failure(event)
        if event.kind == "button":
            self.callback_answers.append({"text": outcome.toast, "show_alert": outcome.alert})
        for item_id in outcome.outbox_ids:
            item = self.core.claim(item_id)
            if item is not None:
                self.core.mark_sent(item.id, self._deliver(item))
        if outcome.jobs:
            raise NotImplementedError("organizers' jobs run in the real bot: test them end to end")

    def drain(self) -> None:
        """What the dispatcher does on a pass: due check-ins and other background messages go out."""
        self.core.materialize_due()
        while (item := self.core.claim_next()) is not None:
            self.core.mark_sent(item.id, self._deliver(item))

    def _deliver(self, item) -> int | None:
        """One outbox item onto the chat, as bot/sender.py sends it and Telegram shows it."""
        p, chat = item.payload, self.chats.setdefault(item.chat_id, [])
        if item.chat_id < 0 or item.action in ("copy", "create_topic", "edit_topic"):
            raise NotImplementedError("the desk group runs in the real bot: test it end to end")
        if item.action == "send":
            check_html(p["text"])  # Telegram refuses bad HTML (member text not escaped)
            s = Sent(
                self.next_message_id(item.chat_id),
                item.chat_id,
                True,
                text=plain_text(p["text"]),
                html=p["text"],
                buttons=_buttons(p.get("buttons")),
            )
            chat.append(s)
            return s.message_id
        if item.action in ("document", "photo"):
            s = Sent(
                self.next_message_id(item.chat_id),
                item.chat_id,
                True,
                text=plain_text(p.get("caption") or ""),
                html=p.get("caption") or "",
                document={"file_name": p["filename"]},
            )
            chat.append(s)
            return s.message_id
        s = next((m for m in chat if m.message_id == p["message_id"] and m.from_bot), None)
        if s is None:
            return p["message_id"]  # an edit of a message that is gone: Telegram refuses, nothing is lost
        if item.action == "edit":
            check_html(p["text"])
            s.html, s.text, s.buttons = p["text"], plain_text(p["text"]), _buttons(p.get("buttons"))
        elif item.action == "clear_buttons":
            s.buttons = []
        else:
            raise ValueError(f"unknown outbox action {item.action}")
        s.edits += 1
        return p["message_id"]


def _buttons(rows) -> list[list[dict]]:
    return [[{"text": b["label"], "callback_data": b["data"]} for b in row] for row in rows or []]


class CoreMember:
    """A member in a private chat with the core: the same moves as the stand-in's FakeUser."""

    def __init__(self, bot: CoreBot, user_id: int, first_name: str, language_code: str):
        self.server = self.bot = bot
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.username: str | None = None
        self.sent_updates: list[dict] = []

    def _event(self, kind: str, **fields) -> dict:
        event = Event(
            update_id=next(self.bot._update_ids),
            chat_id=self.id,
            kind=kind,
            lang_hint=self.language_code,
            user_id=self.id,
            user_name=self.first_name,
            username=self.username,
            **fields,
        )
        update = {"update_id": event.update_id, "event": event}
        self.sent_updates.append(update)
        self.bot.handle(event)
        return update

    def _own_message(self, text: str = "") -> int:
        s = Sent(self.bot.next_message_id(self.id), self.id, False, text=text)
        self.bot.chats.setdefault(self.id, []).append(s)
        return s.message_id

    async def send(self, text: str) -> dict:
        message_id = self._own_message(text)
        m = _COMMAND.match(text)
        if m:
            head, _, args = text.partition(" ")
            return self._event("command", command=m.group(1).lower(), args=args.strip(), text=text, message_id=message_id)
        return self._event("text", text=text, message_id=message_id)

    async def command(self, name: str, args: str = "") -> dict:
        return await self.send(f"/{name}" + (f" {args}" if args else ""))

    async def _media(self, media: str) -> dict:
        message_id = self._own_message()
        return self._event("unsupported", media=media, message_id=message_id, source_message_id=message_id)

    async def sticker(self) -> dict:
        return await self._media("sticker")

    async def photo(self) -> dict:
        return await self._media("photo")

    async def voice(self) -> dict:
        return await self._media("voice")

    async def edit(self, original: dict, new_text: str) -> dict:
        return self._event("edited", text=new_text)

    async def press(self, label: str | None = None, *, data: str | None = None, message: Sent | None = None) -> dict:
        if message is None:
            message = next((s for s in reversed(self.messages) if _has(s, label, data)), None)
            if message is None:
                raise LookupError(no_such_button(label or data, self.messages))
        button = message.button(label, data)
        return self._event("button", data=button["callback_data"], message_id=message.message_id)

    @property
    def messages(self) -> list[Sent]:
        return self.bot.bot_messages(self.id)

    @property
    def last(self) -> Sent:
        return self.messages[-1]

    async def settle(self, *_, **__) -> list[Sent]:
        return list(self.messages)

    async def ask(self, text: str, **_) -> Sent:
        await self.send(text)
        return self.last

    async def tap(self, label: str | None = None, *, data: str | None = None, message: Sent | None = None) -> Sent:
        await self.press(label, data=data, message=message)
        return self.last


def _has(s: Sent, label, data) -> bool:
    try:
        s.button(label, data)
        return True
    except LookupError:
        return False


def core_bot(db, campaign, clock: datetime | Callable) -> CoreBot:
    return CoreBot(Core(db, campaign, clock=clock), clock)
