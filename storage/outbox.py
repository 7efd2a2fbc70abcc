"""The durable outbox: everything the bot must send is a row before it is sent."""

from __future__ import annotations

import json
from datetime import datetime

from sqlite_utils import Database

from storage.models import OutboxItem, dt, to_iso


def _item(row) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        chat_id=row["chat_id"],
        member_id=row["member_id"],
        kind=row["kind"],
        action=row["action"],
        payload=json.loads(row["payload"]),
        status=row["status"],
        attempts=row["attempts"],
        created_at=dt(row["created_at"]),
        sent_at=dt(row["sent_at"]),
        message_id=row["message_id"],
    )


def enqueue(
    db: Database,
    *,
    chat_id: int,
    action: str,
    payload: dict,
    now: datetime,
    kind: str = "reply",
    member_id: str | None = None,
) -> OutboxItem:
    """Queue one thing to send (inside the transaction that decided to send it)."""
    cur = db.execute(
        "INSERT INTO outbox (chat_id, member_id, kind, action, payload, status, created_at)"
        " VALUES (?, ?, ?, ?, ?, 'pending', ?)",
        [chat_id, member_id, kind, action, json.dumps(payload, ensure_ascii=False, separators=(",", ":")), to_iso(now)],
    )
    return get(db, cur.lastrowid)


def get(db: Database, item_id: int) -> OutboxItem | None:
    rows = list(db.query("SELECT * FROM outbox WHERE id = ?", [item_id]))
    return _item(rows[0]) if rows else None


def mark_sent(db: Database, item_id: int, now: datetime, message_id: int | None = None) -> None:
    """Record that Telegram accepted the item. The payload's text is dropped: it was delivered.

    A row for a chat that is not a member (before consent, or just erased) is deleted
    instead: its chat id must not outlive the message.
    """
    db.execute("DELETE FROM outbox WHERE id = ? AND member_id IS NULL", [item_id])
    db.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, payload = '{}', attempts = attempts + 1 WHERE id = ?",
        [to_iso(now), message_id, item_id],
    )


def mark_failed(db: Database, item_id: int, now: datetime) -> None:
    """Give up on an item Telegram refused for good (e.g. a message that can no longer be edited)."""
    db.execute("DELETE FROM outbox WHERE id = ? AND member_id IS NULL", [item_id])
    db.execute(
        "UPDATE outbox SET status = 'failed', sent_at = ?, payload = '{}', attempts = attempts + 1 WHERE id = ?",
        [to_iso(now), item_id],
    )


def note_attempt(db: Database, item_id: int, not_before: datetime | None) -> None:
    """Count a failed attempt that will be retried (not before `not_before`)."""
    db.execute(
        "UPDATE outbox SET attempts = attempts + 1, not_before = ? WHERE id = ?",
        [to_iso(not_before), item_id],
    )


def pending(db: Database, now: datetime, limit: int = 500) -> list[OutboxItem]:
    """Items still to send, due now, oldest first."""
    return [
        _item(r)
        for r in db.query(
            "SELECT * FROM outbox WHERE status = 'pending' AND (not_before IS NULL OR not_before <= ?) ORDER BY id LIMIT ?",
            [to_iso(now), limit],
        )
    ]


def pending_for_chat(db: Database, chat_id: int) -> list[OutboxItem]:
    """Unsent items for one chat, in order."""
    return [_item(r) for r in db.query("SELECT * FROM outbox WHERE status = 'pending' AND chat_id = ? ORDER BY id", [chat_id])]
