"""Escalations: a member who needs a person. One open escalation per member; a new trigger raises its priority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.models import dt, to_iso

# Lower number = more urgent.
PRIORITIES = {
    "crisis": 1,
    "help_now": 2,
    "harm": 2,
    "volunteer": 3,
    "urgent_no_appointment": 3,
    "past_deadline": 4,
}


@dataclass(frozen=True)
class Escalation:
    id: int
    member_id: str | None
    case_id: int | None
    priority: int
    reason: str
    status: str
    created_at: datetime
    updated_at: datetime


def _escalation(row) -> Escalation:
    return Escalation(
        id=row["id"], member_id=row["member_id"], case_id=row["case_id"], priority=row["priority"],
        reason=row["reason"], status=row["status"], created_at=dt(row["created_at"]), updated_at=dt(row["updated_at"]),
    )


def open_for_member(db: Database, member_id: str) -> Escalation | None:
    """The member's escalation that is still open or claimed, if any."""
    rows = list(db.query(
        "SELECT * FROM escalations WHERE member_id = ? AND status IN ('open', 'claimed') ORDER BY id DESC LIMIT 1",
        [member_id],
    ))
    return _escalation(rows[0]) if rows else None


def raise_(db: Database, *, member_id: str, case_id: int | None, reason: str, now: datetime) -> Escalation:
    """Open an escalation, or raise the priority of the one already open (never a second one)."""
    priority = PRIORITIES[reason]
    current = open_for_member(db, member_id)
    if current is None:
        cur = db.execute(
            "INSERT INTO escalations (member_id, case_id, priority, reason, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'open', ?, ?)",
            [member_id, case_id, priority, reason, to_iso(now), to_iso(now)],
        )
        return get(db, cur.lastrowid)
    if priority < current.priority:
        db.execute("UPDATE escalations SET priority = ?, reason = ?, updated_at = ? WHERE id = ?",
                   [priority, reason, to_iso(now), current.id])
    if current.case_id is None and case_id is not None:
        db.execute("UPDATE escalations SET case_id = ? WHERE id = ?", [case_id, current.id])
    return get(db, current.id)


def get(db: Database, escalation_id: int) -> Escalation | None:
    rows = list(db.query("SELECT * FROM escalations WHERE id = ?", [escalation_id]))
    return _escalation(rows[0]) if rows else None


def open_escalations(db: Database) -> list[Escalation]:
    """Open and claimed escalations, most urgent and oldest first."""
    return [_escalation(r) for r in db.query(
        "SELECT * FROM escalations WHERE status IN ('open', 'claimed') ORDER BY priority, created_at")]


def withdraw_for_member(db: Database, member_id: str, now: datetime) -> None:
    """The member erased their data: their open escalations end (the rows stay as anonymous counts)."""
    db.execute(
        "UPDATE escalations SET status = 'withdrawn', updated_at = ? WHERE member_id = ? AND status IN ('open', 'claimed')",
        [to_iso(now), member_id],
    )
