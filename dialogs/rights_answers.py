"""The rights, as members meet them: typed questions answered from the knowledge base (in the language
they were written in), the /rights menu and its topics, and the offer to switch language."""

from __future__ import annotations

import html

from dialogs.catalog import Catalog
from dialogs.conversation import LANGS, Conversation
from dialogs.model import Button, Edit, Keyboard, Reply
from dialogs.services import Services
from dialogs.turn import Turn
from knowledge.kbeval import answer_text
from knowledge.language import OTHER, detect_language
from knowledge.retrieval import Answer
from knowledge.text import normalize

# The topics /rights shows first (the rest are one tap away).
RIGHTS_MENU = (
    "timely-access",
    "canceled-appointment",
    "out-of-network",
    "out-of-network-request",
    "file-grievance",
    "dmhc-complaint",
    "urgent-appointments",
    "crisis-help",
    "free-help",
)


def sounds_distressed(catalog: Catalog, text: str) -> bool:
    """Words of distress (the catalogs' crisis.distress lists, both languages) in a message."""
    said = f" {normalize(text)} "
    return any(f" {normalize(w)} " in said for lang in LANGS for w in catalog.raw(lang, "crisis.distress.words"))


def language_buttons(payload: str) -> Keyboard:
    """English / Español, for someone who has not agreed yet (the payload is a deep link's)."""
    return ((Button("English", f"on:lang:en:{payload}"), Button("Español", f"on:lang:es:{payload}")),)


class RightsAnswers:
    """Knowledge-base answers and the /rights menu; it needs the services and the conversation (to carry on)."""

    def __init__(self, services: Services, conversation: Conversation):
        self.services = services
        self.conversation = conversation

    def _article_text(self, lang: str, article_id: str, *, detail: bool = False, answer: Answer | None = None) -> str:
        a = self.services.kb.render(article_id, lang, self.services.campaign)
        body = a.detail if detail else a.answer
        if answer is not None and not detail:
            # The fact that answers the question leads; the rest of the short answer follows.
            body = answer_text(self.services.kb, self.services.campaign, answer, a.lang)[1]
        lines = [f"<b>{html.escape(a.title)}</b>", "", html.escape(body)]
        # The short answer names its main source; the detail lists them all.
        footer = " · ".join(x for x in (a.source_line if detail else a.source_line_short, a.reviewed_line) if x)
        if footer:
            lines += ["", f"<i>{html.escape(footer)}</i>"]
        return "\n".join(lines)

    def _article_reply(
        self, turn: Turn, article_id: str, *, detail: bool = False, lang: str | None = None, answer: Answer | None = None
    ) -> Reply:
        lang = lang or turn.state.lang
        rendered = self.services.kb.render(article_id, lang, self.services.campaign)
        # Buttons carry the reply's language when it is not the chat's, so "More detail" stays in it.
        suffix = f":{lang}" if lang != turn.state.lang else ""
        buttons = []
        if rendered.detail and not detail:
            buttons.append((Button(self.services.catalog.t(lang, "kb.more"), f"kb:more:{article_id}{suffix}"),))
        buttons.append((Button(self.services.catalog.t(lang, "kb.other_topics"), "kb:menu"),))
        return Reply(self._article_text(lang, article_id, detail=detail, answer=answer), tuple(buttons))

    def answer_question(self, turn: Turn, text: str, *, confident_only: bool = False) -> bool:
        """Answer a typed question from the knowledge base, in the language it was written in.

        When unsure: "I don't have a reliable answer", the closest topics and a person.
        A question in a third language gets the language offer and a person.
        """
        written = detect_language(text, self.services.retriever.vocabulary)
        if written == OTHER:
            if confident_only:
                return False
            self._third_language(turn)
            return True
        lang = written if written in LANGS else turn.state.lang
        found = self.services.retriever.answer(text, lang)
        if found.article_id is not None:
            turn.replies.append(self._article_reply(turn, found.article_id, lang=lang, answer=found))
            self._offer_language(turn, lang)
            return True
        if confident_only:
            return False
        suffix = f":{lang}" if lang != turn.state.lang else ""
        buttons = [
            (Button(self.services.kb.render(a, lang, self.services.campaign).title, f"kb:{a}{suffix}"),)
            for a in found.alternatives[:3]
        ]
        if turn.member is not None:
            buttons.append((Button(self.services.catalog.t(lang, "kb.ask_volunteer"), "m:volunteer"),))
            buttons.append((Button(self.services.catalog.t(lang, "menu.report"), "m:report"),))
        unsure = self.services.catalog.t(lang, "kb.unsure")
        if sounds_distressed(self.services.catalog, text):
            unsure += "\n\n" + self.services.catalog.t(lang, "crisis.distress_line")  # not understood, but not left without 988
        turn.replies.append(Reply(unsure, tuple(buttons)))
        self._offer_language(turn, lang)
        return True

    def _offer_language(self, turn: Turn, lang: str) -> None:
        """A member who wrote in the other language is offered, once, to switch the chat to it."""
        if turn.member is None or lang == turn.state.lang or turn.state.lang_offered or lang not in LANGS:
            return
        turn.state = turn.state.with_(lang_offered=True)
        self._say_in(
            turn,
            lang,
            "langoffer.ask",
            (
                (Button(self.services.catalog.t(lang, "langoffer.switch"), f"lang:{lang}"),),
                (Button(self.services.catalog.t(lang, "langoffer.keep"), f"lang:{turn.state.lang}"),),
            ),
        )

    def _third_language(self, turn: Turn) -> None:
        """A message in neither English nor Spanish: both languages offered, and a person."""
        if turn.member is None:
            turn.say(turn.t("langoffer.other"), language_buttons(""))
            return
        turn.state = turn.state.with_(lang_offered=True)
        turn.say(
            turn.t("langoffer.other"),
            (
                (Button("English", "lang:en"), Button("Español", "lang:es")),
                (Button(turn.t("kb.ask_volunteer"), "m:volunteer"),),
            ),
        )

    def _say_in(self, turn: Turn, lang: str, key: str, buttons=()) -> None:
        turn.replies.append(Reply(self.services.catalog.t(lang, key), buttons))

    def rights_menu(self, turn: Turn, *, all_topics: bool = False, message_id: int | None = None) -> None:
        lang = turn.state.lang
        ids = self.services.kb.ids if all_topics else tuple(a for a in RIGHTS_MENU if self.services.kb.get(a))
        buttons = [(Button(self.services.kb.render(a, lang, self.services.campaign).title, f"kb:{a}"),) for a in ids]
        if not all_topics:
            buttons.append((Button(turn.t("kb.all_topics"), "kb:all"),))
        text = turn.t("kb.menu_intro")
        turn.replies.append(Edit(message_id, text, tuple(buttons)) if message_id else Reply(text, tuple(buttons)))

    def kb_button(self, turn: Turn) -> None:
        parts = turn.ev.data.split(":")
        # kb:<id>[:<lang>] and kb:more:<id>[:<lang>]: the language when a reply was not in the chat's own.
        more = len(parts) in (3, 4) and parts[1] == "more"
        article_id = parts[2] if more else (parts[1] if len(parts) in (2, 3) else "")
        lang_part = parts[3] if more and len(parts) == 4 else (parts[2] if not more and len(parts) == 3 else None)
        lang = lang_part if lang_part in LANGS else turn.state.lang
        if parts == ["kb", "menu"]:
            self.rights_menu(turn)
        elif parts == ["kb", "all"]:
            self.rights_menu(turn, all_topics=True, message_id=turn.ev.message_id)
        elif article_id and self.services.kb.get(article_id) and (lang_part is None or lang_part in LANGS):
            turn.replies.append(self._article_reply(turn, article_id, detail=more, lang=lang))
        else:
            self.conversation.old_button(turn)
            return
        if self.conversation.dialog(turn):
            self.conversation.resume(turn, "commands.still_here")
