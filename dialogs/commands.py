"""The one table of commands: it feeds both the handlers and Telegram's menu (per language)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    menu: bool = True  # shown in Telegram's command menu; its description is catalog key command.<name>


COMMANDS: tuple[Command, ...] = (
    Command("start"),
    Command("report"),
    Command("mycases"),
    Command("rights"),
    Command("pause"),
    Command("resume"),
    Command("mute"),
    Command("unmute", menu=False),
    Command("volunteer"),
    Command("endchat"),
    Command("help"),
    Command("language"),
    Command("privacy"),
    Command("delete"),
    Command("cancel"),
)

COMMAND_NAMES = frozenset(c.name for c in COMMANDS)

# Commands for volunteers in the desk group (each checks the sender's role).
DESK_COMMANDS: tuple[str, ...] = ("queue", "case", "note", "mine", "grant", "revoke")
