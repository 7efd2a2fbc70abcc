"""A message in a chat, as the stand-in keeps it (the bot's and the fake people's alike)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Sent:
    """A message in a chat, as the stand-in keeps it."""

    message_id: int
    chat_id: int
    from_bot: bool
    text: str = ""  # plain text as the member sees it
    html: str = ""  # what the bot sent (parse_mode HTML)
    buttons: list[list[dict]] = field(default_factory=list)
    document: dict | None = None
    edits: int = 0
    date: int = 0
    raw: dict = field(default_factory=dict)
    thread_id: int | None = None
    reply_to: int | None = None
    from_user: int | None = None  # in a group: who wrote it

    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    def button(self, label: str | None = None, data: str | None = None) -> dict:
        for row in self.buttons:
            for b in row:
                if (label is not None and (b["text"] == label or label in b["text"])) or (
                    data is not None and b.get("callback_data") == data
                ):
                    return b
        raise LookupError(f"no button {label or data!r} on message {self.message_id}: {self.labels()}")
