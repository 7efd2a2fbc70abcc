"""Organizers' jobs (exports, reports) as rows: one still here at a start was never delivered, and runs again."""

from __future__ import annotations

import json
from datetime import datetime

from sqlite_utils import Database

from storage.models import must, to_iso


def add(db: Database, *, kind: str, chat_id: int, user_id: int | None, params: dict, now: datetime) -> int:
    cur = db.execute(
        "INSERT INTO jobs (kind, chat_id, user_id, params, created_at) VALUES (?, ?, ?, ?, ?)",
        [kind, chat_id, user_id, json.dumps(params, sort_keys=True), to_iso(now)],
    )
    return must(cur.lastrowid)


def started(db: Database, job_id: int) -> None:
    db.execute("UPDATE jobs SET attempts = attempts + 1 WHERE id = ?", [job_id])


def done(db: Database, job_id: int) -> bool:
    """The job's files are queued in the outbox: forget it. False if it was already done."""
    return db.execute("DELETE FROM jobs WHERE id = ?", [job_id]).rowcount == 1


def pending(db: Database) -> list[dict]:
    """Jobs never delivered (the process stopped mid-job), oldest first."""
    return [{**r, "params": json.loads(r["params"])} for r in db.query("SELECT * FROM jobs ORDER BY id")]
