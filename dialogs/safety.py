"""Safety: every message screened first; crisis lines at once, the direct question in the uncertain
middle, the lines in both languages for another language, harm from missed care, and a person on request.
Each raises an escalation for the volunteer desk."""

from __future__ import annotations

import logging

from dialogs.conversation import LANGS, Conversation
from dialogs.desk import Desk
from dialogs.model import Button, ClearButtons, Reply
from dialogs.rights_answers import sounds_distressed
from dialogs.services import Services
from dialogs.turn import Turn
from knowledge.screening import CATEGORIES
from knowledge.text import normalize, other_language
from storage import cases, escalations

logger = logging.getLogger(__name__)

# The safety screen's kinds of danger (knowledge/screening.py) that get a direct question in the
# uncertain middle, and the answers its buttons carry.
ASKED_CATEGORIES = tuple(c for c in CATEGORIES if c != "resource_request")
SAFETY_ANSWERS = ("yes", "no", "person")
# Full resources per kind of danger: these catalog keys, else crisis.category.<kind>.reply.
CRISIS_TEXT = {
    "self_harm": "crisis.message",
    "someone_else": "crisis.other",
    "resource_request": "crisis.other",
    "help_now": "crisis.help_now",
}
# The cited article behind the other emergencies' lines (911, the DV hotline, Childhelp), and who gets it.
OTHER_EMERGENCIES = "other-emergencies"
OTHER_DANGERS = ("someone_else", "harm_others", "domestic_violence", "child_danger")


class Safety:
    """The safety screen's replies and the escalations they raise: it needs the services, the conversation and the desk."""

    def __init__(self, services: Services, conversation: Conversation, desk: Desk):
        self.services = services
        self.conversation = conversation
        self.desk = desk

    def screen(self, turn: Turn, in_chat) -> bool:
        """Screen the message or caption; True when the safety reply is all this turn says."""
        ev = turn.ev
        if ev.kind not in ("text", "edited", "command", "unsupported") or not ev.text:
            return False
        found = self.services.screen(ev.text)
        if not found.needs_help:
            return False
        category = found.category if found.category in CATEGORIES else "self_harm"
        # Ids, level and category only: never what the member wrote.
        logger.info(
            "update %s: screen %s/%s (%s), member %s",
            ev.update_id,
            found.level,
            category,
            found.source or "-",
            turn.member_id if turn.member else "-",
        )
        if category != "resource_request" and other_language(ev.text):
            self._safety_in_both_languages(turn, found.level, category)
        elif found.level == "crisis" or category == "resource_request":
            self.crisis(turn, category)
        else:
            self._safety_ask(turn, category)
        if in_chat is not None and ev.kind in ("text", "unsupported"):
            self.desk.relay_to_desk(turn, in_chat)  # the volunteer sees it too (a photo as a copy)
        return True

    def crisis(self, turn: Turn, kind: str | None) -> None:
        """Crisis resources at once, the right ones for the kind of danger; an escalation; then carry on where they were.

        `kind` is a screen category (knowledge/screening.py) or "help_now" (the 🆘 button: the member said nothing yet).
        """
        kind = "self_harm" if kind is None else {"third_party_risk": "someone_else"}.get(kind, kind)
        phone = self.services.campaign.phone("mental_health_24_7")
        letters = self.services.campaign.phone("mental_health_24_7_letters")
        line = f"{letters} ({phone})" if letters and phone else (phone or letters)
        key = CRISIS_TEXT.get(kind, f"crisis.category.{kind}.reply")
        text = turn.t(key if self.services.catalog.has(turn.state.lang, key) else "crisis.message", line=line)
        buttons = []
        self._forget_safety_question(turn)
        if turn.member is not None and kind != "resource_request":
            reason = "help_now" if kind in ("someone_else", "help_now") else "crisis"
            self.desk.raise_escalation(
                member_id=turn.member_id,
                case_id=turn.state.case_id or self.latest_case_id(turn),
                reason=reason,
                now=turn.now,
                category=kind if kind in CATEGORIES else None,
            )
            logger.info("member %s: %s escalation (%s)", turn.member_id, reason, kind)
            text += "\n\n" + turn.t("crisis.flagged")
        if kind in OTHER_DANGERS and self.services.kb.get(OTHER_EMERGENCIES):
            buttons.append((Button(turn.t("crisis.more"), f"kb:{OTHER_EMERGENCIES}"),))
        if self.conversation.dialog(turn):
            buttons.append((Button(turn.t("crisis.continue"), "m:resume"),))
        turn.replies.append(Reply(text, tuple(buttons)))

    # The uncertain middle: the lines first, then one direct question (asking does not raise risk).

    def _safety_ask(self, turn: Turn, category: str) -> None:
        """A caring message that already carries 988 (and 911), and a direct question with buttons."""
        category = category if category in ASKED_CATEGORIES else "self_harm"
        token = self.services.token()
        if turn.member is not None:
            # A typed "yes"/"no" answers it; anything else moves on (see _safety_typed_answer).
            turn.state = turn.state.with_(pending=f"ask:{category}", pending_token=token)
        self._safety_record(turn, category, "asked")
        text = turn.t(f"crisis.category.{category}.ask") + "\n\n<b>" + turn.t(f"crisis.category.{category}.question") + "</b>"
        data = f"sa:{token}:{category}"
        turn.say(
            text,
            (
                (
                    Button(turn.t("crisis.ask.yes"), f"{data}:yes"),
                    Button(turn.t(f"crisis.category.{category}.no"), f"{data}:no"),
                ),
                (Button(turn.t("crisis.ask.person"), f"{data}:person"),),
            ),
        )

    def _safety_in_both_languages(self, turn: Turn, level: str, category: str) -> None:
        """A message in a language carebot doesn't speak: 911 and 988 (which interprets) in English and Spanish, and a person."""
        if level == "crisis" and turn.member is not None:
            self.desk.raise_escalation(
                member_id=turn.member_id,
                case_id=turn.state.case_id or self.latest_case_id(turn),
                reason="help_now" if category == "someone_else" else "crisis",
                now=turn.now,
                category=category,
            )
            logger.info("member %s: crisis escalation (%s, another language)", turn.member_id, category)
        self._safety_record(turn, category, "other_language")
        text = "\n\n".join(self.services.catalog.t(lang, "crisis.foreign.text") for lang in LANGS)
        label = " / ".join(self.services.catalog.t(lang, "crisis.foreign.person") for lang in LANGS)
        turn.say(text, ((Button(label, f"sa:{self.services.token()}:{category}:person"),),))

    def safety_button(self, turn: Turn) -> None:
        """Yes / No / Talk to a person under the question; old messages and restarts count the same."""
        parts = turn.ev.data.split(":")
        if len(parts) != 4 or parts[2] not in ASKED_CATEGORIES or parts[3] not in SAFETY_ANSWERS:
            self.conversation.old_button(turn)
            return
        if turn.ev.message_id:
            turn.replies.append(ClearButtons(turn.ev.message_id))  # the lines stay in the message
        self._safety_answered(turn, parts[2], parts[3])

    def typed_answer(self, turn: Turn) -> bool:
        """A typed "yes", "si", "no" or "a person" right after the question answers it; anything else moves on."""
        pending = turn.state.pending or ""
        if turn.member is None or not pending.startswith("ask:"):
            return False
        category = pending.split(":", 1)[1]
        self._forget_safety_question(turn)
        if turn.ev.kind != "text" or category not in ASKED_CATEGORIES:
            return False
        said = normalize(turn.ev.text)
        for answer in ("person", "no", "yes"):
            if any(
                said in (normalize(w) for w in self.services.catalog.raw(lang, f"crisis.ask.typed.{answer}")) for lang in LANGS
            ):
                self._safety_answered(turn, category, answer)
                return True
        return False

    def _safety_answered(self, turn: Turn, category: str, answer: str) -> None:
        self._forget_safety_question(turn)
        self._safety_record(turn, category, answer)
        logger.info("member %s: safety question (%s) answered %s", turn.member_id if turn.member else "-", category, answer)
        if answer != "no":
            self.crisis(turn, category)  # the full lines, and an escalation for the desk
            if turn.member is None and answer == "person":
                turn.say(turn.t("crisis.ask.stranger_person"))
            return
        if self.conversation.dialog(turn):
            self.conversation.resume(turn, "crisis.ask.carry_on")  # exactly where they were: the step, asked again
        elif turn.member is not None:
            self.conversation.menu(turn, turn.t("crisis.ask.carry_on") + "\n\n" + turn.t("menu.intro"))
        else:
            turn.say(turn.t("crisis.ask.carry_on"))

    def _forget_safety_question(self, turn: Turn) -> None:
        if turn.member is not None and (turn.state.pending or "").startswith("ask:"):
            turn.state = turn.state.with_(pending=None, pending_token="")

    def _safety_record(self, turn: Turn, category: str, what: str) -> None:
        """The question and its answer, as an event without text or member: category and answer only."""
        case_id = turn.state.case_id or self.latest_case_id(turn)
        case = cases.get(self.services.db, case_id) if case_id else None
        self.desk.audit(None, "safety_question", case_ref=case.ref if case else None, detail=f"{category}:{what}")

    def harm(self, turn: Turn, *, case_id: int | None = None, always_say: bool = False) -> None:
        """A member telling of harm from missed care: an escalation, and they are told a person will write."""
        before = escalations.open_for_member(self.services.db, turn.member_id)
        esc = self.desk.raise_escalation(
            member_id=turn.member_id,
            case_id=case_id or turn.state.case_id or self.latest_case_id(turn),
            reason="harm",
            now=turn.now,
        )
        logger.info("member %s: harm escalation", turn.member_id)
        if always_say or before is None or before.priority > esc.priority:
            turn.say(turn.t("harm.flagged"))
        else:
            turn.say(turn.t("harm.already"))

    def offer_a_volunteer(self, turn: Turn) -> bool:
        """Hard feelings said in passing: offer a person (once a day, and not when one is already coming)."""
        today = self.services.today(turn.now).isoformat()
        if turn.state.harm_offered_on == today or escalations.open_for_member(self.services.db, turn.member_id) is not None:
            return False
        turn.state = turn.state.with_(harm_offered_on=today)
        text = turn.t("harm.offer")
        if sounds_distressed(self.services.catalog, turn.ev.text):
            text += "\n\n" + turn.t("crisis.distress_line")  # hard feelings in distress words: 988 too
        turn.say(
            text,
            ((Button(turn.t("harm.offer_yes"), "m:harm"),), (Button(turn.t("harm.offer_no"), "m:harm_no"),)),
        )
        return True

    def latest_case_id(self, turn: Turn) -> int | None:
        mine = cases.for_member(self.services.db, turn.member_id) if turn.member else []
        open_ = [c for c in mine if c.status == "open"]
        return open_[0].id if open_ else None

    def ask_for_volunteer(self, turn: Turn) -> None:
        existing = escalations.open_for_member(self.services.db, turn.member_id)
        self.desk.raise_escalation(
            member_id=turn.member_id, case_id=turn.state.case_id or self.latest_case_id(turn), reason="volunteer", now=turn.now
        )
        logger.info("member %s asked for a volunteer", turn.member_id)
        turn.say(turn.t("volunteer.already" if existing else "volunteer.requested"))
        if self.conversation.dialog(turn):
            self.conversation.resume(turn, "commands.still_here")
