"""The fake people tests and the demo drive: a member in a private chat (sends texts, commands, stickers,
presses buttons, waits for the bot's answer), the volunteer desk group and the people in it."""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING

from bot.standin.sent import Sent

if TYPE_CHECKING:
    from bot.standin.server import StandIn


class FakeUser:
    """A member in a private chat, driven by a test or the demo."""

    def __init__(self, server: StandIn, user_id: int, first_name: str, language_code: str):
        self.server = server
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.sent_updates: list[dict] = []
        self._mark = 0
        self.username: str | None = None

    def json(self) -> dict:
        out = {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}
        if self.username:
            out["username"] = self.username
        return out

    # -- acting

    async def _message(self, extra: dict, *, edited_of: Sent | None = None) -> dict:
        chat_id = self.id
        if edited_of is None:
            s = Sent(self.server._next_message_id(chat_id), chat_id, False, text=extra.get("text", ""), date=int(time.time()))
            self.server.chats.setdefault(chat_id, []).append(s)
            msg = {"message_id": s.message_id, "date": s.date, "chat": self.server._chat(chat_id), "from": self.json(), **extra}
            update = {"message": msg}
        else:
            msg = {
                "message_id": edited_of.message_id,
                "date": edited_of.date,
                "edit_date": int(time.time()),
                "chat": self.server._chat(chat_id),
                "from": self.json(),
                **extra,
            }
            update = {"edited_message": msg}
        return await self._push(update)

    async def _push(self, update: dict) -> dict:
        self._mark = self.server.activity(self.id)
        update_id = await self.server.push_update(update)
        update = {"update_id": update_id, **update}
        self.sent_updates.append(update)
        return update

    async def send(self, text: str) -> dict:
        """Type a message (a leading /word becomes a bot command, as in Telegram)."""
        extra: dict = {"text": text}
        m = re.match(r"^/[A-Za-z0-9_]+(@\w+)?", text)
        if m:
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": m.end()}]
        return await self._message(extra)

    async def command(self, name: str, args: str = "") -> dict:
        return await self.send(f"/{name}" + (f" {args}" if args else ""))

    async def sticker(self) -> dict:
        return await self._message(
            {
                "sticker": {
                    "file_id": "stk1",
                    "file_unique_id": "stku1",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": "😀",
                }
            }
        )

    async def photo(self) -> dict:
        return await self._message({"photo": [{"file_id": "ph1", "file_unique_id": "phu1", "width": 90, "height": 90}]})

    async def voice(self) -> dict:
        return await self._message({"voice": {"file_id": "vc1", "file_unique_id": "vcu1", "duration": 3}})

    async def edit(self, original: dict, new_text: str) -> dict:
        """Edit a message this member sent earlier."""
        msg = original["message"]
        sent = Sent(msg["message_id"], self.id, False, text=msg.get("text", ""), date=msg["date"])
        return await self._message({"text": new_text}, edited_of=sent)

    async def press(self, label: str | None = None, *, data: str | None = None, message: Sent | None = None) -> dict:
        """Press a button (by label or data) on a bot message: the newest one that has it, by default."""
        if message is None:
            for s in reversed(self.server.bot_messages(self.id)):
                try:
                    s.button(label, data)
                    message = s
                    break
                except LookupError:
                    continue
            if message is None:
                raise LookupError(no_such_button(label or data, self.server.bot_messages(self.id)))
        button = message.button(label, data)
        query = {
            "id": f"cq{self.id}_{len(self.sent_updates)}",
            "from": self.json(),
            "chat_instance": str(self.id),
            "data": button["callback_data"],
            "message": self.server._message_json(message),
        }
        return await self._push({"callback_query": query})

    # -- reading

    @property
    def messages(self) -> list[Sent]:
        """Everything the bot has sent into this chat, oldest first."""
        return self.server.bot_messages(self.id)

    @property
    def last(self) -> Sent:
        return self.messages[-1]

    async def settle(self, timeout: float = 10.0, quiet: float = 0.08) -> list[Sent]:
        """Wait until the bot has answered the last action and gone quiet; return what it sent or edited."""
        if self.server.tracks_handling or self.server.handled_probe is not None:
            return await self.settle_handled(timeout)
        before = self._mark
        await self.server.wait_for(lambda: self.server.activity(self.id) > before, timeout, chat_id=self.id)
        while True:
            seen = self.server.activity(self.id)
            await asyncio.sleep(quiet)
            if self.server.activity(self.id) == seen:
                break
        return [s for s in self.messages]

    async def ask(self, text: str, **kw) -> Sent:
        """Send text, wait for the bot to answer, return the newest bot message."""
        await self.send(text)
        await self.settle(**kw)
        return self.last

    async def tap(self, label: str | None = None, *, data: str | None = None, message: Sent | None = None) -> Sent:
        """Press a button, wait for the bot, return the newest bot message."""
        await self.press(label, data=data, message=message)
        await self.settle()
        return self.last

    # -- waiting on the bot's signals (see BotSignals)

    async def settle_handled(self, timeout: float = 10.0) -> list[Sent]:
        """`settle` for an in-process bot: wait until it answered and handled this member's last update."""
        before = self._mark
        last = self.sent_updates[-1]["update_id"] if self.sent_updates else None
        server = self.server
        await server.until(
            lambda: server.activity(self.id) > before and (last is None or server.is_handled(last)),
            timeout,
            f"an answer to {self.id}",
            recheck=0.02 if server.handled_probe else 0.5,
        )
        return [s for s in self.messages]


class FakeGroup:
    """A supergroup (the volunteer desk): its members write, reply and press buttons."""

    def __init__(self, server: StandIn, chat_id: int, title: str, forum: bool):
        self.server, self.id, self.title, self.forum = server, chat_id, title, forum
        self.bot_admin = True  # the bot is an admin of the group (what carebot's desk needs)
        self.bot_can_manage_topics = True
        self.topics: dict[int, str] = {}
        self.users: dict[int, "FakeGroupUser"] = {}

    def user(self, user_id: int, first_name: str = "Vol") -> "FakeGroupUser":
        if user_id not in self.users:
            self.users[user_id] = FakeGroupUser(self, user_id, first_name)
        return self.users[user_id]

    def delete_topic(self, thread_id: int) -> None:
        """Someone deleted the topic (its messages go with it)."""
        self.topics.pop(thread_id, None)
        self.server.chats[self.id] = [s for s in self.server.chats.get(self.id, []) if s.thread_id != thread_id]

    @property
    def messages(self) -> list[Sent]:
        return self.server.bot_messages(self.id)

    def in_topic(self, thread_id: int) -> list[Sent]:
        return [s for s in self.messages if s.thread_id == thread_id]

    def topic_named(self, fragment: str) -> int:
        for thread, name in self.topics.items():
            if fragment in name:
                return thread
        raise LookupError(f"no topic named like {fragment!r}: {list(self.topics.values())}")


class FakeGroupUser:
    """Someone in the desk group (a volunteer, or a member added by mistake)."""

    def __init__(self, group: FakeGroup, user_id: int, first_name: str):
        self.group, self.id, self.first_name = group, user_id, first_name

    def json(self) -> dict:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name}

    async def send(self, text: str, *, thread_id: int | None = None, reply_to: Sent | None = None) -> dict:
        server, chat_id = self.group.server, self.group.id
        s = Sent(
            server._next_message_id(chat_id),
            chat_id,
            False,
            text=text,
            date=int(time.time()),
            thread_id=thread_id,
            reply_to=reply_to.message_id if reply_to is not None else None,
            from_user=self.id,
        )
        server.chats.setdefault(chat_id, []).append(s)
        msg = server._message_json(s)
        msg["text"] = text
        m = re.match(r"^/[A-Za-z0-9_]+(@\w+)?", text)
        if m:
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": m.end()}]
        update_id = await server.push_update({"message": msg})
        return {"update_id": update_id, "message": msg}

    async def press(self, label: str | None = None, *, data: str | None = None, message: Sent) -> dict:
        button = message.button(label, data)
        query = {
            "id": f"cqg{self.id}_{time.monotonic_ns()}",
            "from": self.json(),
            "chat_instance": str(self.group.id),
            "data": button["callback_data"],
            "message": self.group.server._message_json(message),
        }
        update_id = await self.group.server.push_update({"callback_query": query})
        return {"update_id": update_id, "callback_query": query}


def no_such_button(wanted: str | None, messages: list[Sent]) -> str:
    """The failure a test reads when a button isn't there: what the member is looking at instead."""
    shown = next((m for m in reversed(messages) if m.buttons), messages[-1] if messages else None)
    if shown is None:
        return f"no bot message has a button {wanted!r}: the bot has sent this member nothing"
    text = " ".join(shown.text.split())
    question = text if len(text) <= 160 else "…" + text[-160:]  # the question is at the end
    return f"no bot message has a button {wanted!r}; the newest with buttons asks {question!r} with {shown.labels()}"
