"""The core: one event in, one transaction, replies out.

`Core.handle` turns an event from a private chat into replies. Inside one
database transaction it loads the member and their conversation, runs the
commands or the dialog engine, applies the effects (draft answers, filing,
erasing), saves the new state, queues the replies in the outbox and marks the
update as handled. Only then does the caller send anything, so a crash at any
moment loses nothing and a re-delivered update does nothing twice.

The core composes collaborators, each given what it depends on (see `Core.__init__`):
`Services` (dialogs/services.py: database, campaign, catalog, clock...), `Conversation`
(open dialog, menu, old buttons), `Staff` (roles, audit), `Organizers`, `Desk`, `RightsAnswers`,
`Safety`, `Checkins`, `Reporting` and `Onboarding`. Here: the transaction, the outbox, routing
(commands and buttons by table, dialogs/router.py) and the public methods bot/ calls.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime
from collections.abc import Iterable
from typing import Any, Callable

from sqlite_utils import Database

from dialogs import engine
from dialogs.catalog import Catalog
from dialogs.checkin_turns import SHORT_DIALOGS, Checkins
from dialogs.followup_schedule import Schedule
from dialogs.clock import utcnow
from dialogs.desk import Desk, DeskConfig
from storage.escalations import Escalation
from dialogs.onboarding import Onboarding
from dialogs.reporting import Reporting
from dialogs.conversation import LANGS, Conversation
from dialogs.rights_answers import RightsAnswers
from dialogs.safety import Safety
from dialogs.deeplink import prefill_from_payload
from dialogs.organizers import ORGANIZER_COMMANDS, Job, Organizers
from dialogs.staff import Staff
from dialogs.commands import COMMAND_NAMES
from dialogs.engine import Ctx
from dialogs.model import Button, ClearButtons, Copy, Document, Edit, Event, Outcome, Reply, keyboard_json
from dialogs.services import Services, campaign_catalog
from dialogs.turn import Turn
from dialogs.router import Handler, Router
from dialogs.state import State
from knowledge import languages
from knowledge.campaign import Campaign
from knowledge.harm import screen_harm
from knowledge.kb import KnowledgeBase
from knowledge.retrieval import Retriever
from knowledge.screening import Assessment, assess
from knowledge.text import normalize
from storage import cases, conversations, escalations, followups, members, outbox, updates
from storage.models import OutboxItem

logger = logging.getLogger(__name__)


# Text longer than this at a button step is not taken as a question to the knowledge base.
QUESTION_MAX_CHARS = 300


def hint_language(code: str | None) -> str:
    """The member's language before they pick one, from their Telegram client."""
    lang = (code or "").lower()[:2]
    return lang if lang in languages.CODES else languages.DEFAULT


class Core:
    """The conversations' core: pure dialogs plus the storage they need. No Telegram."""

    def __init__(
        self,
        db: Database,
        campaign: Campaign,
        catalog: Catalog | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        token: Callable[[], str] = lambda: secrets.token_hex(2),
        screen: Callable[[str], Assessment] = assess,
    ):
        self.services = Services(
            db=db, campaign=campaign, catalog=catalog or campaign_catalog(campaign), clock=clock, token=token, screen=screen
        )
        self.conversation = Conversation(self.services)
        self.staff = Staff(self.services)
        self.organizers = Organizers(self.services, self.staff)
        self.desk = Desk(self.services, self.staff, self.conversation)
        self.answers = RightsAnswers(self.services, self.conversation)
        self.safety = Safety(self.services, self.conversation, self.desk)
        self.checkins = Checkins(self.services, self.conversation, self.desk, self.answers, self.safety)
        self.reporting = Reporting(self.services, self.conversation, self.desk, self.checkins)
        self.onboarding = Onboarding(self.services, self.answers, self.reporting)
        self._router = self._member_router()

    # What the collaborators share (tests swap the clock and the screen on a running core).

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def campaign(self) -> Campaign:
        return self.services.campaign

    @property
    def catalog(self) -> Catalog:
        return self.services.catalog

    @property
    def kb(self) -> KnowledgeBase:
        return self.services.kb

    @property
    def retriever(self) -> Retriever:
        return self.services.retriever

    @property
    def schedule(self) -> Schedule:
        return self.services.schedule

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.services.clock

    @clock.setter
    def clock(self, clock: Callable[[], datetime]) -> None:
        self.services.clock = clock

    @property
    def token(self) -> Callable[[], str]:
        return self.services.token

    @token.setter
    def token(self, token: Callable[[], str]) -> None:
        self.services.token = token

    @property
    def screen(self) -> Callable[[str], Assessment]:
        return self.services.screen

    @screen.setter
    def screen(self, screen: Callable[[str], Assessment]) -> None:
        self.services.screen = screen

    # ------------------------------------------------------------ entry points

    def today(self, now: datetime | None = None) -> date:
        """Today's date where the campaign is."""
        return self.services.today(now)

    def ctx(self, now: datetime) -> Ctx:
        return self.services.ctx(now)

    def record_update(self, update_id: int, payload: dict) -> bool:
        """Remember an incoming update before it is confirmed to Telegram; False if seen before."""
        with self.db.atomic():
            return updates.record_received(self.db, update_id, payload, self.clock())

    def unhandled_updates(self) -> list[dict]:
        """Updates received before a crash and never handled."""
        return updates.pending(self.db)

    def finish_update(self, update_id: int) -> None:
        """After the framework is done with an update: one that no handler took is closed as failed."""
        if updates.status(self.db, update_id) != "received":
            return  # the usual case: the handler's own transaction closed it
        with self.db.atomic():
            if updates.status(self.db, update_id) == "received":
                updates.mark_done(self.db, update_id, self.clock(), status="failed")

    def handle(self, ev: Event) -> Outcome:
        """Handle one event in one transaction; return what to send."""
        now = self.clock()
        with self.db.atomic():
            seen = updates.status(self.db, ev.update_id)
            if seen in ("done", "failed"):
                return Outcome()
            if seen is None:
                updates.record_received(self.db, ev.update_id, {}, now)
            if ev.chat_type != "private":
                # Groups: only the volunteer desk talks to the bot.
                turn = Turn(ev=ev, now=now, member=None, state=State(lang="en"), catalog=self.catalog, save=False)
                if ev.kind == "command" and ev.command in ORGANIZER_COMMANDS:
                    self.organizers.command(turn)
                elif self.desk.config is not None and ev.chat_id == self.desk.config.chat_id:
                    self.desk.handle_group(turn)
            else:
                member = members.by_chat(self.db, ev.chat_id)
                lang = member.lang if member else hint_language(ev.lang_hint)
                state = State.from_json(conversations.load(self.db, member.id), lang=lang) if member else State(lang=lang)
                turn = Turn(ev=ev, now=now, member=member, state=state, catalog=self.catalog)
                # /report is a member's "report a canceled appointment" unless an organizer asks for the monitoring report.
                staff_command = (
                    ev.kind == "command"
                    and ev.command in ORGANIZER_COMMANDS
                    and (ev.command != "report" or self.staff.is_organizer(ev.user_id))
                )
                if staff_command:
                    self.organizers.command(turn)  # staff work: the member's own conversation is untouched
                elif ev.kind == "button" and ev.data.startswith("an:"):
                    self.organizers.announce_button(turn)
                elif not self.organizers.announcement_text(turn):
                    self._route(turn)
            member_id = turn.member_id if turn.member else None
            if turn.member is not None and turn.save:
                conversations.save(self.db, turn.member_id, turn.state.to_json(), now)
            items = [self._enqueue(ev.chat_id, member_id, r, now) for r in turn.replies]
            updates.mark_done(self.db, ev.update_id, now)
        # Ids and step names only: never what the member wrote.
        logger.debug(
            "update %s: %s%s -> %s/%s, %d repl%s",
            ev.update_id,
            ev.kind,
            f" /{ev.command}" if ev.command else "",
            turn.state.dialog or "-",
            turn.state.step or "-",
            len(items),
            "y" if len(items) == 1 else "ies",
        )
        return Outcome(
            toast=turn.toast,
            alert=turn.alert,
            outbox_ids=tuple(i.id for i in items),
            jobs=tuple(turn.jobs),
        )

    def handle_failure(self, ev: Event) -> Outcome:
        """After a handler crashed: close the update and say sorry (the state is as before)."""
        now = self.clock()
        with self.db.atomic():
            if updates.status(self.db, ev.update_id) in ("done", "failed"):
                return Outcome()
            updates.record_received(self.db, ev.update_id, {}, now)
            if ev.chat_type != "private":
                updates.mark_done(self.db, ev.update_id, now, status="failed")
                return Outcome()
            member = members.by_chat(self.db, ev.chat_id)
            lang = member.lang if member else hint_language(ev.lang_hint)
            reply = Reply(self.catalog.t(lang, "error.generic"))
            item = self._enqueue(ev.chat_id, member.id if member else None, reply, now)
            updates.mark_done(self.db, ev.update_id, now, status="failed")
        return Outcome(outbox_ids=(item.id,))

    # ------------------------------------------------------------ outbox

    def _enqueue(self, chat_id: int, member_id: str | None, reply, now: datetime) -> OutboxItem:
        target = getattr(reply, "chat_id", None) or chat_id
        if target != chat_id:
            member_id = getattr(reply, "member_id", None)
        thread_id = None
        payload: dict[str, Any]
        if isinstance(reply, Reply):
            action, payload = "send", {"text": reply.text, "buttons": keyboard_json(reply.buttons)}
            thread_id = reply.thread_id
            if reply.reply_to:
                payload["reply_to"] = reply.reply_to
            if reply.force_reply:
                payload["force_reply"] = True
        elif isinstance(reply, Edit):
            action, payload = (
                "edit",
                {"message_id": reply.message_id, "text": reply.text, "buttons": keyboard_json(reply.buttons)},
            )
        elif isinstance(reply, ClearButtons):
            action, payload = "clear_buttons", {"message_id": reply.message_id}
        elif isinstance(reply, Document):
            action, payload = (
                "document",
                {"filename": reply.filename, "content": reply.content.decode("utf-8"), "caption": reply.caption},
            )
        elif isinstance(reply, Copy):
            action, payload = "copy", {"from_chat_id": reply.from_chat_id, "message_id": reply.message_id}
            thread_id = reply.thread_id
        else:
            raise TypeError(f"unknown reply {reply!r}")
        return outbox.enqueue(
            self.db, chat_id=target, member_id=member_id, action=action, payload=payload, now=now, thread_id=thread_id
        )

    def claim(self, item_id: int) -> OutboxItem | None:
        """Take one queued item for sending (None if it is taken or gone)."""
        with self.db.atomic():
            return outbox.claim(self.db, item_id, self.clock())

    def claim_next(self, busy_chats=(), min_priority: int = 1) -> OutboxItem | None:
        """Take the most urgent queued background item for a chat not being sent to."""
        with self.db.atomic():
            return outbox.claim_next(self.db, self.clock(), busy_chats=busy_chats, min_priority=min_priority)

    def defer_replies(self, item_ids) -> None:
        with self.db.atomic():
            outbox.defer_after(self.db, item_ids, self.clock())

    def recover_outbox(self) -> int:
        """At start: items claimed before a crash go back to the queue."""
        with self.db.atomic():
            return outbox.recover(self.db)

    def mark_sent(self, item_id: int, message_id: int | None = None) -> None:
        """Telegram accepted the item; a check-in also schedules the next one (same transaction)."""
        now = self.clock()
        with self.db.atomic():
            item = outbox.mark_sent(self.db, item_id, now, message_id)
            if item is not None and item.ref_kind == "followup" and item.ref_id:
                self.checkins.delivered(item.ref_id, now)
            elif item is not None and item.ref_kind and item.ref_kind.startswith("esc_") and item.ref_id:
                self.desk.delivered(item, message_id)

    def mark_failed(self, item_id: int) -> None:
        with self.db.atomic():
            outbox.mark_failed(self.db, item_id, self.clock())

    def retry_later(self, item_id: int, not_before: datetime | None) -> None:
        with self.db.atomic():
            outbox.release(self.db, item_id, not_before)

    def in_quiet_hours(self, now: datetime | None = None) -> bool:
        return self.schedule.in_quiet_hours(now or self.clock())

    def next_morning(self, now: datetime | None = None) -> datetime:
        return self.schedule.out_of_quiet_hours(now or self.clock())

    # ------------------------------------------------------------ staff and organizers (see dialogs/organizers.py)

    def configure_staff(
        self, *, admins: Iterable[int] = frozenset(), organizers: Iterable[int] = frozenset(), organizers_chat: int | None = None
    ) -> None:
        """Admins and standing organizers from the settings, and the organizers' chat."""
        self.staff.configure(admins=admins, organizers=organizers, organizers_chat=organizers_chat)

    def has_role(self, user_id: int | None, role: str) -> bool:
        return self.staff.has_role(user_id, role)

    def is_organizer(self, user_id: int | None) -> bool:
        return self.staff.is_organizer(user_id)

    def record_job(self, job: Job) -> int:
        return self.organizers.record_job(job)

    def unfinished_jobs(self) -> list[tuple[int, Job]]:
        return self.organizers.unfinished_jobs()

    def job_started(self, job_id: int) -> None:
        self.organizers.job_started(job_id)

    def job_delivered(self, job_id: int, job: Job) -> None:
        self.organizers.job_delivered(job_id, job)

    def refuse_button(self, user_id: int | None, reason: str) -> None:
        self.organizers.refuse_button(user_id, reason)

    def enqueue_files(
        self,
        chat_id: int,
        *,
        texts: Iterable[str] = (),
        documents: Iterable[tuple[str, bytes, str]] = (),
        photos: Iterable[tuple[str, bytes, str]] = (),
    ) -> list[int]:
        return self.organizers.enqueue_files(chat_id, texts=texts, documents=documents, photos=photos)

    def announcements_progress(self) -> int:
        return self.organizers.announcements_progress()

    # ------------------------------------------------------------ the volunteer desk (see dialogs/desk.py)

    def configure_desk(self, config: DeskConfig | None) -> None:
        self.desk.configure_desk(config)

    def raise_escalation(
        self, *, member_id: str, case_id: int | None, reason: str, now: datetime, category: str | None = None
    ) -> Escalation:
        return self.desk.raise_escalation(member_id=member_id, case_id=case_id, reason=reason, now=now, category=category)

    def materialize_desk(self) -> int:
        return self.desk.materialize_desk()

    def desk_place_lost(self, item: OutboxItem) -> None:
        self.desk.desk_place_lost(item)

    def desk_not_a_forum(self) -> None:
        self.desk.desk_not_a_forum()

    def desk_without_topics(self, why: str) -> None:
        self.desk.desk_without_topics(why)

    def desk_timers(self) -> int:
        return self.desk.desk_timers()

    def desk_follow_cases(self) -> int:
        return self.desk.desk_follow_cases()

    # ------------------------------------------------------------ check-ins (see dialogs/checkin_turns.py)

    def materialize_due(self, limit: int = 500) -> int:
        return self.checkins.materialize_due(limit)

    def watch_urgent_cases(self) -> int:
        return self.checkins.watch_urgent_cases()

    def member_unreachable(self, chat_id: int) -> None:
        self.checkins.member_unreachable(chat_id)

    # ------------------------------------------------------------ routing

    def _route(self, turn: Turn) -> None:
        ev = turn.ev
        # Crisis first: every free text and caption, whoever sends it and whatever step they are on.
        in_chat = self.desk.in_chat(turn)
        if self.safety.screen(turn, in_chat):
            return
        if ev.kind == "button" and ev.data.startswith("sa:"):
            self.safety.safety_button(turn)
            return
        if self.safety.typed_answer(turn):
            return
        if turn.member is not None:
            self.checkins.welcome_back_if_unreachable(turn)
        if in_chat is not None and ev.kind in ("text", "unsupported", "edited"):
            self.desk.relay_to_desk(turn, in_chat)
            return
        harm = screen_harm(ev.text) if turn.member is not None and ev.kind == "text" else None
        if harm == "harm":
            self.safety.harm(turn)  # a volunteer will reach out; the message is then handled as usual
            turn.heard_hardship = True
        elif harm == "maybe":
            turn.heard_hardship = self.safety.offer_a_volunteer(turn)
        if turn.member is None:
            self.onboarding.stranger(turn)
        elif ev.kind == "command":
            self._command(turn)
        elif ev.kind == "button":
            self._button(turn)
        elif ev.kind == "text":
            self._text(turn)
        elif ev.kind == "edited":
            turn.say(turn.t("invalid.edited"))
            self.conversation.resume(turn)
        else:  # unsupported media
            dialog = self.conversation.dialog(turn)
            if dialog:
                self.reporting.apply(turn, engine.on_unsupported(dialog, turn.state, ev.media or "other", self.ctx(turn.now)))
            else:
                media = turn.t(f"media.{ev.media or 'other'}")
                turn.say(turn.t("invalid.media", media=media))
                self.conversation.menu(turn)

    # ------------------------------------------------------------ members: deep links, /mute, "I sent it"

    def _prefill(self, payload: str, now: datetime, *, count_start: bool) -> dict:
        return prefill_from_payload(self.db, self.campaign, payload, now, count_start=count_start)

    def _mute_command(self, turn: Turn, muted: bool) -> None:
        members.set_muted(self.db, turn.member_id, muted)
        turn.say(turn.t("announce.muted" if muted else "announce.unmuted"))

    # ------------------------------------------------------------ members

    # ------------------------------------------------------------ commands and buttons, by table

    def _member_router(self) -> Router:
        """Every member command (dialogs/commands.py) and every button namespace, and who answers it."""
        commands: dict[str, Handler] = {
            "start": self._start_command,
            "report": self._report_command_for_member,
            "cancel": self._cancel_command,
            "mycases": self._mycases_command,
            "help": self._info_command,
            "privacy": self._info_command,
            "endchat": self.desk.endchat,
            "mute": lambda turn: self._mute_command(turn, True),
            "unmute": lambda turn: self._mute_command(turn, False),
            "pause": self.checkins.pause_command,
            "resume": self.checkins.resume_command,
            "rights": lambda turn: self.answers.rights_menu(turn),
            "volunteer": self.safety.ask_for_volunteer,
            "language": self._language_command,
            "delete": self._delete_command,
        }
        assert set(commands) == COMMAND_NAMES, "every command in dialogs/commands.py has a handler"
        buttons: dict[str, Handler] = {
            engine.NS: self._dialog_button,
            "lang": self._language_button,
            "m": self._menu_button,
            "kb": self.answers.kb_button,
            "f": self.checkins.checkin_button,
            "hw": self.checkins.how_they_are_button,
            "cs": self.reporting.complaint_sent_button,
            "rt": self.reporting.rights_button,
            "p": self.checkins.pause_button,
            "del": self._delete_button,
            "on": self._onboarding_again,
        }
        return Router(
            commands=commands, buttons=buttons, unknown_command=self._unknown_command, unknown_button=self.conversation.old_button
        )

    def _command(self, turn: Turn) -> None:
        self._router.command(turn)

    def _button(self, turn: Turn) -> None:
        self._router.button(turn)

    def _unknown_command(self, turn: Turn) -> None:
        turn.say(turn.t("commands.unknown"))
        if self.conversation.dialog(turn):
            self.conversation.resume(turn, "commands.still_here")

    def _start_command(self, turn: Turn) -> None:
        ev = turn.ev
        prefill = self._prefill(ev.args.split()[0], turn.now, count_start=True) if ev.args.strip() else {}
        if self.conversation.dialog(turn):
            self.conversation.resume(turn, "commands.already_reporting")
        elif prefill.get("facility"):
            self.reporting.start(turn, prefill)
        else:
            self.conversation.menu(turn, turn.t("menu.welcome_back") + " " + turn.t("menu.intro"))

    def _report_command_for_member(self, turn: Turn) -> None:
        if self.conversation.dialog(turn):
            self.conversation.resume(turn, "commands.already_reporting")
        else:
            self.reporting.start(turn)

    def _cancel_command(self, turn: Turn) -> None:
        dialog = self.conversation.dialog(turn)
        if turn.state.pending:
            turn.state = turn.state.with_(pending=None, pending_token="")
            turn.say(turn.t("delete.kept"))
            if dialog:
                self.conversation.resume(turn, "commands.still_here")
        elif dialog and dialog.name in SHORT_DIALOGS:
            turn.state = turn.state.left_dialog()
            turn.say(turn.t("commands.canceled_short"))
            if self.conversation.dialog(turn):
                self.conversation.resume(turn, "commands.still_here")
        elif dialog:
            self.reporting.discard(turn)
            turn.state = turn.state.left_dialog()
            self.conversation.menu(turn, turn.t("commands.canceled"))
        else:
            turn.say(turn.t("commands.nothing_to_cancel"))

    def _mycases_command(self, turn: Turn) -> None:
        turn.say(self.reporting.mycases_text(turn))
        if self.conversation.dialog(turn):
            self.conversation.resume(turn, "commands.still_here")

    def _info_command(self, turn: Turn) -> None:
        """/help and /privacy: their text, then the open question again."""
        turn.say(turn.t(f"{turn.ev.command}.text"))
        if self.conversation.dialog(turn):
            self.conversation.resume(turn, "commands.still_here")

    def _language_command(self, turn: Turn) -> None:
        turn.say(turn.t("language.choose"), ((Button("English", "lang:en"), Button("Español", "lang:es")),))

    def _delete_command(self, turn: Turn) -> None:
        token = self.token()
        turn.state = turn.state.with_(pending="delete", pending_token=token)
        turn.say(
            turn.t("delete.confirm"),
            (
                (Button(turn.t("delete.yes"), f"del:{token}:yes"),),
                (Button(turn.t("delete.no"), f"del:{token}:no"),),
            ),
        )

    def _dialog_button(self, turn: Turn) -> None:
        dialog = self.conversation.dialog(turn)
        result = engine.on_button(dialog, turn.state, turn.ev.data, turn.ev.message_id, self.ctx(turn.now)) if dialog else None
        if result is None:
            self.conversation.old_button(turn)
        else:
            self.reporting.apply(turn, result)

    def _language_button(self, turn: Turn) -> None:
        data, mid = turn.ev.data, turn.ev.message_id
        lang = data.split(":")[1] if data.count(":") == 1 else ""
        if lang not in LANGS:
            self.conversation.old_button(turn)
            return
        members.set_language(self.db, turn.member_id, lang)
        turn.state = turn.state.with_(lang=lang)
        turn.replies.append(Edit(mid, turn.t("language.set")) if mid else Reply(turn.t("language.set")))
        self.conversation.resume(turn)

    def _menu_button(self, turn: Turn) -> None:
        """m:<action>: the menu's buttons (the same as their commands), "carry on", 🆘 and the offer of a person."""
        action, mid = turn.ev.data[2:], turn.ev.message_id
        if action in ("report", "mycases", "help", "rights", "volunteer"):
            self._command(turn.as_command(action))
        elif action == "resume":
            self.conversation.resume(turn)
        elif action == "crisis":
            self.safety.crisis(turn, "help_now")
        elif action in ("harm", "harm_no"):
            if mid:
                turn.replies.append(ClearButtons(mid))
            if action == "harm":
                self.safety.harm(turn, always_say=True)
            else:
                turn.say(turn.t("harm.offer_declined"))
        else:
            self.conversation.old_button(turn)

    def _delete_button(self, turn: Turn) -> None:
        parts, mid = turn.ev.data.split(":"), turn.ev.message_id
        if turn.state.pending != "delete" or len(parts) != 3 or parts[1] != turn.state.pending_token:
            self.conversation.old_button(turn)
        elif parts[2] == "yes":
            lang = turn.state.lang
            self._withdraw_before_erase(turn)
            kept = members.erase(self.db, turn.member_id)
            logger.info("member %s erased their data; %d case(s) kept as anonymous records", turn.member_id, kept)
            turn.member, turn.save = None, False
            text = self.catalog.t(lang, "delete.done")
            turn.replies.append(Edit(mid, text) if mid else Reply(text))
        else:
            turn.state = turn.state.with_(pending=None, pending_token="")
            turn.replies.append(Edit(mid, turn.t("delete.kept")) if mid else Reply(turn.t("delete.kept")))
            if self.conversation.dialog(turn):
                self.conversation.resume(turn, "commands.still_here")

    def _onboarding_again(self, turn: Turn) -> None:
        """A consent button pressed again by someone who is already a member."""
        turn.say(turn.t("onboarding.already"))
        self.conversation.resume(turn)

    def _withdraw_before_erase(self, turn: Turn) -> None:
        """/delete means it: open cases close as withdrawn, their check-ins stop, the desk hears the member withdrew."""
        closed = cases.withdraw_for_member(self.db, turn.member_id, turn.now)
        followups.cancel_for_member(self.db, turn.member_id)
        esc = escalations.open_for_member(self.db, turn.member_id)
        if esc is not None:
            self.desk.desk_member_closed(esc, "deleted")
        logger.info("member %s withdrew %d open case(s) before erasing", turn.member_id, len(closed))

    def _smalltalk(self, turn: Turn, dialog) -> bool:
        """Outside a question, a greeting ("hola", "hi") gets a greeting and the menu, a thank-you a kind word,
        and emoji alone a kind line and the menu (inside one, the step's own re-prompt answers). True when answered."""
        text = turn.ev.text.strip()
        if dialog is None and not any(ch.isalnum() for ch in text) and any(ord(ch) > 0x2000 for ch in text):
            turn.say(turn.t("smalltalk.emoji"))
            self.conversation.resume(turn)
            return True
        said = normalize(text.strip("!¡.?¿ "))
        if (
            dialog is None
            and said
            and any(
                said == normalize(g)
                for lang in self.catalog.strings
                if self.catalog.has(lang, "smalltalk.greetings")
                for g in self.catalog.raw(lang, "smalltalk.greetings")
            )
        ):
            self.conversation.menu(turn, turn.t("smalltalk.greeting") + "\n\n" + turn.t("menu.intro"))
            return True
        if (
            dialog is None
            and said
            and any(
                said == normalize(w)
                for lang in self.catalog.strings
                if self.catalog.has(lang, "smalltalk.thanks")
                for w in self.catalog.raw(lang, "smalltalk.thanks")
            )
        ):
            turn.say(turn.t("smalltalk.thanks_reply"))  # a thank-you is not a question to answer
            return True
        return False

    def _text(self, turn: Turn) -> None:
        dialog = self.conversation.dialog(turn)
        if self._smalltalk(turn, dialog):
            return
        if dialog is None:
            if not self.checkins.checkin_text(turn):
                # Hard news already answered: only a confident answer, no "I'm not sure I understood".
                self.answers.answer_question(turn, turn.ev.text, confident_only=turn.heard_hardship)
            return
        result = engine.on_text(dialog, turn.state, turn.ev.text, self.ctx(turn.now))
        step = dialog.step(turn.state.step or "")  # a dialog is open: it has a step
        not_an_answer = not result.effects and result.state == turn.state
        looks_like_a_question = len(turn.ev.text) <= QUESTION_MAX_CHARS
        if (
            not_an_answer
            and looks_like_a_question
            and step.kind in ("choice", "summary")
            and self.answers.answer_question(turn, turn.ev.text, confident_only=True)
        ):
            # A question asked in the middle of a step: answer it, then ask the step again.
            self.conversation.resume(turn, "commands.still_here")
            return
        self.reporting.apply(turn, result)
