"""Commands and buttons to their handlers, by table (the way the engine's `_BUTTONS` maps step kinds).

A command is looked up by its name; a button by its namespace, the part of its callback data before
the first ':' ("kb:more:timely-access" -> "kb"). Anything not in a table goes to the fallback: an
unknown command gets "I don't know that one", a button from an old or forged message is cleared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from dialogs.turn import Turn

Handler = Callable[[Turn], None]


def button_namespace(data: str) -> str:
    """The namespace of a button's callback data (untrusted: any string)."""
    return data.split(":", 1)[0]


class Router:
    """Two tables and their fallbacks; adding a command or a button is one line in a table."""

    def __init__(
        self,
        *,
        commands: Mapping[str, Handler],
        buttons: Mapping[str, Handler],
        unknown_command: Handler,
        unknown_button: Handler,
    ):
        self.commands = dict(commands)
        self.buttons = dict(buttons)
        self.unknown_command = unknown_command
        self.unknown_button = unknown_button

    def command(self, turn: Turn) -> None:
        self.commands.get(turn.ev.command, self.unknown_command)(turn)

    def button(self, turn: Turn) -> None:
        self.buttons.get(button_namespace(turn.ev.data), self.unknown_button)(turn)
