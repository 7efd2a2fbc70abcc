"""What the database says about the bot's health, read on a connection of its own (for /metrics and the doctor).

Each function opens the file itself, so it can run in a worker thread while the bot
writes on its own connection, and never waits on the bot's transactions for long.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Snapshot", "snapshot", "schema_version_of", "writable"]


@dataclass(frozen=True)
class Snapshot:
    outbox: dict[str, int] = field(default_factory=dict)  # messages not sent yet, by kind
    escalations: dict[int, int] = field(default_factory=dict)  # open or claimed, by priority
    due: int = 0  # pending check-ins whose time has come
    pending: int = 0  # pending check-ins in all
    quarantined: int = 0  # updates set aside as unreadable


def snapshot(db_path: str, now: datetime) -> Snapshot:
    """The counts /metrics shows, on a read-only connection."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=2)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        outbox = (
            dict(
                conn.execute("SELECT kind, count(*) FROM outbox WHERE status IN ('pending', 'sending') GROUP BY kind").fetchall()
            )
            if "outbox" in tables
            else {}
        )
        pending = due = 0
        if "followups" in tables:
            pending = conn.execute("SELECT count(*) FROM followups WHERE status = 'pending'").fetchone()[0]
            due = conn.execute(
                "SELECT count(*) FROM followups WHERE status = 'pending' AND due_at <= ?", [now.isoformat()]
            ).fetchone()[0]
        escalations = (
            dict(
                conn.execute(
                    "SELECT priority, count(*) FROM escalations WHERE status IN ('open', 'claimed') GROUP BY priority"
                ).fetchall()
            )
            if "escalations" in tables
            else {}
        )
        quarantined = (
            conn.execute("SELECT count(*) FROM quarantined_updates").fetchone()[0] if "quarantined_updates" in tables else 0
        )
        return Snapshot(outbox, escalations, due, pending, quarantined)
    finally:
        conn.close()


def writable(db_path: str) -> str | None:
    """None when the bot could write now (BEGIN IMMEDIATE takes the write lock, then gives it back); else why not."""
    conn = sqlite3.connect(db_path, timeout=2)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return None
    except sqlite3.Error as err:
        return str(err)
    finally:
        conn.close()


def schema_version_of(db_path: str) -> int:
    """The last migration applied to the database file (0 for none); raises sqlite3.DatabaseError if unreadable."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=2)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "_migrations" not in tables:
            return 0
        return conn.execute("SELECT coalesce(max(number), 0) FROM _migrations").fetchone()[0]
    finally:
        conn.close()
