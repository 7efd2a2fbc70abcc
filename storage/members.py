"""Members: a pseudonymous id, their private chat, language and consent."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlite_utils import Database

from storage import updates
from storage.db import request_scrub
from storage.models import must, Member, dt, to_iso


def _member(row: dict) -> Member:
    return Member(
        id=row["id"],
        chat_id=row["chat_id"],
        lang=row["lang"],
        source=row["source"],
        status=row["status"],
        consented_at=dt(row["consented_at"]),
        created_at=dt(row["created_at"]),
        unreachable_at=dt(row.get("unreachable_at")),
        paused_until=dt(row.get("paused_until")),
        muted=bool(row.get("muted")),
        contact_ok=bool(row.get("contact_ok")),
        username=row.get("username"),
        link_code=row.get("link_code"),
    )


def by_chat(db: Database, chat_id: int) -> Member | None:
    """The member whose private chat this is, or None (never consented or deleted)."""
    rows = list(db.query("SELECT * FROM members WHERE chat_id = ?", [chat_id]))
    return _member(rows[0]) if rows else None


def get(db: Database, member_id: str) -> Member | None:
    """The member with this id, or None."""
    rows = list(db.query("SELECT * FROM members WHERE id = ?", [member_id]))
    return _member(rows[0]) if rows else None


def create(db: Database, *, chat_id: int, lang: str, source: str | None, now: datetime) -> Member:
    """Record a member at the moment they consent."""
    member_id = "m_" + secrets.token_hex(8)
    db.execute(
        "INSERT INTO members (id, chat_id, lang, source, status, consented_at, created_at) VALUES (?, ?, ?, ?, 'active', ?, ?)",
        [member_id, chat_id, lang, source, to_iso(now), to_iso(now)],
    )
    return must(get(db, member_id))


def set_language(db: Database, member_id: str, lang: str) -> None:
    """Change the member's language."""
    db.execute("UPDATE members SET lang = ? WHERE id = ?", [lang, member_id])


def erase(db: Database, member_id: str) -> int:
    """Erase a member's personal data; filed cases keep only their anonymous fields.

    Returns the number of filed cases kept as anonymous records. Call inside a
    transaction: the member row, their conversation, their drafts, the free text
    of their cases and everything queued for their chat go together.
    """
    member = get(db, member_id)
    if member is None:
        return 0
    case_ids = [r["id"] for r in db.query("SELECT id FROM cases WHERE member_id = ? AND status != 'draft'", [member_id])]
    db.execute(
        "DELETE FROM case_events WHERE case_id IN (SELECT id FROM cases WHERE member_id = ? AND status = 'draft')", [member_id]
    )
    db.execute("DELETE FROM cases WHERE member_id = ? AND status = 'draft'", [member_id])
    if case_ids:
        marks = ",".join("?" * len(case_ids))
        db.execute(
            f"UPDATE cases SET member_id = NULL, note = NULL, facility_text = NULL, source = NULL WHERE id IN ({marks})",
            case_ids,
        )
        # The evidence log keeps which fields were answered and when, not the free text.
        db.execute(
            f"UPDATE case_events SET value = NULL WHERE case_id IN ({marks}) AND field IN ('note', 'facility_text')",
            case_ids,
        )
    if member.chat_id is not None:
        db.execute("DELETE FROM outbox WHERE chat_id = ?", [member.chat_id])
        updates.erase_chat(db, member.chat_id)
    db.execute("DELETE FROM outbox WHERE member_id = ?", [member_id])
    db.execute("DELETE FROM desk_notes WHERE escalation_id IN (SELECT id FROM escalations WHERE member_id = ?)", [member_id])
    db.execute(
        "UPDATE escalations SET status = CASE WHEN status IN ('open', 'claimed') THEN 'withdrawn' ELSE status END,"
        " member_id = NULL WHERE member_id = ?",
        [member_id],
    )
    db.execute("DELETE FROM conversations WHERE member_id = ?", [member_id])
    db.execute("DELETE FROM members WHERE id = ?", [member_id])
    # The old row versions still sit in the write-ahead log until a TRUNCATE checkpoint (after the commit).
    request_scrub(db)
    return len(case_ids)


def set_paused(db: Database, member_id: str, until: datetime | None) -> None:
    """Pause check-ins until a time (None resumes them)."""
    db.execute("UPDATE members SET paused_until = ? WHERE id = ?", [to_iso(until), member_id])


def set_unreachable(db: Database, member_id: str, when: datetime | None) -> None:
    """Mark that Telegram refuses messages to this member (they blocked the bot), or clear it."""
    db.execute("UPDATE members SET unreachable_at = ? WHERE id = ?", [to_iso(when), member_id])


def count_unreachable(db: Database) -> int:
    return db.execute("SELECT count(*) FROM members WHERE unreachable_at IS NOT NULL").fetchone()[0]


def set_muted(db: Database, member_id: str, muted: bool) -> None:
    """Opt out of (or back into) announcements."""
    db.execute("UPDATE members SET muted = ? WHERE id = ?", [int(muted), member_id])


def set_contact(db: Database, member_id: str, *, ok: bool, username: str | None) -> None:
    """The member agreed (or not) to be contacted; their @username is kept only if they agreed."""
    db.execute("UPDATE members SET contact_ok = ?, username = ? WHERE id = ?", [int(ok), username if ok else None, member_id])


def set_link(db: Database, member_id: str, link_code: str | None) -> None:
    db.execute("UPDATE members SET link_code = ? WHERE id = ?", [link_code, member_id])
