"""Follow-ups in the core: scheduling check-ins, composing them, and the member's answers.

A collaborator of `dialogs.core.Core`, its dependencies given to its constructor.
Every check-in answer is recorded the moment it is tapped (a case event), there
is no "submit" step.
"""

from __future__ import annotations

import html
import re
import logging
from datetime import datetime, timedelta, timezone

from dialogs import engine
from dialogs.checkin_dialogs import NEW_APPT, OON_APPT, SHORT_DIALOGS  # noqa: F401  (re-exported)
from dialogs.complaints import complaint_for
from dialogs.conversation import Conversation
from dialogs.desk import Desk
from dialogs.engine import Dialog
from dialogs.rights_answers import RightsAnswers
from dialogs.safety import Safety
from dialogs.services import Services
from dialogs.turn import Turn
from dialogs.model import Button, ClearButtons, Edit, Keyboard, Reply, keyboard_json
from knowledge import languages
from knowledge.dates import format_date
from knowledge.text import normalize
from storage import cases, followups, members, outbox
from storage.models import Case, Member
from storage.outbox import PRIORITY_FOLLOWUP

logger = logging.getLogger(__name__)
URGENT_WATCH_EVERY = timedelta(minutes=1)

# Button actions on a check-in ("f:<followup id>:<action>").
CHECKIN_ACTIONS = ("new", "oon", "wait", "seen", "help")
SEEN_ACTIONS = ("yes", "no", "help")
FOREVER = datetime(9999, 1, 1, tzinfo=timezone.utc)
# A typed message this soon after a check-in is read as an answer to it.
CHECKIN_REPLY_WINDOW = timedelta(days=7)
PAUSE_CHOICES = {"3": 3, "7": 7, "14": 14, "0": None}
MAX_PAUSE_DAYS = 90


class Checkins:
    """Check-ins: rows first, sent by the dispatcher, answered with one tap.

    Needs the services, the conversation (to carry on), the desk (escalations), the rights' answers
    (a question typed after a check-in) and safety (🆘 on a check-in, harm from a missed appointment).
    """

    def __init__(self, services: Services, conversation: Conversation, desk: Desk, answers: RightsAnswers, safety: Safety):
        self.services = services
        self.conversation = conversation
        self.desk = desk
        self.answers = answers
        self.safety = safety
        self._urgent_watched_at: datetime | None = None  # the last pass of watch_urgent_cases

    # ------------------------------------------------------------ scheduling

    def schedule_next(self, case: Case, after: datetime) -> None:
        """Schedule the case's next regular check-in, unless one is already pending."""
        if any(f.kind == "checkin" for f in followups.pending_for_case(self.services.db, case.id)):
            return
        due = self.services.schedule.next_checkin(
            filed_at=_filed_at(case),
            deadline_date=case.deadline_date,
            deadline_at=case.deadline_at,
            urgent=case.urgency == "urgent",
            after=after,
        )
        followups.schedule(self.services.db, case.id, "checkin", due, self.services.clock())

    def materialize_due(self, limit: int = 500) -> int:
        """Turn due check-ins into outbox messages (one transaction). Returns how many were queued."""
        now = self.services.clock()
        queued = 0
        with self.services.db.atomic():
            due = followups.due(self.services.db, now, limit)
            quiet = self.services.schedule.in_quiet_hours(now)
            morning = self.services.schedule.out_of_quiet_hours(now)
            for f in due:
                case = cases.get(self.services.db, f.case_id)
                member = members.get(self.services.db, case.member_id) if case and case.member_id else None
                if case is None or case.status != "open" or member is None or member.unreachable_at:
                    followups.cancel_for_case(self.services.db, f.case_id)
                    continue
                if member.paused_until and member.paused_until > now:
                    followups.postpone(self.services.db, f.id, member.paused_until)
                    continue
                if quiet:
                    followups.postpone(self.services.db, f.id, morning)
                    continue
                reply = self._checkin_message(case, member, f.kind, f.id)
                assert member.chat_id is not None  # a member's row has their chat
                item = outbox.enqueue(
                    self.services.db,
                    chat_id=member.chat_id,
                    member_id=member.id,
                    action="send",
                    payload={"text": reply.text, "buttons": keyboard_json(reply.buttons)},
                    now=now,
                    kind="followup",
                    priority=PRIORITY_FOLLOWUP,
                    ref_kind="followup",
                    ref_id=f.id,
                )
                followups.mark_queued(self.services.db, f.id, item.id)
                queued += 1
        if queued:
            logger.info("queued %d check-in(s)", queued)
        return queued

    def watch_urgent_cases(self) -> int:
        """An urgent case still without an appointment when its 48 hours are up goes to the volunteer desk.

        Looked at once a minute of the bot's clock (the query reads every open urgent case: ~10 ms
        among the 2022 strike's 111,803)."""
        now = self.services.clock()
        last = self._urgent_watched_at
        if last is not None and timedelta(0) <= now - last < URGENT_WATCH_EVERY:
            return 0
        self._urgent_watched_at = now
        raised = 0
        with self.services.db.atomic():
            for case in cases.urgent_without_appointment(self.services.db, now):
                cases.log_event(self.services.db, case.id, "urgent_overdue", None, now)
                assert case.member_id is not None  # the query keeps members' cases only
                self.desk.raise_escalation(member_id=case.member_id, case_id=case.id, reason="urgent_no_appointment", now=now)
                raised += 1
        if raised:
            logger.info("%d urgent case(s) past 48 hours without an appointment escalated", raised)
        return raised

    def _checkin_message(self, case: Case, member: Member, kind: str, followup_id: int) -> Reply:
        lang = member.lang
        t = lambda key, **kw: self.services.catalog.t(lang, key, **kw)  # noqa: E731
        today = self.services.today()
        if kind in ("seen", "oon_seen"):
            when = case.new_appt_date if kind == "seen" else (case.new_appt_date or today)
            assert when is not None  # a "seen" check-in is scheduled from the new appointment's date
            text = t("checkin.seen_question", ref=case.ref, date=format_date(when, lang, today=today))
            buttons: Keyboard = (
                (Button(t("checkin.seen_yes"), f"f:{followup_id}:yes"), Button(t("checkin.seen_no"), f"f:{followup_id}:no")),
                (Button(t("checkin.help"), f"f:{followup_id}:help"),),
            )
            return Reply(text, buttons)
        facility = self.services.campaign.facility(case.facility_id)
        text = t(
            "checkin.intro",
            ref=case.ref,
            kind=t(f"choice.kind.{case.kind}") if case.kind else "",
            facility=facility.name if facility else (case.facility_text or t("facility.unknown")),
        )
        if case.deadline_date:
            key = "checkin.deadline_passed" if _deadline_passed(case, self.services.clock(), today) else "checkin.deadline"
            text += "\n" + t(key, deadline=format_date(case.deadline_date, lang, today=today))
        buttons = tuple(
            (Button(t(f"checkin.{label}"), f"f:{followup_id}:{action}"),)
            for action, label in (
                ("new", "new_appt"),
                ("oon", "oon"),
                ("wait", "waiting"),
                ("seen", "restored"),
                ("help", "help"),
            )
        )
        return Reply(text, buttons)

    def delivered(self, followup_id: int, now: datetime) -> None:
        """A check-in reached the member: record it and schedule the next one."""
        followups.mark_sent(self.services.db, followup_id, now)
        f = followups.get(self.services.db, followup_id)
        case = cases.get(self.services.db, f.case_id) if f else None
        if case is not None and case.status == "open":
            self.schedule_next(case, after=now)

    def member_unreachable(self, chat_id: int) -> None:
        """Telegram answered 403 (the member blocked the bot): mark them and stop their check-ins."""
        now = self.services.clock()
        with self.services.db.atomic():
            member = members.by_chat(self.services.db, chat_id)
            if member is None:
                return
            members.set_unreachable(self.services.db, member.id, now)
            followups.cancel_for_member(self.services.db, member.id)
            outbox.cancel_for_chat(self.services.db, chat_id)
        logger.info("member %s is unreachable (blocked the bot); check-ins stopped", member.id)

    def welcome_back_if_unreachable(self, turn: Turn) -> None:
        """A member who had blocked the bot wrote again: check-ins start again."""
        if turn.member is None or turn.member.unreachable_at is None:
            return
        members.set_unreachable(self.services.db, turn.member_id, None)
        for case in cases.open_for_member(self.services.db, turn.member_id):
            self.schedule_next(case, after=turn.now)

    # ------------------------------------------------------------ answers

    def checkin_button(self, turn: Turn) -> None:
        parts = turn.ev.data.split(":")
        if len(parts) != 3 or not parts[1].isdigit():
            self.conversation.old_button(turn)
            return
        f = followups.get(self.services.db, int(parts[1]))
        case = cases.get(self.services.db, f.case_id) if f else None
        # Callback data is not trusted: the check-in must be about one of this member's own cases.
        if case is None or case.member_id != turn.member_id:
            self.conversation.old_button(turn)
            return
        if case.status != "open":
            turn.replies.append(Reply(turn.t("checkin.closed_case", ref=case.ref)))
            if turn.ev.message_id:
                turn.replies.insert(0, ClearButtons(turn.ev.message_id))
            return
        self._checkin_answer(turn, f, case, parts[2])

    def _checkin_answer(self, turn: Turn, f, case: Case, action: str, *, typed_date=None) -> None:
        now, mid = turn.now, turn.ev.message_id
        seen_kind = f.kind in ("seen", "oon_seen")
        if action not in (SEEN_ACTIONS + ("close", "keep") if seen_kind else CHECKIN_ACTIONS + ("close", "keep")):
            self.conversation.old_button(turn)
            return
        followups.mark_answered(self.services.db, f.id, action, now)
        cases.log_event(self.services.db, case.id, "checkin_answer", f"{f.kind}:{action}", now)
        logger.info("case %s: check-in answered (%s)", case.ref, action)
        if action == "help":
            self.safety.crisis(turn, "help_now")
        elif action in ("seen", "yes"):
            turn.replies.append(
                Reply(
                    turn.t("checkin.confirm_close", ref=case.ref),
                    (
                        (
                            Button(turn.t("checkin.close_yes"), f"f:{f.id}:close"),
                            Button(turn.t("checkin.close_no"), f"f:{f.id}:keep"),
                        ),
                    ),
                )
            )
        elif action == "close":
            cases.close(self.services.db, case.id, reason="restored", restored_on=self.services.today(now), now=now)
            followups.cancel_for_case(self.services.db, case.id)
            if mid:
                turn.replies.append(ClearButtons(mid))
            turn.replies.append(Reply(turn.t("checkin.closed", ref=case.ref)))
        elif action == "keep":
            if mid:
                turn.replies.append(ClearButtons(mid))
            turn.replies.append(Reply(turn.t("checkin.kept_open", ref=case.ref)))
        elif action == "no":
            self.schedule_next(case, after=now)
            turn.replies.append(Reply(turn.t("checkin.not_seen")))
        elif action == "wait":
            self._still_waiting(turn, case)
        elif action == "new":
            if typed_date is not None:
                self._new_appointment(turn, case, typed_date)
            else:
                self._start_short_dialog(turn, NEW_APPT, case)
        elif action == "oon":
            cases.update_fields(self.services.db, case.id, now, oon_offered_on=self.services.today(now))
            turn.replies.append(Reply(turn.t("checkin.oon_explained")))
            self._start_short_dialog(turn, OON_APPT, case)

    def _start_short_dialog(self, turn: Turn, dialog: Dialog, case: Case) -> None:
        state = turn.state.set_aside()
        result = engine.start(dialog, state, self.services.ctx(turn.now), run=self.services.token())
        turn.state = result.state.with_(case_id=case.id)
        turn.replies.extend(result.replies)

    def short_dialog_done(self, turn: Turn, effect: engine.Completed, case_id: int | None) -> None:
        """A check-in's date question was answered."""
        case = cases.get(self.services.db, case_id) if case_id else None
        if case is None or case.member_id != turn.member_id or case.status != "open":
            return
        value = effect.answers.get("new_appt_date") or effect.answers.get("oon_date")
        day = datetime.fromisoformat(value).date() if value else None
        if effect.dialog == "new_appt" and day is not None:
            self._new_appointment(turn, case, day)
        elif effect.dialog == "oon_appt":
            if day is None:
                turn.replies.append(Reply(turn.t("checkin.oon_no_date")))
                return
            cases.update_fields(self.services.db, case.id, turn.now, new_appt_date=day)
            followups.cancel_for_case(self.services.db, case.id, ("checkin", "seen", "oon_seen"))
            followups.schedule(self.services.db, case.id, "oon_seen", self.services.schedule.day_after(day), turn.now)
            turn.replies.append(
                Reply(turn.t("checkin.oon_saved", date=format_date(day, turn.state.lang, today=self.services.today(turn.now))))
            )
        if self.conversation.dialog(turn):
            self.conversation.resume(turn, "commands.still_here")

    def _new_appointment(self, turn: Turn, case: Case, day) -> None:
        cases.update_fields(self.services.db, case.id, turn.now, new_appt_date=day)
        followups.cancel_for_case(self.services.db, case.id, ("checkin", "seen", "oon_seen"))
        followups.schedule(self.services.db, case.id, "seen", self.services.schedule.day_after(day), turn.now)
        today = self.services.today(turn.now)
        text = turn.t("checkin.new_appt_saved", date=format_date(day, turn.state.lang, today=today))
        if case.deadline_date and day > case.deadline_date:
            text += "\n\n" + turn.t(
                "checkin.after_deadline", deadline=format_date(case.deadline_date, turn.state.lang, today=today)
            )
        turn.replies.append(Reply(text))

    def _still_waiting(self, turn: Turn, case: Case) -> None:
        today = self.services.today(turn.now)
        lang = turn.state.lang
        deadline = case.deadline_date
        if deadline is None or not _deadline_passed(case, turn.now, today):
            self.schedule_next(case, after=turn.now)
            nxt = followups.pending_for_case(self.services.db, case.id)
            when = format_date(nxt[0].due_at.astimezone(self.services.campaign.tz).date(), lang, today=today) if nxt else ""
            turn.replies.append(
                Reply(
                    turn.t(
                        "checkin.waiting_before",
                        deadline=format_date(deadline, lang, today=today) if deadline else "",
                        next=when,
                    )
                )
            )
            self._ask_how_they_are(turn, case)
            return
        self.desk.raise_escalation(member_id=turn.member_id, case_id=case.id, reason="past_deadline", now=turn.now)
        turn.replies.append(Reply(turn.t("checkin.waiting_after", deadline=format_date(deadline, lang, today=today))))
        complaint = complaint_for(self.services, case, lang, late_on=today)
        turn.replies.append(Reply(html.escape(f"{complaint.subject}\n\n{complaint.body}"[:3900])))
        self._ask_how_they_are(turn, case)

    def _ask_how_they_are(self, turn: Turn, case: Case) -> None:
        """Waiting costs something: one tap tells us if it is getting harder (harm from missed care)."""
        turn.replies.append(
            Reply(
                turn.t("checkin.how_are_you"),
                (
                    (Button(turn.t("checkin.managing"), f"hw:{case.id}:ok"),),
                    (Button(turn.t("checkin.harder"), f"hw:{case.id}:harder"),),
                ),
            )
        )

    def how_they_are_button(self, turn: Turn) -> None:
        parts = turn.ev.data.split(":")
        case = cases.get(self.services.db, int(parts[1])) if len(parts) == 3 and parts[1].isdigit() else None
        if case is None or case.member_id != turn.member_id or parts[2] not in ("ok", "harder"):  # callback data is not trusted
            self.conversation.old_button(turn)
            return
        cases.log_event(self.services.db, case.id, "wellbeing", parts[2], turn.now)
        mid = turn.ev.message_id
        if parts[2] == "ok":
            text = turn.t("checkin.managing_noted")
            turn.replies.append(Edit(mid, text) if mid else Reply(text))
            return
        if mid:
            turn.replies.append(Edit(mid, turn.t("checkin.how_are_you") + "\n\n✓ <b>" + turn.t("checkin.harder") + "</b>"))
        self.safety.harm(turn, case_id=case.id, always_say=True)

    def checkin_text(self, turn: Turn) -> bool:
        """A typed answer to the latest check-in ("still nothing", "ya me dieron cita para el 12")."""
        f = followups.current_checkin(self.services.db, turn.member_id, since=turn.now - CHECKIN_REPLY_WINDOW)
        if f is None:
            return False
        case = cases.get(self.services.db, f.case_id)
        text = turn.ev.text
        if len(text) > 200:
            return False
        seen_question = f.kind in ("seen", "oon_seen")
        labels: dict[str, list[str]] = {}
        keys = [("new", "new_appt"), ("oon", "oon"), ("wait", "waiting"), ("seen", "restored"), ("help", "help")]
        if seen_question:
            keys += [("seen", "yes"), ("wait", "no")]
        for label_action, key in keys:
            words = [
                self.services.catalog.t(lang, f"checkin.{key}")
                for lang in languages.CODES
                if self.services.catalog.has(lang, f"checkin.{key}")
            ]
            for lang in languages.CODES:
                if self.services.catalog.has(lang, f"synonyms.checkin.{key}"):
                    words.extend(self.services.catalog.raw(lang, f"synonyms.checkin.{key}"))
            labels.setdefault(label_action, []).extend(words)
        asks = text.rstrip().endswith("?")  # "out of network?" is a question, not an answer
        if asks:
            action = None
        elif _says_not_seen(text):
            action = "wait"  # "I wasn't seen", "no me atendieron": never read as "seen"
        else:
            action = self.services.ctx(turn.now).match_choice(text, labels)
        if action is None and not asks and not seen_question:
            typed = self._looks_like_a_date(text, turn)
            if typed is not None and typed >= self.services.today(turn.now):  # a date to come: their new appointment
                action = "new"
        if action is None:
            if self.answers.answer_question(turn, text, confident_only=True) or turn.heard_hardship:
                return True  # (hard news was answered already: no "I didn't get that")
            assert case is not None  # a check-in's case is kept while it is pending
            reply = self._checkin_message(case, turn.known_member, f.kind, f.id)
            turn.replies.append(Reply(turn.t("checkin.not_understood", ref=case.ref), reply.buttons))
            return True
        if f.kind in ("seen", "oon_seen"):
            action = {"seen": "yes", "wait": "no", "new": "no"}.get(action, action)
        typed_date = self._looks_like_a_date(text, turn) if action == "new" else None
        assert case is not None
        self._checkin_answer(turn, f, case, action, typed_date=typed_date)
        return True

    def _looks_like_a_date(self, text: str, turn):
        ctx = self.services.ctx(turn.now)
        try:
            return ctx.parse_date(text, today=ctx.today, lang=turn.state.lang, past_days=60, future_days=365)
        except Exception:  # noqa: BLE001 - any unreadable text is simply "not a date"
            return None

    # ------------------------------------------------------------ pause

    def pause_command(self, turn: Turn) -> None:
        if not cases.open_for_member(self.services.db, turn.member_id):
            turn.say(turn.t("pause.no_cases"))
            return
        days = turn.ev.args.strip().split()[0] if turn.ev.args.strip() else ""
        if days.isdigit() and 1 <= int(days) <= MAX_PAUSE_DAYS:  # "/pause 10": ten days, no question
            self._pause(turn, int(days))
            return
        turn.say(
            turn.t("pause.ask"),
            (
                (Button(turn.t("pause.days_3"), "p:3"), Button(turn.t("pause.days_7"), "p:7")),
                (Button(turn.t("pause.days_14"), "p:14"), Button(turn.t("pause.until_resume"), "p:0")),
            ),
        )

    def pause_button(self, turn: Turn) -> None:
        choice = turn.ev.data.split(":", 1)[1] if ":" in turn.ev.data else ""
        if choice not in PAUSE_CHOICES:
            self.conversation.old_button(turn)
            return
        self._pause(turn, PAUSE_CHOICES[choice], message_id=turn.ev.message_id)

    def _pause(self, turn: Turn, days: int | None, *, message_id: int | None = None) -> None:
        """Hold the member's check-ins for `days` (None: until they resume)."""
        until = FOREVER if days is None else turn.now + timedelta(days=days)
        members.set_paused(self.services.db, turn.member_id, until)
        for case in cases.open_for_member(self.services.db, turn.member_id):
            followups.unqueue(self.services.db, case.id, until)  # one waiting in the outbox (a backlog, the morning) waits too
            for f in followups.pending_for_case(self.services.db, case.id):
                if f.due_at < until:
                    followups.postpone(self.services.db, f.id, until)
        text = (
            turn.t("pause.done_forever")
            if days is None
            else turn.t(
                "pause.done",
                date=format_date(
                    (until.astimezone(self.services.campaign.tz)).date(), turn.state.lang, today=self.services.today(turn.now)
                ),
            )
        )
        turn.replies.append(Edit(message_id, text) if message_id else Reply(text))

    def resume_command(self, turn: Turn) -> None:
        if turn.known_member.paused_until is None:
            turn.say(turn.t("pause.not_paused"))
            return
        members.set_paused(self.services.db, turn.member_id, None)
        soonest = None
        for case in cases.open_for_member(self.services.db, turn.member_id):
            due = self.services.schedule.next_checkin(
                filed_at=_filed_at(case),
                deadline_date=case.deadline_date,
                deadline_at=case.deadline_at,
                urgent=case.urgency == "urgent",
                after=turn.now,
            )
            pending = followups.pending_for_case(self.services.db, case.id)
            for f in pending:
                if f.kind == "checkin":  # came due while paused: at the next regular time
                    new_due = due if f.due_at >= FOREVER else min(f.due_at, due)
                elif case.new_appt_date is not None:  # "were you seen?": the day after the appointment (or now)
                    new_due = max(self.services.schedule.day_after(case.new_appt_date), turn.now)
                else:
                    new_due = due
                followups.postpone(self.services.db, f.id, new_due)
                soonest = new_due if soonest is None else min(soonest, new_due)
            if not pending:
                followups.schedule(self.services.db, case.id, "checkin", due, turn.now)
                soonest = due if soonest is None else min(soonest, due)
        when = (
            format_date(
                soonest.astimezone(self.services.campaign.tz).date(), turn.state.lang, today=self.services.today(turn.now)
            )
            if soonest
            else "-"
        )
        turn.say(turn.t("pause.resumed", date=when))

    def next_checkin_line(self, turn: Turn, case: Case, due: datetime | None) -> str:
        if case.status != "open":
            return ""
        member = turn.known_member
        today = self.services.today(turn.now)
        if member.paused_until and member.paused_until > turn.now:
            if member.paused_until >= FOREVER:
                return turn.t("checkin.paused_forever")
            return turn.t(
                "checkin.paused_line",
                date=format_date(member.paused_until.astimezone(self.services.campaign.tz).date(), turn.state.lang, today=today),
            )
        if due is None:
            return ""
        return turn.t(
            "checkin.next_checkin",
            date=format_date(due.astimezone(self.services.campaign.tz).date(), turn.state.lang, today=today),
        )


_NOT_SEEN = re.compile(
    r"\b(not|wasnt|werent|havent|hasnt|didnt|never|no|nobody|todavia no|aun no|nadie)\b"
    r".{0,20}\b(seen|see me|saw me|atendi\w*|atiende\w*|vio|vieron)\b"
)


def _says_not_seen(text: str) -> bool:
    return _NOT_SEEN.search(normalize(text)) is not None


def _deadline_passed(case: Case, now: datetime, today) -> bool:
    """An urgent case's 48 hours end at a time; the others at the end of a day."""
    if case.deadline_at is not None:
        return now > case.deadline_at
    return case.deadline_date is not None and case.deadline_date < today


def _filed_at(case: Case) -> datetime:
    """When an open case was filed (every open case was)."""
    assert case.filed_at is not None, "an open case without its filing time"
    return case.filed_at
