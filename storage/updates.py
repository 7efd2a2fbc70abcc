"""Incoming updates: recorded when received, marked done in the transaction that handles them.

This is how a re-delivered update changes nothing (guarantee 2) and how an update
received just before a crash is still handled after the restart (guarantee 1).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlite_utils import Database

from storage.models import to_iso


def record_received(db: Database, update_id: int, payload: dict, now: datetime) -> bool:
    """Record a new update; False when this update id was seen before (a re-delivery)."""
    cur = db.execute(
        "INSERT OR IGNORE INTO processed_updates (update_id, status, payload, received_at) VALUES (?, 'received', ?, ?)",
        [update_id, json.dumps(payload, ensure_ascii=False, separators=(",", ":")), to_iso(now)],
    )
    return cur.rowcount == 1


def status(db: Database, update_id: int) -> str | None:
    """'received', 'done', 'failed', or None if never seen."""
    row = db.execute("SELECT status FROM processed_updates WHERE update_id = ?", [update_id]).fetchone()
    return row[0] if row else None


def mark_done(db: Database, update_id: int, now: datetime, status: str = "done") -> None:
    """Mark an update handled and drop its raw payload (it may hold what the member wrote)."""
    db.execute(
        "UPDATE processed_updates SET status = ?, payload = NULL, done_at = ? WHERE update_id = ?",
        [status, to_iso(now), update_id],
    )


def pending(db: Database) -> list[dict]:
    """Raw payloads of updates received but not yet handled, oldest first."""
    return [
        json.loads(r[0])
        for r in db.execute(
            "SELECT payload FROM processed_updates WHERE status = 'received' AND payload IS NOT NULL ORDER BY update_id"
        ).fetchall()
    ]


def last_update_id(db: Database) -> int | None:
    """The highest update id ever recorded."""
    return db.execute("SELECT max(update_id) FROM processed_updates").fetchone()[0]


def prune(db: Database, now: datetime, keep: timedelta = timedelta(days=7)) -> int:
    """Forget handled update ids older than `keep` (Telegram re-delivers only recent ones)."""
    cur = db.execute(
        "DELETE FROM processed_updates WHERE status != 'received' AND done_at < ?",
        [to_iso(now - keep)],
    )
    return cur.rowcount


def _chat_of(payload: dict) -> int | None:
    """The chat (or user) an update belongs to, best effort on a payload that may be malformed."""
    if not isinstance(payload, dict):
        return None
    for key in ("message", "edited_message", "callback_query", "my_chat_member", "channel_post"):
        part = payload.get(key)
        if not isinstance(part, dict):
            continue
        if key == "callback_query" and isinstance(part.get("message"), dict):
            part = part["message"]
        chat = part.get("chat") if isinstance(part.get("chat"), dict) else part.get("from")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return chat["id"]
    return None


def quarantine(db: Database, update_id: int, payload, reason: str, now: datetime) -> bool:
    """Set aside an update that could not be read (stored raw, never logged); False if it was already."""
    cur = db.execute(
        "INSERT OR IGNORE INTO quarantined_updates (update_id, chat_id, payload, reason, received_at) VALUES (?, ?, ?, ?, ?)",
        [update_id, _chat_of(payload), json.dumps(payload, ensure_ascii=False, separators=(",", ":")), reason, to_iso(now)],
    )
    return cur.rowcount == 1


def quarantined_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM quarantined_updates").fetchone()[0]


def erase_chat(db: Database, chat_id: int) -> None:
    """A member's /delete: their set-aside updates go too."""
    db.execute("DELETE FROM quarantined_updates WHERE chat_id = ?", [chat_id])


def prune_quarantine(db: Database, now: datetime, keep: timedelta = timedelta(days=14)) -> int:
    """Set-aside updates are kept two weeks for a maintainer to look at, then deleted."""
    return db.execute("DELETE FROM quarantined_updates WHERE received_at < ?", [to_iso(now - keep)]).rowcount
