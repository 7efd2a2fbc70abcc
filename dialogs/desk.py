"""The volunteer desk in the core: cards, claims, relays, notes, timers, roles and the audit log.

A collaborator of `dialogs.core.Core`, given the services, the staff's roles and the conversation. The desk is a Telegram supergroup: with forum
topics, each escalated case gets a topic named after it ("🔴 KP-7F3K2 · open");
without, its card is a message and replies to it are the thread. Every desk
action checks the role of the person acting (callback data and where it comes
from are not trusted) and is written to the audit log; nothing here logs what a
member wrote.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dialogs import engine
from dialogs.conversation import Conversation, dialog_for
from dialogs.model import Button, Edit, Event, Keyboard, Reply, keyboard_json
from dialogs.services import Services
from dialogs.staff import Staff
from dialogs.turn import Turn
from dialogs.plurals import counted
from dialogs.textlimits import MESSAGE, TOPIC_NAME, fit, split_text, utf16_len, visible_text
from knowledge.dates import format_date
from storage import cases, conversations, escalations, followups, members, outbox, roles
from storage.escalations import Escalation
from storage.outbox import PRIORITY_DESK

logger = logging.getLogger(__name__)

DESK_LANG = "en"
ICONS = {1: "🔴", 2: "🟠", 3: "🟡", 4: "🔵"}
RESOLUTIONS = ("restored", "referred", "unreachable", "no_action")
NOTE_MARKER = "!note"


@dataclass(frozen=True)
class DeskConfig:
    chat_id: int
    is_forum: bool = False
    admins: frozenset = frozenset()
    organizers: frozenset = frozenset()
    crisis_reannounce: timedelta = timedelta(minutes=5)
    reannounce: timedelta = timedelta(minutes=30)
    idle_release: timedelta = timedelta(hours=4)

    @classmethod
    def from_campaign(cls, campaign, chat_id: int, *, is_forum: bool, admins=frozenset(), organizers=frozenset()) -> "DeskConfig":
        """Timers from the campaign's [desk] table (minutes, hours), or the defaults."""
        table = campaign.raw.get("desk", {})
        return cls(
            chat_id=chat_id,
            is_forum=is_forum,
            admins=frozenset(admins),
            organizers=frozenset(organizers),
            crisis_reannounce=timedelta(minutes=table.get("crisis_reannounce_minutes", 5)),
            reannounce=timedelta(minutes=table.get("reannounce_minutes", 30)),
            idle_release=timedelta(hours=table.get("claim_idle_hours", 4)),
        )


class Desk:
    """Escalations posted to the volunteers, and the conversations relayed through the bot."""

    def __init__(self, services: Services, staff: Staff, conversation: Conversation):
        self.services = services
        self.staff = staff
        self.conversation = conversation
        self.config: DeskConfig | None = None  # no desk until the bot configures one
        self._desk_told: set[str] = set()  # why topics are off, told to the admins once
        self._desk_lost: dict[int, list[datetime]] = {}  # when each escalation lost its topic

    def configure_desk(self, config: DeskConfig | None) -> None:
        self.config = config

    @property
    def _cfg(self) -> DeskConfig:
        """The desk's settings, where only a configured desk gets this far."""
        assert self.config is not None, "no desk configured"
        return self.config

    def _reload(self, esc: Escalation) -> Escalation:
        """The escalation as it is now in the database (just changed: it is there)."""
        found = escalations.get(self.services.db, esc.id)
        assert found is not None, "an escalation just changed is gone"
        return found

    # ------------------------------------------------------------ roles and audit

    def has_role(self, user_id: int | None, role: str) -> bool:
        """Whether a Telegram user holds a role (from the settings or a grant)."""
        return self.staff.has_role(user_id, role)

    def audit(self, actor, action: str, *, case_ref: str | None = None, detail: str | None = None, allowed: bool = True) -> None:
        self.staff.audit(actor, action, case_ref=case_ref, detail=detail, allowed=allowed)

    def _dt(self, key: str, **params) -> str:
        return self.services.catalog.t(DESK_LANG, key, **params)

    # ------------------------------------------------------------ escalations

    def raise_escalation(
        self, *, member_id: str, case_id: int | None, reason: str, now: datetime, category: str | None = None
    ) -> Escalation:
        """Open (or raise) the member's escalation; a card already in the desk shows the new priority."""
        before = escalations.open_for_member(self.services.db, member_id)
        esc = escalations.raise_(
            self.services.db, member_id=member_id, case_id=case_id, reason=reason, now=now, category=category
        )
        if before is not None and (
            before.priority != esc.priority or before.case_id != esc.case_id or before.category != esc.category
        ):
            self.refresh(esc)
        if (
            before is not None
            and self.config is not None
            and case_id is not None
            and esc.case_id is not None
            and case_id != esc.case_id
        ):
            # One escalation per member (one conversation); their other case's news goes into its thread.
            other = cases.get(self.services.db, case_id)
            self._desk_say(
                esc,
                self._dt(
                    "desk.other_case",
                    ref=other.ref if other and other.ref else f"#{case_id}",
                    reason=self._dt("desk.reason." + reason),
                ),
            )
        return esc

    def _ref(self, esc: Escalation) -> str:
        case = cases.get(self.services.db, esc.case_id) if esc.case_id else None
        return case.ref if case and case.ref else f"#{esc.id}"

    def _topic_name(self, esc: Escalation) -> str:
        icon = "✅" if esc.status in ("resolved", "withdrawn") else ICONS.get(esc.priority, "⚪")
        return fit(f"{icon} {self._ref(esc)} · {self._dt('desk.status.' + esc.status)}", TOPIC_NAME)

    def _card(self, esc: Escalation) -> Reply:
        """What a volunteer needs and no more."""
        now = self.services.clock()
        today = self.services.today(now)
        case = cases.get(self.services.db, esc.case_id) if esc.case_id else None
        member = members.get(self.services.db, esc.member_id) if esc.member_id else None
        lines = [
            f"{ICONS.get(esc.priority, '⚪')} <b>{html.escape(self._ref(esc))}</b> · "
            f"{self._dt('desk.reason.' + esc.reason)} · {self._dt('desk.status.' + esc.status)}"
        ]
        kinds = [
            self._dt(f"crisis.category.{c}.desk")
            for c in (esc.category or "").split(",")
            if c and self.services.catalog.has(DESK_LANG, f"crisis.category.{c}.desk")
        ]  # the kinds of danger, never the text
        if kinds:
            lines.append(self._dt("crisis.desk_card", category=", ".join(kinds)))
        if esc.status == "withdrawn" or esc.closed_because:
            # The member closed it (or erased their data): the card keeps only why.
            lines.append(self._dt("desk.closed_by_member." + (esc.closed_because or "deleted")))
            return Reply("\n".join(lines))
        if case is not None:
            facility = self.services.campaign.facility(case.facility_id)
            lines.append(self._dt("desk.card.clinic", clinic=facility.name if facility else self._dt("desk.card.unknown")))
            kind = self.services.catalog.t(DESK_LANG, f"choice.kind.{case.kind}") if case.kind else self._dt("desk.card.unknown")
            when = format_date(case.appt_date, DESK_LANG, today=today) if case.appt_date else self._dt("desk.card.unknown")
            lines.append(self._dt("desk.card.appointment", kind=kind, date=when))
            waited = (today - case.filed_at.astimezone(self.services.campaign.tz).date()).days if case.filed_at else 0
            deadline = format_date(case.deadline_date, DESK_LANG, today=today) if case.deadline_date else "-"
            lines.append(
                self._dt("desk.card.waiting", days=counted(self.services.catalog, DESK_LANG, "days", waited), deadline=deadline)
            )
            offered = self.services.catalog.t(DESK_LANG, f"choice.offered.{case.offered}") if case.offered else "-"
            lines.append(self._dt("desk.card.offered", offered=offered))
            last = followups.last_sent_for_case(self.services.db, case.id)
            if last is not None and last.answer and last.answered_at is not None:
                lines.append(
                    self._dt(
                        "desk.card.last_checkin",
                        answer=self._dt("desk.answer." + last.answer.split(":")[-1]),
                        date=format_date(last.answered_at.astimezone(self.services.campaign.tz).date(), DESK_LANG, today=today),
                    )
                )
        else:
            lines.append(self._dt("desk.card.no_case"))
        if member is not None:
            lines.append(self._dt("desk.card.language", language=self._dt(f"desk.language.{member.lang}")))
            if member.contact_ok and member.username:
                lines.append(self._dt("desk.card.contact", username=member.username))
        elif esc.member_id is None:
            lines.append(self._dt("desk.card.member_gone"))
        if esc.status == "claimed":
            lines.append(self._dt("desk.card.claimed_by", name=esc.claimed_by_name or "?"))
        if esc.status == "resolved":
            lines.append(
                self._dt("desk.card.resolved", resolution=self._dt("desk.resolution." + (esc.resolution or "no_action")))
            )
            return Reply("\n".join(lines), ((Button(self._dt("desk.resolved_topic.reopen"), f"d:{esc.id}:reopen"),),))
        buttons: Keyboard
        if esc.status == "open":
            buttons = (
                (
                    Button(self._dt("desk.button.claim"), f"d:{esc.id}:claim"),
                    Button(self._dt("desk.button.note"), f"d:{esc.id}:note"),
                ),
            )
        else:
            buttons = (
                (
                    Button(self._dt("desk.button.release"), f"d:{esc.id}:release"),
                    Button(self._dt("desk.button.resolve"), f"d:{esc.id}:resolve"),
                ),
                (Button(self._dt("desk.button.note"), f"d:{esc.id}:note"),),
            )
        return Reply("\n".join(lines), buttons)

    def _desk_row(
        self,
        reply: Reply,
        *,
        ref_kind: str,
        ref_id: int,
        action: str = "send",
        priority: int = PRIORITY_DESK,
        thread_id: int | None = None,
        extra: dict | None = None,
    ):
        payload = {"text": reply.text, "buttons": keyboard_json(reply.buttons), **(extra or {})}
        if reply.reply_to:
            payload["reply_to"] = reply.reply_to
        if reply.force_reply:
            payload["force_reply"] = True
        return outbox.enqueue(
            self.services.db,
            chat_id=self._cfg.chat_id,
            action=action,
            payload=payload,
            now=self.services.clock(),
            kind="desk",
            priority=priority,
            ref_kind=ref_kind,
            ref_id=ref_id,
            thread_id=thread_id,
        )

    def refresh(self, esc: Escalation) -> None:
        """Show the escalation's new state on its card and in its topic's name."""
        if self.config is None:
            return
        esc = self._reload(esc)
        if esc.card_message_id:
            card = self._card(esc)
            outbox.enqueue(
                self.services.db,
                chat_id=self._cfg.chat_id,
                action="edit",
                now=self.services.clock(),
                kind="desk",
                priority=min(esc.priority, PRIORITY_DESK),
                ref_kind="esc_edit",
                ref_id=esc.id,
                payload={"message_id": esc.card_message_id, "text": card.text, "buttons": keyboard_json(card.buttons)},
            )
        if esc.topic_id:
            outbox.enqueue(
                self.services.db,
                chat_id=self._cfg.chat_id,
                action="edit_topic",
                now=self.services.clock(),
                kind="desk",
                priority=min(esc.priority, PRIORITY_DESK),
                ref_kind="esc_edit",
                ref_id=esc.id,
                payload={"thread_id": esc.topic_id, "name": self._topic_name(esc)},
            )

    def _desk_say(self, esc: Escalation, text: str, *, reply_to_card: bool = True, ref_kind: str = "esc_info") -> None:
        """A line in the escalation's thread (its topic, or a reply to its card)."""
        reply = Reply(text, reply_to=esc.card_message_id if (reply_to_card and not esc.topic_id) else None)
        self._desk_row(reply, ref_kind=ref_kind, ref_id=esc.id, thread_id=esc.topic_id, priority=min(esc.priority, PRIORITY_DESK))

    # ------------------------------------------------------------ background (dispatcher)

    def materialize_desk(self) -> int:
        """Post escalations that aren't in the desk yet: a topic first (in a forum), then the card."""
        if self.config is None:
            return 0
        posted = 0
        with self.services.db.atomic():
            for esc in escalations.unposted(self.services.db):
                if outbox.in_progress(self.services.db, ("esc_topic", "esc_card"), esc.id):
                    continue
                if self._cfg.is_forum and not esc.topic_id:
                    outbox.enqueue(
                        self.services.db,
                        chat_id=self._cfg.chat_id,
                        action="create_topic",
                        now=self.services.clock(),
                        kind="desk",
                        priority=min(esc.priority, PRIORITY_DESK),
                        ref_kind="esc_topic",
                        ref_id=esc.id,
                        payload={"name": self._topic_name(esc)},
                    )
                else:
                    self._desk_row(
                        self._card(esc),
                        ref_kind="esc_card",
                        ref_id=esc.id,
                        thread_id=esc.topic_id,
                        priority=min(esc.priority, PRIORITY_DESK),
                    )
                posted += 1
        return posted

    def delivered(self, item, message_id: int | None) -> None:
        """A desk message went out: remember the topic or card it made (same transaction as 'sent')."""
        esc = escalations.get(self.services.db, item.ref_id)
        if esc is None:
            return
        if item.ref_kind == "esc_topic" and message_id:
            escalations.set_posted(self.services.db, esc.id, topic_id=message_id)
            esc = self._reload(esc)
            self._desk_row(
                self._card(esc),
                ref_kind="esc_card",
                ref_id=esc.id,
                thread_id=message_id,
                priority=min(esc.priority, PRIORITY_DESK),
            )
        elif item.ref_kind == "esc_note_prompt" and message_id:
            data = next((b["data"] for row in item.payload.get("buttons") or [] for b in row), "")
            if ":nc" in data:
                escalations.set_note_prompt(self.services.db, int(data.rsplit(":nc", 1)[1]), esc.id, message_id)
        elif item.ref_kind == "esc_card" and message_id:
            escalations.set_posted(self.services.db, esc.id, card_message_id=message_id)
            escalations.mark_announced(self.services.db, esc.id, self.services.clock())
            outbox.release_held(
                self.services.db, "esc_relay", esc.id, thread_id=esc.topic_id, reply_to=None if esc.topic_id else message_id
            )

    def desk_place_lost(self, item) -> None:
        """The topic was deleted or the bot can't post there: the escalation stays open and is posted again,
        and what the member said meanwhile follows it into its new place."""
        with self.services.db.atomic():
            esc = escalations.get(self.services.db, item.ref_id) if item.ref_id else None
            if esc is not None and esc.status in ("open", "claimed"):
                if self.config is not None and self._cfg.is_forum and self._place_lost_again(esc.id):
                    self.desk_without_topics("topics_unreliable")
                escalations.forget_desk_place(self.services.db, esc.id)
                logger.warning("escalation %s lost its place in the desk; it will be posted again", esc.id)
            if esc is not None and esc.status in ("open", "claimed") and item.ref_kind == "esc_relay":
                outbox.hold(self.services.db, item.id)
            else:
                outbox.mark_failed(self.services.db, item.id, self.services.clock())

    def desk_not_a_forum(self) -> None:
        """Topics were turned off in the desk group: cards and reply-threads from now on."""
        self.desk_without_topics("not_a_forum")

    def desk_without_topics(self, why: str) -> None:
        """The desk can't use topics (no right to create them, topics off, no such method, topics that keep
        vanishing): plain cards with reply-threads from now on, and the admins are told once, in the desk."""
        if self.config is None:
            return
        if self._cfg.is_forum:
            self.config = replace(self.config, is_forum=False)
            logger.warning("desk topics unavailable (%s): posting cards with reply-threads", why)
        told = self._desk_told
        if why in told:
            return
        told.add(why)
        with self.services.db.atomic():
            outbox.enqueue(
                self.services.db,
                chat_id=self._cfg.chat_id,
                action="send",
                now=self.services.clock(),
                kind="desk",
                priority=PRIORITY_DESK,
                ref_kind="desk_notice",
                ref_id=None,
                payload={"text": self._dt("desk.topics_off." + why), "buttons": []},
            )

    def _place_lost_again(self, esc_id: int) -> bool:
        """True when an escalation lost its topic twice within ten minutes: topics aren't holding; stop recreating."""
        now = self.services.clock()
        lost = self._desk_lost
        recent = [t for t in lost.get(esc_id, []) if now - t < timedelta(minutes=10)] + [now]
        lost[esc_id] = recent
        return len(recent) >= 3

    def desk_timers(self) -> int:
        """Re-announce unclaimed escalations; return quiet claims to the queue."""
        if self.config is None:
            return 0
        now = self.services.clock()
        acted = self.desk_follow_cases()
        with self.services.db.atomic():
            for esc in escalations.open_escalations(self.services.db):
                if not esc.card_message_id:
                    continue
                since = esc.announced_at or esc.created_at
                if esc.status == "open":
                    interval = self.config.crisis_reannounce if esc.priority == 1 else self.config.reannounce
                    if now - since >= interval:
                        minutes = int((now - esc.created_at).total_seconds() // 60)
                        self._desk_say(
                            esc,
                            self._dt(
                                "desk.unclaimed",
                                ref=self._ref(esc),
                                minutes=minutes,
                                reason=self._dt("desk.reason." + esc.reason),
                            ),
                            ref_kind="esc_announce",
                        )
                        escalations.mark_announced(self.services.db, esc.id, now)
                        acted += 1
                elif esc.status == "claimed" and esc.last_volunteer_at and now - esc.last_volunteer_at >= self._cfg.idle_release:
                    escalations.release(self.services.db, esc.id, now)
                    self.audit(None, "auto_release", case_ref=self._ref(esc), detail="no volunteer message")
                    esc = self._reload(esc)
                    hours = round(self._cfg.idle_release.total_seconds() / 3600, 1)
                    said = (
                        counted(self.services.catalog, DESK_LANG, "hours", int(hours)) if hours == int(hours) else f"{hours:g} h"
                    )
                    self._desk_say(esc, self._dt("desk.auto_released", ref=self._ref(esc), hours=said))
                    self.refresh(esc)
                    self._tell_member(esc, "desk.member_released")
                    acted += 1
        return acted

    # ------------------------------------------------------------ the desk follows the case

    def desk_follow_cases(self) -> int:
        """Escalations whose case the member closed (seen, withdrawn) end: their timers stop, the card says why."""
        rows = escalations.active_on_closed_cases(self.services.db)
        for esc_id, close_reason in rows:
            because = (
                "seen"
                if close_reason in ("seen", "restored", "care_restored")
                else ("deleted" if close_reason == "deleted" else "withdrawn")
            )
            with self.services.db.atomic():
                esc = escalations.get(self.services.db, esc_id)
                self.desk_member_closed(esc, because)
        return len(rows)

    def desk_member_closed(self, esc: Escalation | None, because: str) -> None:
        """The member closed the case this escalation is about (or erased their data): close it and say why."""
        if esc is None or esc.status not in ("open", "claimed"):
            return
        escalations.close_for_member_case(
            self.services.db, member_id=esc.member_id, case_id=esc.case_id, because=because, now=self.services.clock()
        )
        self.audit(None, "member_closed", case_ref=self._ref(esc), detail=because)
        escalations.end_note_modes_for(self.services.db, esc.id)
        esc = self._reload(esc)
        if self.config is None:
            return
        if esc.card_message_id or esc.topic_id:
            self._desk_say(
                esc, self._dt("desk.closed_by_member.line", ref=self._ref(esc), why=self._dt("desk.closed_by_member." + because))
            )
        self.refresh(esc)

    # ------------------------------------------------------------ the member's side

    def _tell_member(self, esc: Escalation, key: str) -> None:
        member = members.get(self.services.db, esc.member_id) if esc.member_id else None
        if member is None or member.chat_id is None:
            return
        outbox.enqueue(
            self.services.db,
            chat_id=member.chat_id,
            member_id=member.id,
            action="send",
            now=self.services.clock(),
            kind="desk",
            priority=min(esc.priority, PRIORITY_DESK),
            payload={"text": self.services.catalog.t(member.lang, key), "buttons": []},
        )

    def in_chat(self, turn: Turn) -> Escalation | None:
        """The member's escalation a volunteer has claimed: what they write goes to that volunteer."""
        if turn.member is None or self.config is None:
            return None
        esc = escalations.open_for_member(self.services.db, turn.member_id)
        return esc if esc is not None and esc.status == "claimed" else None

    def relay_to_desk(self, turn: Turn, esc: Escalation) -> None:
        """The member's message, into the escalation's thread (text, or a copy of a photo or file)."""
        ev = turn.ev
        if ev.kind == "unsupported" and ev.media in ("photo", "document") and ev.source_message_id:
            # The line first, then the copy: both queued for the desk, so they arrive in that order.
            self._desk_relay_line(esc, self._dt("desk.member_sent_file", media=self._dt("desk.media." + ev.media)))
            self._desk_relay_copy(esc, ev.chat_id, ev.source_message_id, member_id=turn.member_id)
            self.audit(None, "relay_to_desk", case_ref=self._ref(esc), detail=ev.media)
            return
        if ev.kind == "unsupported":
            self._desk_relay_line(esc, self._dt("desk.member_sent_other", media=self._dt("desk.media.other")))
            turn.say(turn.t("desk.member_text_only"))
            return
        key = "desk.from_member_edited" if ev.kind == "edited" else "desk.from_member"
        for text in self._split_relay(DESK_LANG, key, ev.text):
            self._desk_relay_line(esc, text, member_id=turn.member_id)
        self.audit(None, "relay_to_desk", case_ref=self._ref(esc))

    def _split_relay(self, lang: str, key: str, text: str) -> list[str]:
        """A relayed message as Telegram will take it: whole if it fits 4,096 UTF-16 units after the prefix,
        else in numbered parts cut at paragraphs and sentences. Nothing is cut off."""
        prefix = utf16_len(visible_text(self.services.catalog.t(lang, key, text="")))
        marker = self.services.catalog.t(lang, "desk.relay.part", n=99, total=99)
        room = MESSAGE - prefix - utf16_len(visible_text(marker)) - 2
        parts = split_text(text, room) or [text]
        if len(parts) == 1:
            return [self.services.catalog.t(lang, key, text=parts[0])]
        total = len(parts)
        return [
            self.services.catalog.t(lang, key, text=part)
            + " "
            + self.services.catalog.t(lang, "desk.relay.part", n=n, total=total)
            for n, part in enumerate(parts, 1)
        ]

    def _desk_relay_copy(self, esc: Escalation, from_chat_id: int, message_id: int, member_id: str | None) -> None:
        item = outbox.enqueue(
            self.services.db,
            chat_id=self._cfg.chat_id,
            action="copy",
            now=self.services.clock(),
            kind="desk",
            priority=min(esc.priority, PRIORITY_DESK),
            ref_kind="esc_relay",
            ref_id=esc.id,
            thread_id=esc.topic_id,
            payload={"from_chat_id": from_chat_id, "message_id": message_id},
        )
        if member_id:
            outbox.set_member(self.services.db, item.id, member_id)
        if not (esc.topic_id if self._cfg.is_forum else esc.card_message_id):
            outbox.hold(self.services.db, item.id)

    def _desk_relay_line(self, esc: Escalation, text: str, member_id: str | None = None) -> None:
        reply = Reply(text, reply_to=None if esc.topic_id else esc.card_message_id)
        item = self._desk_row(
            reply, ref_kind="esc_relay", ref_id=esc.id, thread_id=esc.topic_id, priority=min(esc.priority, PRIORITY_DESK)
        )
        if member_id:
            outbox.set_member(self.services.db, item.id, member_id)
        if not (esc.topic_id if self._cfg.is_forum else esc.card_message_id):
            outbox.hold(self.services.db, item.id)  # its place is being made again: it follows the new card

    def endchat(self, turn: Turn) -> None:
        esc = self.in_chat(turn)
        if esc is None:
            turn.say(turn.t("desk.not_in_chat"))
            return
        escalations.resolve(self.services.db, esc.id, "member_ended", turn.now)
        self.audit(None, "member_ended_chat", case_ref=self._ref(esc))
        esc = self._reload(esc)
        self._desk_say(esc, self._dt("desk.member_left", ref=self._ref(esc)))
        self.refresh(esc)
        turn.say(turn.t("desk.chat_ended_by_member"))
        self.conversation.resume(turn, "commands.still_here") if self.conversation.dialog(turn) else None

    # ------------------------------------------------------------ the desk's side

    def handle_group(self, turn: Turn) -> None:
        """Something happened in the desk group."""
        ev = turn.ev
        if ev.kind == "button":
            self._desk_button(turn)
        elif ev.kind == "command":
            self._desk_command(turn)
        elif ev.kind == "text":
            self._desk_text(turn)

    def _refuse(self, turn: Turn, action: str, key: str, *, case_ref: str | None = None) -> None:
        self.audit(turn.ev.user_id, action, case_ref=case_ref, allowed=False)
        logger.info("desk: %s refused for user %s", action, turn.ev.user_id)
        if turn.ev.kind == "button":
            turn.toast, turn.alert = self._dt(key), True
        else:
            turn.replies.append(
                Reply(self._dt(key), chat_id=self._cfg.chat_id, thread_id=turn.ev.thread_id, reply_to=turn.ev.message_id)
            )

    def _desk_button(self, turn: Turn) -> None:
        ev = turn.ev
        parts = ev.data.split(":")
        if len(parts) != 3 or parts[0] != "d" or not parts[1].isdigit():
            turn.toast = self._dt("desk.old_button")
            return
        esc = escalations.get(self.services.db, int(parts[1]))
        action = parts[2]
        if esc is None:
            turn.toast = self._dt("desk.old_button")
            return
        ref = self._ref(esc)
        if not self.has_role(ev.user_id, "volunteer"):
            self._refuse(turn, f"desk_{action}", "desk.volunteers_only", case_ref=ref)
            return
        mine = esc.claimed_by == ev.user_id or self.has_role(ev.user_id, "admin")
        if action == "claim":
            if not escalations.claim(self.services.db, esc.id, _actor(ev), turn.now, ev.user_name):
                self.audit(ev.user_id, "claim", case_ref=ref, detail=f"already {esc.status}")
                turn.toast, turn.alert = self._dt("desk.already_claimed", name=esc.claimed_by_name or "?"), True
                return
            self.audit(ev.user_id, "claim", case_ref=ref)
            esc = self._reload(esc)
            self.refresh(esc)
            self._desk_say(esc, self._dt("desk.claimed", name=ev.user_name or "?", ref=ref))
            self._tell_member(esc, "desk.member_joined")
            turn.toast = self._dt("desk.you_claimed", ref=ref)
        elif action in ("release", "resolve") and esc.status != "claimed":
            turn.toast = self._dt("desk.not_claimed")
        elif action in ("release", "resolve") and not mine:
            self._refuse(turn, f"desk_{action}", "desk.claimer_only", case_ref=ref)
        elif action == "release":
            escalations.release(self.services.db, esc.id, turn.now)
            self.audit(ev.user_id, "release", case_ref=ref)
            esc = self._reload(esc)
            self.refresh(esc)
            self._tell_member(esc, "desk.member_released")
        elif action == "resolve":
            reasons = tuple((Button(self._dt("desk.resolution." + r), f"d:{esc.id}:r_{r}"),) for r in RESOLUTIONS)
            turn.replies.append(
                Edit(
                    _pressed(ev),
                    self._card(esc).text + "\n\n" + self._dt("desk.pick_resolution"),
                    reasons + ((Button(self._dt("desk.button.back"), f"d:{esc.id}:back"),),),
                    chat_id=self._cfg.chat_id,
                )
            )
        elif action.startswith("r_") and action[2:] in RESOLUTIONS:
            # The claimer (or an admin) resolves a claimed case; only an admin closes one nobody claimed.
            was_claimed = esc.status == "claimed"
            if not ((was_claimed and mine) or (esc.status == "open" and self.has_role(ev.user_id, "admin"))):
                self._refuse(turn, "desk_resolve", "desk.claimer_only", case_ref=ref)
                return
            escalations.resolve(self.services.db, esc.id, action[2:], turn.now)
            self.audit(ev.user_id, "resolve", case_ref=ref, detail=action[2:])
            esc = self._reload(esc)
            self.refresh(esc)
            if was_claimed:  # someone was talking with them: the member hears it ended
                self._tell_member_chat_over(esc)
        elif action == "back":
            card = self._card(esc)
            turn.replies.append(Edit(_pressed(ev), card.text, card.buttons, chat_id=self._cfg.chat_id))
        elif action == "note":
            self._start_note_mode(turn, esc)
        elif action.startswith("nc"):
            self._cancel_note_mode(turn, esc, action)
        elif action == "reopen":
            self._reopen(turn, esc)
        else:
            turn.toast = self._dt("desk.old_button")

    # ------------------------------------------------------------ note mode: a note can't reach the member

    def _start_note_mode(self, turn: Turn, esc: Escalation) -> None:
        """The volunteer's next message in this thread is a private note, reply or not; a Cancel button ends it."""
        ev = turn.ev
        escalations.start_note_mode(self.services.db, _actor(ev), esc.id, turn.now)
        self.audit(ev.user_id, "note_mode", case_ref=self._ref(esc))
        reply = Reply(
            self._dt("desk.notemode.on", name=ev.user_name or "?", ref=self._ref(esc)),
            ((Button(self._dt("desk.notemode.cancel"), f"d:{esc.id}:nc{ev.user_id}"),),),
            reply_to=None if esc.topic_id else esc.card_message_id,
        )
        self._desk_row(reply, ref_kind="esc_note_prompt", ref_id=esc.id, thread_id=esc.topic_id, priority=1)
        turn.toast = self._dt("desk.notemode.toast")

    def _cancel_note_mode(self, turn: Turn, esc: Escalation, action: str) -> None:
        ev = turn.ev
        if action != f"nc{ev.user_id}":
            turn.toast, turn.alert = self._dt("desk.notemode.not_yours"), True
            return
        if escalations.note_mode(self.services.db, ev.user_id) == esc.id:
            escalations.end_note_mode(self.services.db, _actor(ev))
        self.audit(ev.user_id, "note_mode_cancel", case_ref=self._ref(esc))
        turn.replies.append(
            Edit(_pressed(ev), self._dt("desk.notemode.cancelled", ref=self._ref(esc)), (), chat_id=self._cfg.chat_id)
        )

    def _note_mode_for(self, ev, esc: Escalation | None) -> Escalation | None:
        """The escalation this message is a note about, when its author is in note mode for this thread."""
        mode = escalations.note_mode(self.services.db, ev.user_id)
        if mode is None:
            return None
        if esc is not None:
            return esc if esc.id == mode else None
        if not self._cfg.is_forum and not ev.reply_to and not ev.thread_id:
            # Plain cards: a message that replies to nothing, typed right after "Add note", is that note.
            return escalations.get(self.services.db, mode)
        return None

    def _save_note(self, turn: Turn, esc: Escalation, text: str) -> None:
        ev = turn.ev
        escalations.add_note(self.services.db, esc.id, _actor(ev), text[:2000], turn.now)
        self.audit(ev.user_id, "note", case_ref=self._ref(esc))
        prompt = escalations.end_note_mode(self.services.db, _actor(ev))
        if prompt:
            turn.replies.append(Edit(prompt, self._dt("desk.notemode.done", ref=self._ref(esc)), (), chat_id=self._cfg.chat_id))
        turn.replies.append(
            Reply(self._dt("desk.note_saved"), chat_id=self._cfg.chat_id, thread_id=ev.thread_id, reply_to=ev.message_id)
        )

    def _reopen(self, turn: Turn, esc: Escalation) -> None:
        ev = turn.ev
        if esc.status != "resolved":
            turn.toast = self._dt("desk.resolved_topic.cannot_reopen")
            return
        escalations.reopen(self.services.db, esc.id, turn.now)
        self.audit(ev.user_id, "reopen", case_ref=self._ref(esc))
        esc = self._reload(esc)
        self.refresh(esc)
        self._desk_say(esc, self._dt("desk.resolved_topic.reopened", name=ev.user_name or "?", ref=self._ref(esc)))
        turn.toast = self._dt("desk.resolved_topic.reopened_toast", ref=self._ref(esc))

    def _tell_member_chat_over(self, esc: Escalation) -> None:
        """The volunteer resolved it: the member hears the conversation ended, and their dialog comes back."""
        member = members.get(self.services.db, esc.member_id) if esc.member_id else None
        if member is None or member.chat_id is None:
            return
        text = self.services.catalog.t(member.lang, "desk.member_ended")
        state = conversations.load(self.services.db, member.id)
        from dialogs.state import State  # local: the desk rarely needs it

        st = State.from_json(state, lang=member.lang)
        dialog = dialog_for(st)
        buttons: Keyboard = ()
        if dialog is not None:
            question = engine.prompt(dialog, st, self.services.ctx(self.services.clock()))
            text += "\n\n" + self.services.catalog.t(member.lang, "commands.still_here") + "\n\n" + question.text
            buttons = question.buttons
        outbox.enqueue(
            self.services.db,
            chat_id=member.chat_id,
            member_id=member.id,
            action="send",
            now=self.services.clock(),
            kind="desk",
            priority=PRIORITY_DESK,
            payload={"text": text, "buttons": keyboard_json(buttons)},
        )

    def _escalation_for_message(self, ev) -> Escalation | None:
        """Which escalation a desk message is about: its topic, or the desk message it replies to."""
        if ev.thread_id and self._cfg.is_forum:
            esc = escalations.by_topic(self.services.db, ev.thread_id)
            if esc is not None:
                return esc
        if ev.reply_to:
            esc = escalations.by_card(self.services.db, ev.reply_to)
            if esc is not None:
                return esc
            row = outbox.by_message(self.services.db, self._cfg.chat_id, ev.reply_to)
            if row is not None and row.ref_kind and row.ref_kind.startswith("esc_") and row.ref_id:
                return escalations.get(self.services.db, row.ref_id)
        return None

    def _desk_text(self, turn: Turn) -> None:
        ev = turn.ev
        esc = self._escalation_for_message(ev)
        noted = self._note_mode_for(ev, esc) if self.has_role(ev.user_id, "volunteer") else None
        if noted is not None:
            # Note mode: whatever they type next in this thread stays in the desk, reply or no reply.
            text = ev.text.strip()
            if text.lower().startswith(NOTE_MARKER):
                text = text[len(NOTE_MARKER) :].strip()
            self._save_note(turn, noted, text)
            return
        if esc is None:
            return  # volunteers talking among themselves
        ref = self._ref(esc)
        if not self.has_role(ev.user_id, "volunteer"):
            self._refuse(turn, "desk_relay", "desk.volunteers_only", case_ref=ref)
            return
        prompt_row = outbox.by_message(self.services.db, self._cfg.chat_id, ev.reply_to) if ev.reply_to else None
        is_note = ev.text.strip().lower().startswith(NOTE_MARKER) or (
            prompt_row is not None and prompt_row.ref_kind == "esc_note_prompt"
        )
        if is_note:
            text = ev.text.strip()
            if text.lower().startswith(NOTE_MARKER):
                text = text[len(NOTE_MARKER) :].strip()
            self._save_note(turn, esc, text)
            return
        if esc.status in ("resolved", "withdrawn"):
            # Nothing goes to the member from a closed case; say so, and offer to reopen a resolved one.
            self.audit(ev.user_id, "desk_relay", case_ref=ref, detail=f"case {esc.status}", allowed=False)
            if esc.status == "resolved":
                turn.replies.append(
                    Reply(
                        self._dt("desk.resolved_topic.text", ref=ref),
                        ((Button(self._dt("desk.resolved_topic.reopen"), f"d:{esc.id}:reopen"),),),
                        chat_id=self._cfg.chat_id,
                        thread_id=ev.thread_id,
                        reply_to=ev.message_id,
                    )
                )
            else:
                turn.replies.append(
                    Reply(
                        self._dt(
                            "desk.closed_by_member.text",
                            ref=ref,
                            why=self._dt("desk.closed_by_member." + (esc.closed_because or "deleted")),
                        ),
                        chat_id=self._cfg.chat_id,
                        thread_id=ev.thread_id,
                        reply_to=ev.message_id,
                    )
                )
            return
        if esc.status != "claimed" or esc.claimed_by != ev.user_id:
            self._refuse(turn, "desk_relay", "desk.claim_first" if esc.status == "open" else "desk.claimer_only", case_ref=ref)
            return
        member = members.get(self.services.db, esc.member_id) if esc.member_id else None
        if member is None or member.chat_id is None:
            turn.replies.append(Reply(self._dt("desk.member_gone"), chat_id=self._cfg.chat_id, thread_id=ev.thread_id))
            return
        escalations.touch_volunteer(self.services.db, esc.id, turn.now)
        self.audit(ev.user_id, "relay_to_member", case_ref=ref)
        for text in self._split_relay(member.lang, "desk.from_volunteer", ev.text):
            turn.replies.append(Reply(text, chat_id=member.chat_id, member_id=member.id))

    def _desk_command(self, turn: Turn) -> None:
        ev = turn.ev
        name, args = ev.command, ev.args.split()
        needs = {
            "queue": "volunteer",
            "case": "volunteer",
            "note": "volunteer",
            "mine": "volunteer",
            "grant": "admin",
            "revoke": "admin",
        }.get(name)
        if needs is None:
            return
        if not self.has_role(ev.user_id, needs):
            self._refuse(
                turn,
                f"desk_{name}",
                "desk.admins_only" if needs == "admin" else "desk.volunteers_only",
                case_ref=args[0].upper() if name in ("case", "note") and args else None,
            )
            return
        say = lambda text: turn.replies.append(Reply(text, chat_id=self._cfg.chat_id, thread_id=ev.thread_id))  # noqa: E731
        if name == "queue":
            self.audit(ev.user_id, "queue")
            say(self._queue_text(escalations.open_escalations(self.services.db)) or self._dt("desk.queue_empty"))
        elif name == "mine":
            self.audit(ev.user_id, "mine")
            say(self._queue_text(escalations.claimed_by_user(self.services.db, _actor(ev))) or self._dt("desk.mine_empty"))
        elif name == "case":
            # Only cases that came to the desk: a member's other cases stay theirs.
            case = cases.by_ref(self.services.db, args[0]) if args else None
            esc = escalations.for_case(self.services.db, case.id) if case else None
            if esc is None and case is not None and case.member_id:
                # Another case of a member who is at the desk now: shown on their escalation's card.
                current = escalations.open_for_member(self.services.db, case.member_id)
                esc = replace(current, case_id=case.id) if current is not None else None
            if esc is None and case is not None:
                # A case the desk already closed: its claimer and the admins can look it up.
                past = escalations.resolved_for_case(self.services.db, case.id)
                if past is not None and (past.claimed_by == ev.user_id or self.has_role(ev.user_id, "admin")):
                    esc = past
            self.audit(
                ev.user_id,
                "case_view",
                case_ref=case.ref if case else (args[0].upper() if args else None),
                detail=None if esc else "not at the desk",
            )
            if esc is None:
                say(self._dt("desk.no_such_case"))
                return
            text = self._card(esc).text
            notes = escalations.notes(self.services.db, esc.id) if esc else []
            if notes:
                text += (
                    "\n\n" + self._dt("desk.notes_title") + "\n" + "\n".join(f"• {html.escape(n['text'])}" for n in notes[-10:])
                )
            say(text)
        elif name == "note":
            case = cases.by_ref(self.services.db, args[0]) if args else None
            esc = escalations.for_case(self.services.db, case.id) if case else None
            if esc is None or len(args) < 2:
                say(self._dt("desk.note_usage"))
                return
            escalations.add_note(self.services.db, esc.id, _actor(ev), ev.args.split(None, 1)[1][:2000], turn.now)
            self.audit(ev.user_id, "note", case_ref=case.ref if case else None)
            say(self._dt("desk.note_saved"))
        elif name in ("grant", "revoke"):
            self._grant_or_revoke(turn, name, args, say)

    def _grant_or_revoke(self, turn: Turn, name: str, args: list[str], say) -> None:
        ev = turn.ev
        role = next((a for a in args if a in ("volunteer", "organizer")), None)
        target = next((int(a) for a in args if a.lstrip("-").isdigit()), None)
        if target is None and ev.reply_to_user_id:
            target = ev.reply_to_user_id
        if role is None or target is None:
            say(self._dt("desk.grant_usage"))
            return
        if name == "grant":
            changed = roles.grant(self.services.db, target, role, by=ev.user_id, now=turn.now)
        else:
            changed = roles.revoke(self.services.db, target, role)
        self.audit(ev.user_id, name, detail=f"{role} for user {target}")
        if name == "revoke" and not self.has_role(target, "volunteer"):
            # Their claims go back to the queue: the members aren't left waiting on someone who can't answer.
            for esc in escalations.claimed_by_user(self.services.db, target):
                escalations.release(self.services.db, esc.id, turn.now)
                self.audit(ev.user_id, "release", case_ref=self._ref(esc), detail="role revoked")
                esc = self._reload(esc)
                self.refresh(esc)
                self._tell_member(esc, "desk.member_released")
        done = {"grant": "desk.granted", "revoke": "desk.revoked"}[name]
        say(self._dt(done if changed else f"desk.{name}_unchanged", role=role, user=target))

    def _queue_text(self, items: list[Escalation]) -> str:
        now = self.services.clock()
        lines = []
        for esc in items:
            minutes = int((now - esc.created_at).total_seconds() // 60)
            age = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
            who = f" · {html.escape(esc.claimed_by_name or '?')}" if esc.status == "claimed" else ""
            lines.append(
                f"{ICONS.get(esc.priority, '⚪')} <b>{html.escape(self._ref(esc))}</b> · "
                f"{self._dt('desk.reason.' + esc.reason)} · {self._dt('desk.status.' + esc.status)}{who} · {age}"
            )
        return "\n".join(lines)


def _actor(ev: Event) -> int:
    """The volunteer acting (their role was checked, so there is one)."""
    assert ev.user_id is not None, "a desk action without a user"
    return ev.user_id


def _pressed(ev: Event) -> int:
    """The message a desk button was pressed on."""
    assert ev.message_id is not None, "a desk button without its message"
    return ev.message_id
