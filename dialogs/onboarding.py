"""Before consent: the language, the consent itself (nothing about a person is stored before it), the
deep link's clinic carried into the report, and what a stranger may already ask (/help, /rights, a question)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from dialogs.conversation import LANGS
from dialogs.deeplink import prefill_from_payload
from dialogs.model import Button, Edit, Keyboard, Reply
from dialogs.reporting import Reporting
from dialogs.rights_answers import RightsAnswers, language_buttons
from dialogs.services import Services
from dialogs.turn import Turn
from knowledge.text import guess_language, normalize
from storage import members

logger = logging.getLogger(__name__)

# Text longer than this is not taken as a question to the knowledge base.
QUESTION_MAX_CHARS = 300


class Onboarding:
    """Someone who has not agreed yet; it needs the services, the rights' answers and the report (started on consent)."""

    def __init__(self, services: Services, answers: RightsAnswers, reporting: Reporting):
        self.services = services
        self.answers = answers
        self.reporting = reporting

    def prefill(self, payload: str, now: datetime, *, count_start: bool) -> dict[str, Any]:
        """What a /start payload pre-fills (a clinic, a source); `count_start` counts the link's use."""
        return prefill_from_payload(self.services.db, self.services.campaign, payload, now, count_start=count_start)

    def stranger(self, turn: Turn) -> None:
        """Someone who has not agreed yet: nothing about them is stored."""
        ev = turn.ev
        turn.save = False
        if ev.kind == "command" and ev.command in ("start", "language"):
            payload = ev.args.split()[0] if ev.command == "start" and ev.args.strip() else ""
            if payload:
                self.prefill(payload, turn.now, count_start=True)  # counted, nothing personal kept
            turn.say(turn.t("onboarding.choose_language"), language_buttons(payload))
            return
        if ev.kind == "command" and ev.command in ("help", "privacy"):
            turn.say(turn.t(f"{ev.command}.text"))
            return
        if ev.kind == "button" and ev.data.startswith("on:"):
            self._onboarding_button(turn)
            return
        if ev.kind == "command" and ev.command == "rights":
            self.answers.rights_menu(turn)
            return
        if ev.kind == "button" and ev.data.startswith("kb:"):
            self.answers.kb_button(turn)
            return
        typed_lang = self._typed_language(ev.text) if ev.kind == "text" else None
        if typed_lang:
            # "English" or "espanol" typed instead of tapped: the same as the button.
            turn.state = turn.state.with_(lang=typed_lang)
            turn.say(turn.t("onboarding.welcome"), self._consent_buttons(turn, typed_lang, ""))
            return
        if ev.kind == "text" and guess_language(ev.text):
            # Someone who hasn't picked a language yet is answered in the one they wrote in.
            turn.state = turn.state.with_(lang=guess_language(ev.text))
        looks_like_a_question = ev.kind == "text" and len(ev.text.split()) >= 3
        if looks_like_a_question and self.answers.answer_question(
            turn, ev.text, confident_only=len(ev.text) > QUESTION_MAX_CHARS
        ):
            turn.say(turn.t("kb.stranger_hint"))
            return
        turn.say(
            turn.t("onboarding.start_first") + "\n\n" + turn.t("onboarding.choose_language"),
            language_buttons(""),
        )

    def _typed_language(self, text: str) -> str | None:
        """'English', 'espanol', 'Spanish'...: the language named, from the catalogs' [synonyms.language]."""
        said = normalize(text)
        for lang in LANGS:
            for catalog_lang in self.services.catalog.strings:
                if self.services.catalog.has(catalog_lang, f"synonyms.language.{lang}") and said in (
                    normalize(w) for w in self.services.catalog.raw(catalog_lang, f"synonyms.language.{lang}")
                ):
                    return lang
        return None

    def _consent_buttons(self, turn: Turn, lang: str, payload: str) -> Keyboard:
        return (
            (Button(turn.t("onboarding.agree"), f"on:yes:{lang}:{payload}"),),
            (Button(turn.t("onboarding.decline"), f"on:no:{lang}"),),
        )

    def _onboarding_button(self, turn: Turn) -> None:
        parts = turn.ev.data.split(":")
        action = parts[1] if len(parts) > 1 else ""
        lang = parts[2] if len(parts) > 2 and parts[2] in LANGS else turn.state.lang
        payload = parts[3] if len(parts) > 3 else ""
        turn.state = turn.state.with_(lang=lang)
        mid = turn.ev.message_id
        if action == "lang":
            text, buttons = turn.t("onboarding.welcome"), self._consent_buttons(turn, lang, payload)
            turn.replies.append(Edit(mid, text, buttons) if mid else Reply(text, buttons))
        elif action == "no":
            turn.replies.append(Edit(mid, turn.t("onboarding.declined")) if mid else Reply(turn.t("onboarding.declined")))
        elif action == "yes":
            prefill = self.prefill(payload, turn.now, count_start=False) if payload else {}
            turn.member = members.create(
                self.services.db, chat_id=turn.ev.chat_id, lang=lang, source=prefill.get("source"), now=turn.now
            )
            if prefill.get("link"):
                members.set_link(self.services.db, turn.member_id, prefill["link"])
            logger.info("member %s consented (%s)", turn.member_id, lang)
            turn.save = True
            if mid:
                turn.replies.append(Edit(mid, turn.t("onboarding.welcome") + "\n\n✓ <b>" + turn.t("onboarding.agreed") + "</b>"))
            self.reporting.start(turn, prefill, intro_key="onboarding.consented")
        else:
            turn.say(turn.t("onboarding.choose_language"), language_buttons(""))
