"""One event being handled: who sent it, where their conversation is, and what the bot will say.

Every collaborator of the core (onboarding, the report, check-ins, the desk, organizers, safety)
works on a `Turn`: it reads the event and the member's state, and appends replies. The turn knows
the catalog, so `turn.t(key)` speaks the member's language and `turn.say(text, buttons)` queues a
message, without reaching back into the core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dialogs.catalog import Catalog
from dialogs.model import Event, Keyboard, Reply
from dialogs.state import State
from storage.models import Member


@dataclass
class Turn:
    """One event being handled: who, where they are, and what we will say."""

    ev: Event
    now: datetime
    member: Member | None
    state: State
    catalog: Catalog
    replies: list[Any] = field(default_factory=list)
    toast: str = ""
    alert: bool = False
    save: bool = True
    jobs: list[Any] = field(default_factory=list)
    heard_hardship: bool = False  # the harm screen answered already: a statement, not a question

    def t(self, key: str, **params: Any) -> str:
        """A catalog text in the member's language."""
        return self.catalog.t(self.state.lang, key, **params)

    def say(self, text: str, buttons: Keyboard = ()) -> None:
        """A new message to the chat the event came from."""
        self.replies.append(Reply(text, buttons))

    @property
    def known_member(self) -> Member:
        """The member, for work that only happens once someone has agreed (a member is then always there)."""
        assert self.member is not None, "a member's work on a turn without a member"
        return self.member

    @property
    def member_id(self) -> str:
        return self.known_member.id

    def as_command(self, command: str) -> "Turn":
        """The same turn, as if the member had typed /<command> (menu buttons)."""
        self.ev = Event(
            update_id=self.ev.update_id,
            chat_id=self.ev.chat_id,
            kind="command",
            command=command,
            message_id=self.ev.message_id,
            lang_hint=self.ev.lang_hint,
        )
        return self
