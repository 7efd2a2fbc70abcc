"""Follow-ups: scheduled check-ins are rows first. A pending row is due work; the dispatcher only wakes up to look."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.models import must, dt, to_iso


@dataclass(frozen=True)
class Followup:
    id: int
    case_id: int
    kind: str  # checkin | seen | oon_seen
    due_at: datetime
    status: str  # pending | sent | answered | canceled
    attempts: int
    outbox_id: int | None
    sent_at: datetime | None
    answered_at: datetime | None
    answer: str | None


def _followup(row) -> Followup:
    return Followup(
        id=row["id"],
        case_id=row["case_id"],
        kind=row["kind"],
        due_at=dt(row["due_at"]),
        status=row["status"],
        attempts=row["attempts"],
        outbox_id=row["outbox_id"],
        sent_at=dt(row["sent_at"]),
        answered_at=dt(row["answered_at"]),
        answer=row["answer"],
    )


def schedule(db: Database, case_id: int, kind: str, due_at: datetime, now: datetime) -> Followup:
    """Add a pending follow-up."""
    cur = db.execute(
        "INSERT INTO followups (case_id, kind, due_at, status, created_at) VALUES (?, ?, ?, 'pending', ?)",
        [case_id, kind, to_iso(due_at), to_iso(now)],
    )
    return must(get(db, must(cur.lastrowid)))


def get(db: Database, followup_id: int) -> Followup | None:
    rows = list(db.query("SELECT * FROM followups WHERE id = ?", [followup_id]))
    return _followup(rows[0]) if rows else None


def pending_for_case(db: Database, case_id: int) -> list[Followup]:
    """The case's follow-ups still to be sent, soonest first."""
    return [
        _followup(r)
        for r in db.query("SELECT * FROM followups WHERE case_id = ? AND status = 'pending' ORDER BY due_at", [case_id])
    ]


def last_sent_for_case(db: Database, case_id: int) -> Followup | None:
    """The latest follow-up sent for the case (answered or not)."""
    rows = list(
        db.query(
            "SELECT * FROM followups WHERE case_id = ? AND status IN ('sent', 'answered') ORDER BY sent_at DESC, id DESC LIMIT 1",
            [case_id],
        )
    )
    return _followup(rows[0]) if rows else None


def current_checkin(db: Database, member_id: str, since: datetime) -> Followup | None:
    """The member's latest check-in sent since `since` on an open case (answered or not): what a typed reply is about.

    CROSS JOIN keeps the member's cases as the outer loop (SQLite's planner takes it as an order): otherwise,
    with no statistics, it may walk every sent check-in of the campaign by status."""
    rows = list(
        db.query(
            "SELECT f.* FROM cases c CROSS JOIN followups f ON f.case_id = c.id WHERE c.member_id = ? AND c.status = 'open'"
            " AND f.status IN ('sent', 'answered') AND f.sent_at >= ? ORDER BY f.sent_at DESC, f.id DESC LIMIT 1",
            [member_id, to_iso(since)],
        )
    )
    return _followup(rows[0]) if rows else None


def due(db: Database, now: datetime, limit: int = 500) -> list[Followup]:
    """Pending follow-ups due by `now`, oldest first (uses the (status, due_at) index)."""
    return [
        _followup(r)
        for r in db.query(
            "SELECT * FROM followups WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?", [to_iso(now), limit]
        )
    ]


def postpone(db: Database, followup_id: int, due_at: datetime) -> None:
    db.execute("UPDATE followups SET due_at = ? WHERE id = ? AND status = 'pending'", [to_iso(due_at), followup_id])


def mark_queued(db: Database, followup_id: int, outbox_id: int) -> None:
    """The check-in message is in the outbox; the row stays pending-to-deliver until sent."""
    db.execute("UPDATE followups SET status = 'queued', outbox_id = ? WHERE id = ?", [outbox_id, followup_id])


def mark_sent(db: Database, followup_id: int, now: datetime) -> None:
    db.execute(
        "UPDATE followups SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ? AND status = 'queued'",
        [to_iso(now), followup_id],
    )


def mark_answered(db: Database, followup_id: int, answer: str, now: datetime) -> None:
    db.execute(
        "UPDATE followups SET status = 'answered', answered_at = ?, answer = ? WHERE id = ?", [to_iso(now), answer, followup_id]
    )


def unqueue(db: Database, case_id: int, due_at: datetime) -> int:
    """Check-ins of the case already handed to the outbox but not sent yet go back to pending, due at
    `due_at` (a member paused). One being sent right now is left to go. Returns how many."""
    moved = 0
    for row in list(db.query("SELECT id, outbox_id FROM followups WHERE case_id = ? AND status = 'queued'", [case_id])):
        if (
            db.execute(
                "UPDATE outbox SET status = 'canceled', payload = '{}' WHERE id = ? AND status = 'pending'", [row["outbox_id"]]
            ).rowcount
            == 1
        ):
            db.execute(
                "UPDATE followups SET status = 'pending', outbox_id = NULL, due_at = ? WHERE id = ?", [to_iso(due_at), row["id"]]
            )
            moved += 1
    return moved


def cancel_for_case(db: Database, case_id: int, kinds: tuple[str, ...] | None = None) -> int:
    """Cancel the case's follow-ups not yet sent (and their queued messages). Returns how many."""
    where = "case_id = ? AND status IN ('pending', 'queued')"
    args: list = [case_id]
    if kinds:
        where += f" AND kind IN ({','.join('?' * len(kinds))})"
        args += list(kinds)
    db.execute(
        f"UPDATE outbox SET status = 'canceled', payload = '{{}}' WHERE status = 'pending' AND ref_kind = 'followup'"
        f" AND ref_id IN (SELECT id FROM followups WHERE {where})",
        args,
    )
    return db.execute(f"UPDATE followups SET status = 'canceled' WHERE {where}", args).rowcount


def cancel_for_member(db: Database, member_id: str) -> int:
    """Cancel every unsent follow-up of a member (blocked the bot, or erased)."""
    total = 0
    for r in db.query("SELECT id FROM cases WHERE member_id = ?", [member_id]):
        total += cancel_for_case(db, r["id"])
    return total


def next_due_for_cases(db: Database, case_ids: list[int]) -> dict[int, datetime]:
    """When each case's next check-in is due."""
    if not case_ids:
        return {}
    marks = ",".join("?" * len(case_ids))
    return {
        r["case_id"]: dt(r["due"])
        for r in db.query(
            f"SELECT case_id, min(due_at) AS due FROM followups WHERE status = 'pending' AND case_id IN ({marks}) GROUP BY case_id",
            case_ids,
        )
    }


def count_by_status(db: Database) -> dict[str, int]:
    return {r["status"]: r["n"] for r in db.query("SELECT status, count(*) AS n FROM followups GROUP BY status")}
