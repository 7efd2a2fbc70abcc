"""Cases (one per canceled appointment) and their evidence log."""

from __future__ import annotations

import secrets
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from typing import Any, Callable

from sqlite_utils import Database

from knowledge import report_fields
from storage.models import must, Case, CaseEvent, d, dt, to_iso

# No 0/O and no 1/I: a reference read aloud on the phone can't be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 5

# The answers a report can set, column by column (declared in knowledge/report_fields.py).
ANSWER_FIELDS = report_fields.columns()


def _flag(value) -> bool | None:
    return None if value is None else bool(value)


def _same(value):
    return value


# The answer columns Case has attributes for, each with how its stored value reads back (knowledge/report_fields.py
# says which answers are dates or booleans; a field's `also` columns hold text).
_READ: dict[str, Callable[[Any], Any]] = {"date": d, "boolean": _flag, "text": _same}
_CASE_ANSWERS = {
    column: _READ["text" if column in f.also else f.stored_as]
    for f in report_fields.fields()
    if f.column
    for column in (f.column, *f.also)
    if column in {a.name for a in dataclass_fields(Case)}
}


def _case(row) -> Case:
    answers = {column: read(row[column]) for column, read in _CASE_ANSWERS.items()}
    return Case(
        id=row["id"],
        ref=row["ref"],
        member_id=row["member_id"],
        campaign_id=row["campaign_id"],
        status=row["status"],
        lang=row["lang"],
        **answers,
        source=row["source"],
        created_at=dt(row["created_at"]),
        filed_at=dt(row["filed_at"]),
        closed_at=dt(row["closed_at"]),
        deadline_standard=row.get("deadline_standard"),
        deadline_date=d(row.get("deadline_date")),
        deadline_at=dt(row.get("deadline_at")),
        new_appt_date=d(row.get("new_appt_date")),
        oon_offered_on=d(row.get("oon_offered_on")),
        restored_on=d(row.get("restored_on")),
        close_reason=row.get("close_reason"),
        complaint_sent_on=d(row.get("complaint_sent_on")),
        link_code=row.get("link_code"),
    )


def new_reference(db: Database, prefix: str) -> str:
    """A fresh, unused reference such as KP-7F3K2."""
    while True:
        ref = prefix + "-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if db.execute("SELECT 1 FROM cases WHERE ref = ?", [ref]).fetchone() is None:
            return ref


def create_draft(db: Database, *, member_id: str, campaign_id: str, lang: str, source: str | None, now: datetime) -> Case:
    """Start a case as a draft: answers are saved on it as the member gives them."""
    cur = db.execute(
        "INSERT INTO cases (member_id, campaign_id, status, lang, source, created_at) VALUES (?, ?, 'draft', ?, ?, ?)",
        [member_id, campaign_id, lang, source, to_iso(now)],
    )
    return must(get(db, must(cur.lastrowid)))


def get(db: Database, case_id: int) -> Case | None:
    rows = list(db.query("SELECT * FROM cases WHERE id = ?", [case_id]))
    return _case(rows[0]) if rows else None


def by_ref(db: Database, ref: str) -> Case | None:
    rows = list(db.query("SELECT * FROM cases WHERE ref = ?", [ref.upper()]))
    return _case(rows[0]) if rows else None


def _stored(value) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def record_answer(db: Database, case_id: int, field: str, value, now: datetime) -> None:
    """Save one answer on the draft and in the evidence log, with its time."""
    if field not in report_fields.columns():
        raise ValueError(f"unknown case field {field!r} (not a column of knowledge/report_fields.py)")
    stored = _stored(value)
    db.execute(f"UPDATE cases SET {field} = ? WHERE id = ?", [stored, case_id])
    db.execute(
        "INSERT INTO case_events (case_id, kind, field, value, at) VALUES (?, 'answer', ?, ?, ?)",
        [case_id, field, None if stored is None else str(stored), to_iso(now)],
    )


def file(db: Database, case_id: int, answers: dict, *, prefix: str, now: datetime) -> Case:
    """File a draft: write its final answers (`answers` by column), give it a reference, open it.

    Every answer column is written; one missing from `answers` is cleared."""
    unknown = set(answers) - set(report_fields.columns())
    if unknown:
        raise ValueError(f"unknown case fields {sorted(unknown)} (not columns of knowledge/report_fields.py)")
    sets = {f: _stored(answers.get(f)) for f in report_fields.columns()}
    ref = new_reference(db, prefix)
    assignments = ", ".join(f"{f} = ?" for f in sets)
    db.execute(
        f"UPDATE cases SET {assignments}, ref = ?, status = 'open', filed_at = ? WHERE id = ? AND status = 'draft'",
        [*sets.values(), ref, to_iso(now), case_id],
    )
    db.execute(
        "INSERT INTO case_events (case_id, kind, field, value, at) VALUES (?, 'filed', NULL, ?, ?)",
        [case_id, ref, to_iso(now)],
    )
    return must(get(db, case_id))


def set_deadline(db: Database, case_id: int, *, standard: str, due_date: date, due_at: datetime | None) -> None:
    """Store the legal deadline computed when the case was filed."""
    db.execute(
        "UPDATE cases SET deadline_standard = ?, deadline_date = ?, deadline_at = ? WHERE id = ?",
        [standard, due_date.isoformat(), to_iso(due_at), case_id],
    )


def discard_draft(db: Database, case_id: int) -> None:
    """Forget a draft the member canceled: nothing of it is kept."""
    db.execute("DELETE FROM case_events WHERE case_id = (SELECT id FROM cases WHERE id = ? AND status = 'draft')", [case_id])
    db.execute("DELETE FROM cases WHERE id = ? AND status = 'draft'", [case_id])


def for_member(db: Database, member_id: str) -> list[Case]:
    """The member's filed cases, newest first."""
    return [
        _case(r)
        for r in db.query(
            "SELECT * FROM cases WHERE member_id = ? AND status != 'draft' ORDER BY filed_at DESC, id DESC", [member_id]
        )
    ]


def events(db: Database, case_id: int) -> list[CaseEvent]:
    """The case's evidence log, oldest first."""
    return [
        CaseEvent(id=r["id"], case_id=r["case_id"], kind=r["kind"], field=r["field"], value=r["value"], at=dt(r["at"]))
        for r in db.query("SELECT * FROM case_events WHERE case_id = ? ORDER BY id", [case_id])
    ]


def count_by_status(db: Database) -> dict[str, int]:
    """How many cases there are in each status."""
    return {r["status"]: r["n"] for r in db.query("SELECT status, count(*) AS n FROM cases GROUP BY status")}


# Columns a check-in may set on a filed case.
FOLLOWUP_FIELDS = ("new_appt_date", "oon_offered_on", "complaint_sent_on")


def update_fields(db: Database, case_id: int, now: datetime, **fields) -> None:
    """Set check-in facts on a filed case, each logged in the evidence log."""
    for name, value in fields.items():
        if name not in FOLLOWUP_FIELDS:
            raise ValueError(f"not a follow-up field: {name}")
        stored = _stored(value)
        db.execute(f"UPDATE cases SET {name} = ? WHERE id = ?", [stored, case_id])
        db.execute(
            "INSERT INTO case_events (case_id, kind, field, value, at) VALUES (?, 'update', ?, ?, ?)",
            [case_id, name, None if stored is None else str(stored), to_iso(now)],
        )


def log_event(db: Database, case_id: int, kind: str, value: str | None, now: datetime) -> None:
    """Add an entry to the case's evidence log (a check-in answer, a closing...)."""
    db.execute(
        "INSERT INTO case_events (case_id, kind, field, value, at) VALUES (?, ?, NULL, ?, ?)", [case_id, kind, value, to_iso(now)]
    )


def urgent_without_appointment(db: Database, now: datetime, limit: int = 200) -> list[Case]:
    """Open urgent cases whose deadline has passed with no appointment, out-of-network care or visit
    on record, not yet escalated for it (an 'urgent_overdue' event marks those that were)."""
    return [
        _case(r)
        for r in db.query(
            "SELECT * FROM cases c WHERE c.urgency = 'urgent' AND c.status = 'open' AND c.member_id IS NOT NULL"
            " AND c.deadline_at IS NOT NULL AND datetime(c.deadline_at) <= datetime(?)"
            " AND c.new_appt_date IS NULL AND c.oon_offered_on IS NULL AND c.restored_on IS NULL"
            " AND coalesce(c.offered, '') NOT IN ('new_appt', 'out_of_network')"
            " AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'urgent_overdue')"
            " ORDER BY c.id LIMIT ?",
            [to_iso(now), limit],
        )
    ]


def close(db: Database, case_id: int, *, reason: str, restored_on: date | None, now: datetime) -> None:
    """Close an open case (care restored, or withdrawn)."""
    db.execute(
        "UPDATE cases SET status = 'closed', closed_at = ?, close_reason = ?, restored_on = ? WHERE id = ? AND status = 'open'",
        [to_iso(now), reason, _stored(restored_on), case_id],
    )
    log_event(db, case_id, "closed", reason, now)


def open_for_member(db: Database, member_id: str) -> list[Case]:
    """The member's open cases, newest first."""
    return [c for c in for_member(db, member_id) if c.status == "open"]


def set_link(db: Database, case_id: int, link_code: str | None) -> None:
    """The deep link the member came from (for the report's funnel)."""
    db.execute("UPDATE cases SET link_code = ? WHERE id = ?", [link_code, case_id])


def withdraw_for_member(db: Database, member_id: str, now: datetime) -> list[int]:
    """The member erased their data (/delete): their open cases close as withdrawn ('deleted'), so no check-in,
    timer or export treats them as live. Returns the ids closed. Call before erasing the member, in one transaction."""
    ids = [r["id"] for r in db.query("SELECT id FROM cases WHERE member_id = ? AND status = 'open'", [member_id])]
    for case_id in ids:
        close(db, case_id, reason="deleted", restored_on=None, now=now)
    return ids
