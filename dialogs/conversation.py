"""Where a member's conversation stands, and the moves every part of the core makes on it: which
dialog is open, ask its question again, show the menu, clear a button that is no longer valid."""

from __future__ import annotations

from dialogs import engine
from dialogs.checkin_dialogs import SHORT_DIALOGS
from dialogs.engine import Dialog
from dialogs.model import Button, ClearButtons, Reply
from dialogs.report_steps import REPORT
from dialogs.services import Services
from dialogs.state import State
from dialogs.turn import Turn
from knowledge import languages

DIALOGS = {REPORT.name: REPORT, **SHORT_DIALOGS}
LANGS = languages.CODES  # the languages carebot speaks (knowledge/languages.py)


def dialog_for(state: State) -> Dialog | None:
    """The dialog a state is in the middle of (None between dialogs)."""
    return DIALOGS.get(state.dialog) if state.dialog and state.step else None


class Conversation:
    """The menu, the open question, and old buttons: shared by onboarding, the report, check-ins, safety and the desk."""

    def __init__(self, services: Services):
        self.services = services

    def dialog(self, turn: Turn) -> Dialog | None:
        return dialog_for(turn.state)

    def resume(self, turn: Turn, intro_key: str | None = None) -> None:
        """Ask the current question again, or show the menu when no dialog is open."""
        dialog = self.dialog(turn)
        if dialog is None:
            self.menu(turn)
            return
        question = engine.prompt(dialog, turn.state, self.services.ctx(turn.now))
        text = question.text if intro_key is None else turn.t(intro_key) + "\n\n" + question.text
        turn.replies.append(Reply(text, question.buttons))

    def menu(self, turn: Turn, intro: str | None = None) -> None:
        turn.say(
            intro or turn.t("menu.intro"),
            (
                (Button(turn.t("menu.report"), "m:report"),),
                (Button(turn.t("menu.rights"), "m:rights"), Button(turn.t("menu.mycases"), "m:mycases")),
                (Button(turn.t("menu.volunteer"), "m:volunteer"), Button(turn.t("menu.crisis"), "m:crisis")),
            ),
        )

    def old_button(self, turn: Turn) -> None:
        """A button from an old message (or one the bot never made): its buttons go, the member carries on."""
        if turn.ev.message_id:
            turn.replies.append(ClearButtons(turn.ev.message_id))
        if self.dialog(turn):
            self.resume(turn, "old_button.in_dialog")
        else:
            self.menu(turn, turn.t("old_button.idle") + " " + turn.t("menu.intro"))

    def still_here(self, turn: Turn) -> None:
        """After an aside (help, a question answered): the open question again, if there is one."""
        if self.dialog(turn):
            self.resume(turn, "commands.still_here")
