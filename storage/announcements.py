"""Announcements to every member: an organizer's draft, its sending through the outbox, and how it went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.models import dt, to_iso

_RECIPIENTS = "FROM members WHERE muted = 0 AND unreachable_at IS NULL AND chat_id IS NOT NULL"


@dataclass(frozen=True)
class Announcement:
    id: int
    created_by: int | None
    text_en: str
    text_es: str
    status: str  # draft | sending | done | canceled
    recipients: int
    progress_at: datetime | None  # when the organizer was last told how it is going


@dataclass(frozen=True)
class Recipient:
    member_id: str
    chat_id: int
    lang: str


@dataclass(frozen=True)
class Outcome:
    """Its messages so far: still to go, sent, and refused (failed or canceled; `unreachable` of those
    because the member blocked the bot)."""

    to_go: int
    sent: int
    refused: int
    unreachable: int


def _announcement(row) -> Announcement:
    return Announcement(
        id=row["id"],
        created_by=row["created_by"],
        text_en=row["text_en"],
        text_es=row["text_es"],
        status=row["status"],
        recipients=row["recipients"],
        progress_at=dt(row["progress_at"]),
    )


def get(db: Database, announcement_id: int) -> Announcement | None:
    rows = list(db.query("SELECT * FROM announcements WHERE id = ?", [announcement_id]))
    return _announcement(rows[0]) if rows else None


def draft_of(db: Database, user_id: int) -> Announcement | None:
    """The organizer's announcement being written, if any."""
    rows = list(
        db.query("SELECT * FROM announcements WHERE created_by = ? AND status = 'draft' ORDER BY id DESC LIMIT 1", [user_id])
    )
    return _announcement(rows[0]) if rows else None


def start_draft(db: Database, user_id: int, now: datetime) -> None:
    """A new draft for the organizer (an older unfinished one is dropped)."""
    db.execute("UPDATE announcements SET status = 'canceled' WHERE created_by = ? AND status = 'draft'", [user_id])
    db.execute(
        "INSERT INTO announcements (created_by, text_en, text_es, status, created_at) VALUES (?, '', '', 'draft', ?)",
        [user_id, to_iso(now)],
    )


def set_text(db: Database, announcement_id: int, lang: str, text: str) -> None:
    column = {"en": "text_en", "es": "text_es"}[lang]
    db.execute(f"UPDATE announcements SET {column} = ? WHERE id = ?", [text, announcement_id])


def cancel(db: Database, announcement_id: int) -> None:
    db.execute("UPDATE announcements SET status = 'canceled' WHERE id = ?", [announcement_id])


def recipient_count(db: Database) -> int:
    """Members an announcement would reach now: not muted, not unreachable."""
    return db.execute("SELECT count(*) " + _RECIPIENTS).fetchone()[0]


def recipients(db: Database) -> list[Recipient]:
    return [Recipient(r["id"], r["chat_id"], r["lang"]) for r in db.query("SELECT id, chat_id, lang " + _RECIPIENTS)]


def mark_sending(db: Database, announcement_id: int, recipients_n: int, now: datetime) -> None:
    db.execute(
        "UPDATE announcements SET status = 'sending', recipients = ?, confirmed_at = ?, progress_at = ? WHERE id = ?",
        [recipients_n, to_iso(now), to_iso(now), announcement_id],
    )


def sending(db: Database) -> list[Announcement]:
    return [_announcement(r) for r in db.query("SELECT * FROM announcements WHERE status = 'sending' ORDER BY id")]


def outcome(db: Database, announcement_id: int) -> Outcome:
    counts = {
        r["status"]: r["n"]
        for r in db.query(
            "SELECT status, count(*) AS n FROM outbox WHERE ref_kind = 'announcement' AND ref_id = ? GROUP BY status",
            [announcement_id],
        )
    }
    unreachable = db.execute(
        "SELECT count(*) FROM outbox o JOIN members m ON m.id = o.member_id WHERE o.ref_kind = 'announcement'"
        " AND o.ref_id = ? AND o.status IN ('failed', 'canceled') AND m.unreachable_at IS NOT NULL",
        [announcement_id],
    ).fetchone()[0]
    return Outcome(
        to_go=counts.get("pending", 0) + counts.get("sending", 0),
        sent=counts.get("sent", 0),
        refused=counts.get("failed", 0) + counts.get("canceled", 0),
        unreachable=unreachable,
    )


def mark_progress_told(db: Database, announcement_id: int, now: datetime) -> None:
    db.execute("UPDATE announcements SET progress_at = ? WHERE id = ?", [to_iso(now), announcement_id])


def mark_done(db: Database, announcement_id: int) -> None:
    db.execute("UPDATE announcements SET status = 'done' WHERE id = ?", [announcement_id])
