"""The member's report: starting it, carrying out what the engine decided (drafts, answers, filing),
the filing messages (reference, rights, complaint and its file), the buttons under them, and /mycases."""

from __future__ import annotations

import html
import logging

from dialogs import engine
from dialogs.checkin_turns import Checkins
from dialogs.complaints import case_facts, complaint_for
from dialogs.conversation import Conversation
from dialogs.desk import Desk
from dialogs.engine import Answered, Completed, DiscardCase, FileCase
from dialogs.model import Button, ClearButtons, Document, Reply
from dialogs.report_steps import REPORT, answer_column, case_fields
from dialogs.services import Services
from dialogs.turn import Turn
from knowledge.complaint import complaint_document, complaint_text, rights_brief, rights_headline, rights_summary
from knowledge.dates import format_date
from knowledge.deadlines import compute_deadline
from storage import cases, escalations, followups, members

logger = logging.getLogger(__name__)


class Reporting:
    """The report and what follows filing; it needs the services, the conversation, the desk and the check-ins."""

    def __init__(self, services: Services, conversation: Conversation, desk: Desk, checkins: Checkins):
        self.services = services
        self.conversation = conversation
        self.desk = desk
        self.checkins = checkins

    def start(self, turn: Turn, prefill: dict | None = None, intro_key: str | None = None) -> None:
        result = engine.start(REPORT, turn.state, self.services.ctx(turn.now), run=self.services.token(), prefill=prefill)
        turn.state = result.state
        first = result.replies[0]
        text = first.text if intro_key is None else turn.t(intro_key) + "\n\n" + first.text
        turn.replies.append(Reply(text, first.buttons))

    def complaint_sent_button(self, turn: Turn) -> None:
        parts = turn.ev.data.split(":")
        case = cases.get(self.services.db, int(parts[1])) if len(parts) == 2 and parts[1].isdigit() else None
        if case is None or case.member_id != turn.member_id:  # callback data is not trusted
            self.conversation.old_button(turn)
            return
        today = self.services.today(turn.now)
        if case.complaint_sent_on is None:
            cases.update_fields(self.services.db, case.id, turn.now, complaint_sent_on=today)
        if turn.ev.message_id:
            turn.replies.append(ClearButtons(turn.ev.message_id))
        turn.say(
            turn.t("filed.complaint_noted", date=format_date(case.complaint_sent_on or today, turn.state.lang, today=today)),
        )

    def apply(self, turn: Turn, result: engine.Result) -> None:
        """Take the engine's new state and replies, and carry out its effects."""
        state = result.state
        turn.replies.extend(result.replies)
        turn.toast = result.toast
        for effect in result.effects:
            if isinstance(effect, Completed):
                case_id = turn.state.case_id
                turn.state = state
                self.checkins.short_dialog_done(turn, effect, case_id)
                state = turn.state
            elif isinstance(effect, Answered) and turn.state.dialog != REPORT.name:
                continue  # a check-in's date question: recorded when it completes
            elif isinstance(effect, Answered):
                case_id = turn.state.case_id or state.case_id
                if case_id is None:
                    case_id = self._draft(turn, state.lang, state.prefill.get("source"))
                state = state.with_(case_id=case_id)
                mapped = answer_column(effect.field, effect.value)
                if mapped is not None:
                    cases.record_answer(self.services.db, case_id, *mapped, turn.now)
            elif isinstance(effect, FileCase):
                case_id = turn.state.case_id
                if case_id is None:
                    case_id = self._draft(turn, state.lang)
                case = cases.file(
                    self.services.db,
                    case_id,
                    case_fields(effect.answers),
                    prefix=self.services.campaign.reference_prefix,
                    now=turn.now,
                )
                logger.info("case %s filed by member %s", case.ref, turn.member_id)
                link = (turn.state.prefill or {}).get("link") or turn.known_member.link_code
                if link:
                    cases.set_link(self.services.db, case.id, link)
                if effect.answers.get("contact") is not None:
                    members.set_contact(
                        self.services.db, turn.member_id, ok=effect.answers["contact"] == "yes", username=turn.ev.username
                    )
                turn.state = state
                self._filed(turn, cases.get(self.services.db, case.id))
            elif isinstance(effect, DiscardCase):
                if turn.state.case_id is not None:
                    cases.discard_draft(self.services.db, turn.state.case_id)
        turn.state = state

    def _draft(self, turn: Turn, lang: str, source: str | None = None) -> int:
        """The draft case a report's first answer (or an empty filing) is kept in; its id."""
        draft = cases.create_draft(
            self.services.db,
            member_id=turn.member_id,
            campaign_id=self.services.campaign.id,
            lang=lang,
            source=source or turn.known_member.source,
            now=turn.now,
        )
        return draft.id

    def discard(self, turn: Turn) -> None:
        if turn.state.case_id is not None:
            cases.discard_draft(self.services.db, turn.state.case_id)

    def _filed(self, turn: Turn, case) -> None:
        """Right after filing, short for a phone: the reference, the one date and what to do next; then the
        rights in brief, the complaint in brief and its file, each with the full text one tap away (rt:)."""
        lang = turn.state.lang
        facts = case_facts(self.services, case, reported_at=turn.now)
        deadline = compute_deadline(facts, self.services.campaign)
        cases.set_deadline(
            self.services.db, case.id, standard=deadline.standard, due_date=deadline.due_date, due_at=deadline.due_at
        )
        case = cases.get(self.services.db, case.id)
        self.checkins.schedule_next(case, after=turn.now)  # an urgent one still waiting at 48 hours: see watch_urgent_cases
        esc = escalations.open_for_member(self.services.db, turn.member_id)
        if esc is not None and esc.case_id == case.id:
            self.desk.refresh(esc)  # raised mid-report (a crisis, harm): its card and topic now carry the reference
        headline = html.escape(rights_headline(facts, deadline, self.services.campaign, lang))
        turn.say(turn.t("filed.done", ref=case.ref) + "\n\n" + headline)
        brief = html.escape(rights_brief(facts, deadline, self.services.campaign, lang))
        turn.say(
            turn.t("filed.rights_title") + "\n" + brief,
            ((Button(turn.t("filed.rights_full_button"), f"rt:full:{case.id}"),),),
        )
        complaint = complaint_text(facts, deadline, self.services.campaign, lang, case.ref)
        buttons = [(Button(turn.t("filed.complaint_text_button"), f"rt:text:{case.id}"),)]
        if lang != "en":
            buttons.append((Button(turn.t("filed.complaint_english_button"), f"rt:en:{case.id}"),))
        buttons.append((Button(turn.t("filed.how_to_send_button"), f"rt:send:{case.id}"),))
        buttons.append((Button(turn.t("filed.complaint_sent_button"), f"cs:{case.id}"),))
        turn.say(turn.t("filed.complaint_intro") + "\n" + html.escape(complaint.send_brief), tuple(buttons))
        caption_key = "filed.document_caption" if lang == "en" else "filed.document_caption_with_english"
        turn.replies.append(
            Document(f"complaint-{case.ref}.txt", complaint_document(complaint), turn.t(caption_key, ref=case.ref))
        )
        self.conversation.menu(turn, turn.t("filed.next"))

    def rights_button(self, turn: Turn) -> None:
        """rt:<what>:<case id>, under the filing messages: the full rights, the complaint text to copy (in the
        member's language or the English filing copy), or every way to send it."""
        parts = turn.ev.data.split(":")
        case = cases.get(self.services.db, int(parts[2])) if len(parts) == 3 and parts[2].isdigit() else None
        if (
            case is None
            or turn.member is None
            or case.member_id != turn.member_id  # callback data is not trusted
            or case.filed_at is None
            or parts[1] not in ("full", "text", "en", "send")
        ):
            self.conversation.old_button(turn)
            return
        lang = turn.state.lang
        if parts[1] == "full":
            facts = case_facts(self.services, case, reported_at=case.filed_at)
            rights = rights_summary(facts, compute_deadline(facts, self.services.campaign), self.services.campaign, lang)
            turn.say(turn.t("filed.rights_title") + "\n" + html.escape(rights))
        else:
            complaint = complaint_for(self.services, case, lang)
            text = {
                "text": f"{complaint.subject}\n\n{complaint.body}",
                "en": f"{complaint.subject_en}\n\n{complaint.body_en}",
                "send": complaint.how_to_send,
            }[parts[1]]
            turn.say(html.escape(text[:3900]))
        if self.conversation.dialog(turn):
            self.conversation.resume(turn, "commands.still_here")

    def mycases_text(self, turn: Turn) -> str:
        mine = cases.for_member(self.services.db, turn.member_id)
        if not mine:
            return turn.t("mycases.none")
        lines = [turn.t("mycases.intro")]
        today = self.services.today(turn.now)
        due = followups.next_due_for_cases(self.services.db, [c.id for c in mine])
        for c in mine:
            facility = self.services.campaign.facility(c.facility_id)
            lines.append(
                turn.t(
                    "mycases.line",
                    ref=c.ref,
                    kind=turn.t(f"choice.kind.{c.kind}") if c.kind else "",
                    date=format_date(c.appt_date, turn.state.lang, today=today) if c.appt_date else turn.t("mycases.no_date"),
                    facility=facility.name if facility else (c.facility_text or turn.t("facility.unknown")),
                    status=turn.t(f"status.{c.status}"),
                )
            )
            nxt = self.checkins.next_checkin_line(turn, c, due.get(c.id))
            if nxt:
                lines[-1] += f" · {nxt}"
        return "\n".join(lines)
