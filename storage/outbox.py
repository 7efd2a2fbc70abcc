"""The durable outbox: everything the bot must send is a row before it is sent.

A row is claimed (pending -> sending), sent, then marked sent. A crash between the
claim and the mark leaves it in 'sending'; `recover` puts those back to pending at
the next start, so a message in flight at a crash may go out twice, and no other.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlite_utils import Database

from storage.models import OutboxItem, dt, must, to_iso

# Lower goes first. Replies to what a member just did never wait behind bulk work.
PRIORITY_INTERACTIVE = 0
PRIORITY_DESK = 2
PRIORITY_FOLLOWUP = 5
PRIORITY_ANNOUNCEMENT = 7


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
        priority=row.get("priority") or 0,
        ref_kind=row.get("ref_kind"),
        ref_id=row.get("ref_id"),
        thread_id=row.get("thread_id"),
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
    priority: int = PRIORITY_INTERACTIVE,
    ref_kind: str | None = None,
    ref_id: int | None = None,
    thread_id: int | None = None,
    not_before: datetime | None = None,
) -> OutboxItem:
    """Queue one thing to send (inside the transaction that decided to send it)."""
    cur = db.execute(
        "INSERT INTO outbox (chat_id, member_id, kind, action, payload, status, created_at, priority, ref_kind, ref_id,"
        " thread_id, not_before) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)",
        [
            chat_id,
            member_id,
            kind,
            action,
            json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            to_iso(now),
            priority,
            ref_kind,
            ref_id,
            thread_id,
            to_iso(not_before),
        ],
    )
    return must(get(db, must(cur.lastrowid)))


def get(db: Database, item_id: int) -> OutboxItem | None:
    rows = list(db.query("SELECT * FROM outbox WHERE id = ?", [item_id]))
    return _item(rows[0]) if rows else None


def claim(db: Database, item_id: int, now: datetime) -> OutboxItem | None:
    """Take a pending row for sending; None if someone else has it or it is no longer pending."""
    cur = db.execute(
        "UPDATE outbox SET status = 'sending', claimed_at = ? WHERE id = ? AND status = 'pending'", [to_iso(now), item_id]
    )
    return get(db, item_id) if cur.rowcount == 1 else None


INTERACTIVE_STALE = timedelta(seconds=5)  # a reply not sent by then was missed (a crash): the background sends it


def claim_next(db: Database, now: datetime, *, busy_chats=(), min_priority: int = 1) -> OutboxItem | None:
    """Claim the most urgent due row for a chat not already being sent to.

    Rows under `min_priority` (replies to members) are sent at once by the handler that wrote them; the
    background takes one only when that failed (it has a retry time) or never happened (a crash left it
    pending), and then strictly in order within its chat."""
    busy = list(busy_chats)
    not_busy = f" AND o.chat_id NOT IN ({','.join('?' * len(busy))})" if busy else ""
    row = db.execute(
        "SELECT o.id FROM outbox o WHERE o.status = 'pending' AND (o.not_before IS NULL OR o.not_before <= ?)"
        f"{not_busy} AND (o.priority >= ? OR ((o.not_before IS NOT NULL OR o.created_at <= ?)"
        " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.chat_id = o.chat_id AND e.status IN ('pending', 'sending')"
        "                 AND e.priority < ? AND e.id < o.id)))"
        " ORDER BY o.priority, o.id LIMIT 1",
        [to_iso(now), *busy, min_priority, to_iso(now - INTERACTIVE_STALE), min_priority],
    ).fetchone()
    return claim(db, row[0], now) if row else None


def defer_after(db: Database, item_ids, now: datetime) -> None:
    """The rest of a reply whose first part failed: the background sends them, after it, in order."""
    ids = list(item_ids)
    if ids:
        db.execute(
            f"UPDATE outbox SET not_before = coalesce(not_before, ?) WHERE status = 'pending'"
            f" AND id IN ({','.join('?' * len(ids))})",
            [to_iso(now), *ids],
        )


def _finish(db: Database, item_id: int, status: str, now: datetime, message_id: int | None = None) -> OutboxItem | None:
    """Close a row: its text is dropped (delivered, or never deliverable).

    A row for a chat that is not a member (before consent, or just erased) is deleted
    instead: its chat id must not outlive the message. Returns the row as it was.
    """
    item = get(db, item_id)
    if item is None:
        return None
    if item.member_id is None and item.chat_id > 0:
        db.execute("DELETE FROM outbox WHERE id = ?", [item_id])
        return item
    db.execute(
        "UPDATE outbox SET status = ?, sent_at = ?, message_id = ?, payload = '{}', attempts = attempts + 1 WHERE id = ?",
        [status, to_iso(now), message_id, item_id],
    )
    return item


def mark_sent(db: Database, item_id: int, now: datetime, message_id: int | None = None) -> OutboxItem | None:
    """Record that Telegram accepted the item."""
    return _finish(db, item_id, "sent", now, message_id)


def mark_failed(db: Database, item_id: int, now: datetime) -> OutboxItem | None:
    """Give up on an item Telegram refused for good (e.g. a message that can no longer be edited)."""
    return _finish(db, item_id, "failed", now)


def release(db: Database, item_id: int, not_before: datetime | None) -> None:
    """Put a claimed row back, to be retried not before `not_before` (a 429, a 5xx, a network error)."""
    db.execute(
        "UPDATE outbox SET status = 'pending', claimed_at = NULL, attempts = attempts + 1, not_before = ? WHERE id = ? AND status = 'sending'",
        [to_iso(not_before), item_id],
    )


def hold(db: Database, item_id: int) -> None:
    """Set a row aside until its place exists again (a desk topic being made anew); see release_held."""
    db.execute(
        "UPDATE outbox SET status = 'held', claimed_at = NULL WHERE id = ? AND status IN ('pending', 'sending')", [item_id]
    )


def release_held(db: Database, ref_kind: str, ref_id: int, *, thread_id: int | None, reply_to: int | None) -> int:
    """Send the rows set aside for `ref_id`, in order, into its new place. Returns how many."""
    rows = list(
        db.query(
            "SELECT id, payload FROM outbox WHERE status = 'held' AND ref_kind = ? AND ref_id = ? ORDER BY id", [ref_kind, ref_id]
        )
    )
    for row in rows:
        payload = json.loads(row["payload"] or "{}")
        payload.pop("reply_to", None)
        if reply_to:
            payload["reply_to"] = reply_to
        db.execute(
            "UPDATE outbox SET status = 'pending', thread_id = ?, payload = ?, not_before = NULL WHERE id = ?",
            [thread_id, json.dumps(payload, ensure_ascii=False, separators=(",", ":")), row["id"]],
        )
    return len(rows)


def recover(db: Database) -> int:
    """After a crash: rows that were being sent go back to pending (each may go out once more)."""
    return db.execute("UPDATE outbox SET status = 'pending', claimed_at = NULL WHERE status = 'sending'").rowcount


def cancel_for_chat(db: Database, chat_id: int) -> int:
    """Drop everything still waiting for a chat (the member blocked the bot)."""
    return db.execute(
        "UPDATE outbox SET status = 'canceled', payload = '{}' WHERE chat_id = ? AND status = 'pending'", [chat_id]
    ).rowcount


def pending(db: Database, now: datetime, limit: int = 500) -> list[OutboxItem]:
    """Items still to send, due now, most urgent first."""
    return [
        _item(r)
        for r in db.query(
            "SELECT * FROM outbox WHERE status = 'pending' AND (not_before IS NULL OR not_before <= ?) ORDER BY priority, id LIMIT ?",
            [to_iso(now), limit],
        )
    ]


def count_by_status(db: Database) -> dict[str, int]:
    return {r["status"]: r["n"] for r in db.query("SELECT status, count(*) AS n FROM outbox GROUP BY status")}


def in_progress(db: Database, ref_kinds: tuple[str, ...], ref_id: int) -> bool:
    """Whether a row of these kinds for this reference is still waiting or being sent."""
    marks = ",".join("?" * len(ref_kinds))
    return (
        db.execute(
            f"SELECT 1 FROM outbox WHERE ref_kind IN ({marks}) AND ref_id = ? AND status IN ('pending', 'sending') LIMIT 1",
            [*ref_kinds, ref_id],
        ).fetchone()
        is not None
    )


def by_message(db: Database, chat_id: int, message_id: int) -> OutboxItem | None:
    """The sent row that made this message (to know what a reply in the desk is about)."""
    rows = list(
        db.query(
            "SELECT * FROM outbox WHERE chat_id = ? AND message_id = ? AND status = 'sent' ORDER BY id DESC LIMIT 1",
            [chat_id, message_id],
        )
    )
    return _item(rows[0]) if rows else None


def set_member(db: Database, item_id: int, member_id: str) -> None:
    """Tie a row to a member (it carries their words: /delete removes it)."""
    db.execute("UPDATE outbox SET member_id = ? WHERE id = ?", [member_id, item_id])


def prune_sent(db: Database, now: datetime, keep_days: int = 30) -> int:
    """Forget messages sent (or refused for good) more than `keep_days` ago.

    Their text is already gone (`_finish` clears it); the rows only map a Telegram
    message back to a desk card or a member's reply, which stops mattering after a month.
    """
    return db.execute(
        "DELETE FROM outbox WHERE status IN ('sent', 'failed') AND sent_at IS NOT NULL AND sent_at < ?",
        [to_iso(now - timedelta(days=keep_days))],
    ).rowcount


def resume_after_outage(db: Database, now: datetime, within: timedelta = timedelta(seconds=75)) -> int:
    """The Bot API answers again: messages waiting out a network backoff (due within `within`) are due now.

    Longer waits (a check-in held until morning, a 429's retry_after is honoured by the limiter) keep theirs.
    """
    return db.execute(
        "UPDATE outbox SET not_before = ? WHERE status = 'pending' AND attempts > 0 AND not_before > ? AND not_before <= ?",
        [to_iso(now), to_iso(now), to_iso(now + within)],
    ).rowcount
