"""Organizers in the core: /export, /report and /announce (role-checked and audited), clinic links, /mute.

A collaborator of `dialogs.core.Core`, given the services and the staff's roles. Heavy work (an export of 100,000 cases, charts)
is not done in the core's transaction: the core checks the role, audits the
request and returns a `Job`; the bot runs it off the event loop and hands the
files back to `enqueue_files`, which queues them in the outbox like any reply.
"""

from __future__ import annotations

import base64
import html
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from dialogs.model import Button, Edit, Reply
from dialogs.services import Services
from dialogs.staff import Staff
from dialogs.turn import Turn
from knowledge.facilities import match_facility as match_facility_fuzzy
from storage import announcements, audit, outbox
from storage import jobs as jobs_repo
from storage.links import match_facility as match_facility_exactly
from storage.outbox import PRIORITY_ANNOUNCEMENT, PRIORITY_INTERACTIVE

logger = logging.getLogger(__name__)
ANNOUNCE_PROGRESS_EVERY = timedelta(minutes=10)  # a strike-sized announcement drains for an hour or more

ORGANIZER_COMMANDS = ("export", "report", "announce")
STAFF_LANG = "en"
ANNOUNCEMENT_MAX = 3000
EXPORT_FORMATS = ("csv", "json", "xlsx")


@dataclass(frozen=True)
class Job:
    """Work the bot runs off the event loop for an organizer (an export, a report)."""

    kind: str  # export | report
    chat_id: int
    user_id: int | None
    params: dict = field(default_factory=dict)


class Organizers:
    """What organizers can ask of the bot, and the members' side of it (deep links, /mute, 'I sent it')."""

    def __init__(self, services: Services, staff: Staff):
        self.services = services
        self.staff = staff

    def _st(self, key: str, **params) -> str:
        return self.services.catalog.t(STAFF_LANG, key, **params)

    # ------------------------------------------------------------ organizers

    def command(self, turn: Turn) -> None:
        ev = turn.ev
        place_ok = ev.chat_type == "private" or ev.chat_id == self.staff.organizers_chat
        if not place_ok or not self.staff.is_organizer(ev.user_id):
            audit.record(
                self.services.db,
                actor=ev.user_id,
                action=ev.command,
                now=turn.now,
                detail=f"in {ev.chat_type} chat",
                allowed=False,
            )
            logger.info("%s refused for user %s", ev.command, ev.user_id)
            self._staff_say(turn, self._st("organizers.refused"))
            return
        if ev.command == "export":
            self._export_command(turn)
        elif ev.command == "report":
            self._report_command(turn)
        elif ev.command == "announce":
            if ev.chat_type != "private":
                self._staff_say(turn, self._st("announce.private_only"))
                return
            self._announce_start(turn)

    def _staff_say(self, turn: Turn, text: str, buttons=()) -> None:
        turn.replies.append(Reply(text, buttons, thread_id=turn.ev.thread_id))

    def _export_command(self, turn: Turn) -> None:
        params: dict = {"fmt": "csv"}
        words = turn.ev.args.replace("“", '"').replace("”", '"').split()
        collecting = False
        for word in words:
            key, _, value = word.partition("=")
            if collecting and "=" not in word and word.lower() not in EXPORT_FORMATS + ("contact", "--include-contact"):
                # facility=south bay: a clinic's name may have spaces.
                params["facility"] = f"{params['facility']} {word}".strip('"')
                continue
            collecting = False
            if word.lower() in EXPORT_FORMATS:
                params["fmt"] = word.lower()
            elif word.lower() in ("contact", "--include-contact"):
                params["include_contact"] = True
            elif key in ("since", "until") and value:
                try:
                    params[key] = date.fromisoformat(value).isoformat()
                except ValueError:
                    self._staff_say(turn, self._st("organizers.bad_date", value=value))
                    return
            elif key == "facility" and value:
                params["facility"] = value.replace("_", " ").strip('"')
                collecting = True
            elif key == "status" and value:
                params[key] = value
            else:
                self._staff_say(turn, self._st("organizers.export_usage"))
                return
        if params.get("facility"):
            found = self._export_facility(params["facility"])
            if found is None:
                names = ", ".join(f.name for f in self.services.campaign.facilities)
                self._staff_say(turn, self._st("organizers_facility.unknown", name=params["facility"], names=names))
                return
            params["facility"] = found.id
        action = "export_with_contact" if params.get("include_contact") else "export"
        detail = " ".join(f"{k}={v}" for k, v in sorted(params.items()))
        audit.record(self.services.db, actor=turn.ev.user_id, action=action, now=turn.now, detail=f"telegram {detail}")
        self._staff_say(turn, self._st("organizers.export_started", fmt=params["fmt"].upper()))
        turn.jobs.append(Job("export", turn.ev.chat_id, turn.ev.user_id, params))

    def _export_facility(self, text: str):
        """The clinic an organizer named: its id, name or alias exactly, else a confident match ("south bay", "harbor city")."""
        found = match_facility_exactly(self.services.campaign, text)
        if found is None:
            found = match_facility_fuzzy(text, self.services.campaign).best
        return found

    def _report_command(self, turn: Turn) -> None:
        args = turn.ev.args.split()
        day = self.services.today(turn.now)
        public = "public" in args
        for word in args:
            if word != "public":
                try:
                    day = date.fromisoformat(word)
                except ValueError:
                    self._staff_say(turn, self._st("organizers.report_usage"))
                    return
        audit.record(
            self.services.db,
            actor=turn.ev.user_id,
            action="report",
            now=turn.now,
            detail=f"{day.isoformat()}{' public' if public else ''}",
        )
        self._staff_say(turn, self._st("organizers.report_started", day=day.isoformat()))
        turn.jobs.append(Job("report", turn.ev.chat_id, turn.ev.user_id, {"day": day.isoformat(), "public": public}))

    # ------------------------------------------------------------ organizers' jobs, as rows

    def record_job(self, job: "Job") -> int:
        """Write the job down before it starts: if the process stops mid-job, the next start delivers it."""
        with self.services.db.atomic():
            return jobs_repo.add(
                self.services.db,
                kind=job.kind,
                chat_id=job.chat_id,
                user_id=job.user_id,
                params=job.params,
                now=self.services.clock(),
            )

    def unfinished_jobs(self) -> list[tuple[int, "Job"]]:
        """Jobs recorded but never delivered (the process stopped mid-job)."""
        return [(r["id"], Job(r["kind"], r["chat_id"], r["user_id"], r["params"])) for r in jobs_repo.pending(self.services.db)]

    def job_started(self, job_id: int) -> None:
        with self.services.db.atomic():
            jobs_repo.started(self.services.db, job_id)

    def job_delivered(self, job_id: int, job: "Job") -> None:
        """Its files are in the outbox (sent even after a crash): the job is done, and audited as delivered."""
        with self.services.db.atomic():
            if jobs_repo.done(self.services.db, job_id):
                audit.record(
                    self.services.db,
                    actor=job.user_id,
                    action="job_delivered",
                    now=self.services.clock(),
                    detail=f"{job.kind} job {job_id}",
                )

    def refuse_button(self, user_id: int | None, reason: str) -> None:
        """A button press the bot could never have made, or not from the chat's owner: audited, nothing else."""
        with self.services.db.atomic():
            audit.record(
                self.services.db, actor=user_id, action="button_refused", now=self.services.clock(), detail=reason, allowed=False
            )

    def enqueue_files(self, chat_id: int, *, texts=(), documents=(), photos=()) -> list[int]:
        """Queue a job's results for a chat: text parts, then (filename, bytes, caption) documents and photos."""
        now = self.services.clock()
        ids = []
        with self.services.db.atomic():
            for text in texts:
                ids.append(
                    outbox.enqueue(
                        self.services.db,
                        chat_id=chat_id,
                        action="send",
                        now=now,
                        kind="organizer",
                        payload={"text": text, "buttons": []},
                    ).id
                )
            for action, files in (("document", documents), ("photo", photos)):
                for filename, content, caption in files:
                    payload = {"filename": filename, "content_b64": base64.b64encode(content).decode("ascii"), "caption": caption}
                    ids.append(
                        outbox.enqueue(
                            self.services.db, chat_id=chat_id, action=action, now=now, kind="organizer", payload=payload
                        ).id
                    )
        return ids

    # ------------------------------------------------------------ announcements

    def _draft(self, user_id: int | None):
        return announcements.draft_of(self.services.db, user_id) if user_id is not None else None

    def _announce_start(self, turn: Turn) -> None:
        assert turn.ev.user_id is not None  # an organizer: checked before
        announcements.start_draft(self.services.db, turn.ev.user_id, turn.now)
        self._staff_say(turn, self._st("announce.ask_en", max=ANNOUNCEMENT_MAX))

    def announcement_text(self, turn: Turn) -> bool:
        """An organizer composing an announcement: the English text, then the Spanish one, then a preview."""
        draft = self._draft(turn.ev.user_id) if turn.ev.chat_type == "private" else None
        if draft is None or turn.ev.kind not in ("text", "command"):
            return False
        if turn.ev.kind == "command":
            if turn.ev.command == "cancel":
                announcements.cancel(self.services.db, draft.id)
                self._staff_say(turn, self._st("announce.canceled"))
                return True
            return False
        text = turn.ev.text.strip()
        if len(text) > ANNOUNCEMENT_MAX:
            self._staff_say(turn, self._st("announce.too_long", length=len(text), max=ANNOUNCEMENT_MAX))
            return True
        if not draft.text_en:
            announcements.set_text(self.services.db, draft.id, "en", text)
            self._staff_say(turn, self._st("announce.ask_es"))
            return True
        announcements.set_text(self.services.db, draft.id, "es", text)
        n = announcements.recipient_count(self.services.db)
        self._staff_say(
            turn,
            self._st("announce.preview", n=n) + "\n\n🇺🇸\n" + html.escape(draft.text_en) + "\n\n🇲🇽\n" + html.escape(text),
            (
                (
                    Button(self._st("announce.send", n=n), f"an:{draft.id}:send"),
                    Button(self._st("announce.cancel"), f"an:{draft.id}:cancel"),
                ),
            ),
        )
        return True

    def announce_button(self, turn: Turn) -> None:
        parts = turn.ev.data.split(":")
        draft = announcements.get(self.services.db, int(parts[1])) if len(parts) == 3 and parts[1].isdigit() else None
        if (
            draft is None
            or draft.created_by != turn.ev.user_id
            or draft.status != "draft"
            or not self.staff.is_organizer(turn.ev.user_id)
        ):
            audit.record(self.services.db, actor=turn.ev.user_id, action="announce", now=turn.now, allowed=False)
            turn.toast, turn.alert = self._st("organizers.refused"), True
            return
        mid = turn.ev.message_id
        if parts[2] == "cancel":
            announcements.cancel(self.services.db, draft.id)
            turn.replies.append(Edit(mid, self._st("announce.canceled")) if mid else Reply(self._st("announce.canceled")))
            return
        if parts[2] != "send":
            turn.toast = self._st("organizers.refused")
            return
        texts = {"en": draft.text_en, "es": draft.text_es}
        everyone = announcements.recipients(self.services.db)
        for m in everyone:
            lang = m.lang if m.lang in texts else "en"
            text = html.escape(texts[lang]) + "\n\n" + self.services.catalog.t(lang, "announce.footer")
            outbox.enqueue(
                self.services.db,
                chat_id=m.chat_id,
                member_id=m.member_id,
                action="send",
                now=turn.now,
                kind="announcement",
                priority=PRIORITY_ANNOUNCEMENT,
                ref_kind="announcement",
                ref_id=draft.id,
                payload={"text": text, "buttons": []},
            )
        announcements.mark_sending(self.services.db, draft.id, len(everyone), turn.now)
        audit.record(
            self.services.db,
            actor=turn.ev.user_id,
            action="announce",
            now=turn.now,
            detail=f"announcement {draft.id} to {len(everyone)} members",
        )
        logger.info("announcement %s queued for %d members", draft.id, len(everyone))
        text = self._st("announce.queued", n=len(everyone), id=draft.id)
        turn.replies.append(Edit(mid, text) if mid else Reply(text))

    def announcements_progress(self) -> int:
        """Tell organizers how their announcement is going (every ANNOUNCE_PROGRESS_EVERY of the bot's
        clock while it drains) and when it has gone out: sent, failed, unreachable. Returns how many finished."""
        finished = 0
        now = self.services.clock()
        with self.services.db.atomic():
            for ann in announcements.sending(self.services.db):
                out = announcements.outcome(self.services.db, ann.id)
                if out.to_go:
                    if ann.created_by and (ann.progress_at is None or now - ann.progress_at >= ANNOUNCE_PROGRESS_EVERY):
                        announcements.mark_progress_told(self.services.db, ann.id, now)
                        self._tell_organizer(
                            ann.created_by,
                            self._st(
                                "announce.progress", id=ann.id, done=out.sent + out.refused, n=ann.recipients, sent=out.sent
                            ),
                        )
                    continue
                announcements.mark_done(self.services.db, ann.id)
                if ann.created_by:
                    self._tell_organizer(
                        ann.created_by,
                        self._st(
                            "announce.done",
                            id=ann.id,
                            sent=out.sent,
                            failed=out.refused - out.unreachable,
                            unreachable=out.unreachable,
                        ),
                    )
                finished += 1
        return finished

    def _tell_organizer(self, chat_id: int, text: str) -> None:
        outbox.enqueue(
            self.services.db,
            chat_id=chat_id,
            action="send",
            now=self.services.clock(),
            kind="organizer",
            priority=PRIORITY_INTERACTIVE + 1,
            payload={"text": text, "buttons": []},
        )
