"""Escalations: a member who needs a person. One open escalation per member; a new trigger raises its priority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.models import must, dt, to_iso

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
    claimed_by: int | None = None
    claimed_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    topic_id: int | None = None
    card_message_id: int | None = None
    announced_at: datetime | None = None
    last_volunteer_at: datetime | None = None
    claimed_by_name: str | None = None
    category: str | None = None  # what kind of danger the safety screen found (knowledge/screening.py)
    closed_because: str | None = None  # seen | withdrawn | deleted: the member closed their case


def _escalation(row) -> Escalation:
    return Escalation(
        id=row["id"],
        member_id=row["member_id"],
        case_id=row["case_id"],
        priority=row["priority"],
        reason=row["reason"],
        status=row["status"],
        created_at=dt(row["created_at"]),
        updated_at=dt(row["updated_at"]),
        claimed_by=row.get("claimed_by"),
        claimed_at=dt(row.get("claimed_at")),
        resolved_at=dt(row.get("resolved_at")),
        resolution=row.get("resolution"),
        topic_id=row.get("topic_id"),
        card_message_id=row.get("card_message_id"),
        announced_at=dt(row.get("announced_at")),
        last_volunteer_at=dt(row.get("last_volunteer_at")),
        claimed_by_name=row.get("claimed_by_name"),
        category=row.get("category"),
        closed_because=row.get("closed_because"),
    )


def open_for_member(db: Database, member_id: str) -> Escalation | None:
    """The member's escalation that is still open or claimed, if any."""
    rows = list(
        db.query(
            "SELECT * FROM escalations WHERE member_id = ? AND status IN ('open', 'claimed') ORDER BY id DESC LIMIT 1",
            [member_id],
        )
    )
    return _escalation(rows[0]) if rows else None


def raise_(
    db: Database, *, member_id: str, case_id: int | None, reason: str, now: datetime, category: str | None = None
) -> Escalation:
    """Open an escalation, or raise the priority of the one already open (never a second one).

    `category` is what the safety screen found; every category found for this escalation is kept, a
    comma-separated set in the order found (an earlier one is never dropped); None leaves it as it was.
    """
    priority = PRIORITIES[reason]
    current = open_for_member(db, member_id)
    if current is None:
        cur = db.execute(
            "INSERT INTO escalations (member_id, case_id, priority, reason, status, created_at, updated_at, category)"
            " VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
            [member_id, case_id, priority, reason, to_iso(now), to_iso(now), category],
        )
        return must(get(db, must(cur.lastrowid)))
    if category is not None:
        found = [c for c in (current.category or "").split(",") if c]
        if category not in found:
            merged = ",".join(found + [category])
            db.execute("UPDATE escalations SET category = ?, updated_at = ? WHERE id = ?", [merged, to_iso(now), current.id])
    if priority < current.priority:
        db.execute(
            "UPDATE escalations SET priority = ?, reason = ?, updated_at = ? WHERE id = ?",
            [priority, reason, to_iso(now), current.id],
        )
    if current.case_id is None and case_id is not None:
        db.execute("UPDATE escalations SET case_id = ? WHERE id = ?", [case_id, current.id])
    return must(get(db, current.id))


def get(db: Database, escalation_id: int) -> Escalation | None:
    rows = list(db.query("SELECT * FROM escalations WHERE id = ?", [escalation_id]))
    return _escalation(rows[0]) if rows else None


def open_escalations(db: Database) -> list[Escalation]:
    """Open and claimed escalations, most urgent and oldest first."""
    return [
        _escalation(r)
        for r in db.query("SELECT * FROM escalations WHERE status IN ('open', 'claimed') ORDER BY priority, created_at")
    ]


def for_case(db: Database, case_id: int) -> Escalation | None:
    """The case's escalation still open or claimed."""
    rows = list(
        db.query(
            "SELECT * FROM escalations WHERE case_id = ? AND status IN ('open', 'claimed') ORDER BY id DESC LIMIT 1", [case_id]
        )
    )
    return _escalation(rows[0]) if rows else None


def withdraw_for_member(db: Database, member_id: str, now: datetime) -> None:
    """The member erased their data: their open escalations end (the rows stay as anonymous counts)."""
    db.execute(
        "UPDATE escalations SET status = 'withdrawn', updated_at = ? WHERE member_id = ? AND status IN ('open', 'claimed')",
        [to_iso(now), member_id],
    )


def claim(db: Database, escalation_id: int, user_id: int, now: datetime, name: str = "") -> bool:
    """A volunteer takes an open escalation; False if it is not open (someone was faster)."""
    return (
        db.execute(
            "UPDATE escalations SET status = 'claimed', claimed_by = ?, claimed_by_name = ?, claimed_at = coalesce(claimed_at, ?),"
            " last_volunteer_at = ?, updated_at = ? WHERE id = ? AND status = 'open'",
            [user_id, name[:64], to_iso(now), to_iso(now), to_iso(now), escalation_id],
        ).rowcount
        == 1
    )


def release(db: Database, escalation_id: int, now: datetime) -> bool:
    """Back to the queue (the volunteer let go, or went quiet for too long)."""
    return (
        db.execute(
            "UPDATE escalations SET status = 'open', claimed_by = NULL, announced_at = ?, updated_at = ? WHERE id = ? AND status = 'claimed'",
            [to_iso(now), to_iso(now), escalation_id],
        ).rowcount
        == 1
    )


def resolve(db: Database, escalation_id: int, resolution: str, now: datetime) -> bool:
    return (
        db.execute(
            "UPDATE escalations SET status = 'resolved', resolution = ?, resolved_at = ?, updated_at = ? WHERE id = ? AND status IN ('open', 'claimed')",
            [resolution, to_iso(now), to_iso(now), escalation_id],
        ).rowcount
        == 1
    )


def set_posted(db: Database, escalation_id: int, *, topic_id: int | None = None, card_message_id: int | None = None) -> None:
    """Remember where the escalation lives in the desk (its forum topic, its card)."""
    if topic_id is not None:
        db.execute("UPDATE escalations SET topic_id = ? WHERE id = ?", [topic_id, escalation_id])
    if card_message_id is not None:
        db.execute("UPDATE escalations SET card_message_id = ? WHERE id = ?", [card_message_id, escalation_id])


def forget_desk_place(db: Database, escalation_id: int) -> None:
    """The topic or card is gone (deleted, or the bot lost access): post it again."""
    db.execute(
        "UPDATE escalations SET topic_id = NULL, card_message_id = NULL, announced_at = NULL WHERE id = ?", [escalation_id]
    )


def mark_announced(db: Database, escalation_id: int, now: datetime) -> None:
    db.execute("UPDATE escalations SET announced_at = ? WHERE id = ?", [to_iso(now), escalation_id])


def touch_volunteer(db: Database, escalation_id: int, now: datetime) -> None:
    """A volunteer wrote to the member: the claim is alive."""
    db.execute("UPDATE escalations SET last_volunteer_at = ? WHERE id = ?", [to_iso(now), escalation_id])


def unposted(db: Database) -> list[Escalation]:
    """Open or claimed escalations not yet in the desk."""
    return [
        _escalation(r)
        for r in db.query(
            "SELECT * FROM escalations WHERE status IN ('open', 'claimed') AND card_message_id IS NULL ORDER BY priority, id"
        )
    ]


def by_topic(db: Database, topic_id: int) -> Escalation | None:
    rows = list(db.query("SELECT * FROM escalations WHERE topic_id = ? ORDER BY id DESC LIMIT 1", [topic_id]))
    return _escalation(rows[0]) if rows else None


def by_card(db: Database, message_id: int) -> Escalation | None:
    rows = list(db.query("SELECT * FROM escalations WHERE card_message_id = ? ORDER BY id DESC LIMIT 1", [message_id]))
    return _escalation(rows[0]) if rows else None


def claimed_by_user(db: Database, user_id: int) -> list[Escalation]:
    return [
        _escalation(r)
        for r in db.query(
            "SELECT * FROM escalations WHERE status = 'claimed' AND claimed_by = ? ORDER BY priority, created_at", [user_id]
        )
    ]


def add_note(db: Database, escalation_id: int, author: int, text: str, now: datetime) -> None:
    db.execute(
        "INSERT INTO desk_notes (escalation_id, author, text, at) VALUES (?, ?, ?, ?)", [escalation_id, author, text, to_iso(now)]
    )


def notes(db: Database, escalation_id: int) -> list[dict]:
    return list(db.query("SELECT author, text, at FROM desk_notes WHERE escalation_id = ? ORDER BY id", [escalation_id]))


# ---------------------------------------------------------------- the member closed it


def close_for_member_case(db: Database, *, member_id: str | None, case_id: int | None, because: str, now: datetime) -> list[int]:
    """The member closed their case (seen, withdrawn) or erased their data (deleted): the escalation about it
    ends, its timers with it. Returns the ids of the escalations closed."""
    if case_id is not None:
        rows = db.query(
            "SELECT id FROM escalations WHERE status IN ('open', 'claimed') AND (case_id = ? OR"
            " (case_id IS NULL AND member_id = ?))",
            [case_id, member_id],
        )
    else:
        rows = db.query("SELECT id FROM escalations WHERE status IN ('open', 'claimed') AND member_id = ?", [member_id])
    ids = [r["id"] for r in rows]
    for esc_id in ids:
        db.execute(
            "UPDATE escalations SET status = 'withdrawn', resolution = 'member_closed', closed_because = ?,"
            " resolved_at = ?, updated_at = ? WHERE id = ?",
            [because, to_iso(now), to_iso(now), esc_id],
        )
    return ids


def resolved_for_case(db: Database, case_id: int) -> Escalation | None:
    """The case's latest escalation, whatever its status (for /case on a resolved one)."""
    rows = list(db.query("SELECT * FROM escalations WHERE case_id = ? ORDER BY id DESC LIMIT 1", [case_id]))
    return _escalation(rows[0]) if rows else None


def reopen(db: Database, escalation_id: int, now: datetime) -> bool:
    """A resolved escalation back in the queue (its topic and card stay)."""
    return (
        db.execute(
            "UPDATE escalations SET status = 'open', claimed_by = NULL, claimed_by_name = NULL, claimed_at = NULL,"
            " resolution = NULL, resolved_at = NULL, closed_because = NULL, announced_at = ?, updated_at = ?"
            " WHERE id = ? AND status = 'resolved'",
            [to_iso(now), to_iso(now), escalation_id],
        ).rowcount
        == 1
    )


# ---------------------------------------------------------------- note mode


def start_note_mode(db: Database, user_id: int, escalation_id: int, now: datetime) -> None:
    """The volunteer pressed "Add note": their next message in that thread is a private note."""
    db.execute(
        "INSERT OR REPLACE INTO desk_note_modes (user_id, escalation_id, started_at) VALUES (?, ?, ?)",
        [user_id, escalation_id, to_iso(now)],
    )


def note_mode(db: Database, user_id: int | None) -> int | None:
    """The escalation a volunteer is writing a note about, if any."""
    if user_id is None:
        return None
    row = db.execute("SELECT escalation_id FROM desk_note_modes WHERE user_id = ?", [user_id]).fetchone()
    return row[0] if row else None


def set_note_prompt(db: Database, user_id: int, escalation_id: int, message_id: int) -> None:
    db.execute(
        "UPDATE desk_note_modes SET prompt_message_id = ? WHERE user_id = ? AND escalation_id = ?",
        [message_id, user_id, escalation_id],
    )


def end_note_mode(db: Database, user_id: int) -> int | None:
    """Leave note mode; returns the note-mode message's id (to edit it), or None if they weren't in it."""
    row = db.execute("SELECT prompt_message_id FROM desk_note_modes WHERE user_id = ?", [user_id]).fetchone()
    if row is None:
        return None
    db.execute("DELETE FROM desk_note_modes WHERE user_id = ?", [user_id])
    return row[0] or 0


def end_note_modes_for(db: Database, escalation_id: int) -> int:
    """The case closed: nobody is writing a note about it any more."""
    return db.execute("DELETE FROM desk_note_modes WHERE escalation_id = ?", [escalation_id]).rowcount


def active_on_closed_cases(db: Database) -> list[tuple[int, str | None]]:
    """(escalation id, the case's close reason) for escalations still open or claimed whose case is closed."""
    return [
        (r["id"], r["close_reason"])
        for r in db.query(
            "SELECT e.id, c.close_reason FROM escalations e JOIN cases c ON c.id = e.case_id"
            " WHERE e.status IN ('open', 'claimed') AND c.status = 'closed'"
        )
    ]
