"""Retention: closed cases lose their personal data after a number of days; members with nothing recent are erased.

Rules (`purge`, cutoff = now - days):
1. A case closed before the cutoff keeps its anonymous fields (facility, kind,
   dates, deadline, offer, urgency, outcome, link code: what reports count) and
   loses: its note, the clinic name the member typed, the deep-link source text
   (an arbitrary start payload could carry anything), its link to the member
   (member_id NULL), the free-text values of its evidence log (fields note and
   facility_text), and the volunteers' desk notes on its escalations once
   those are no longer open or claimed.
2. A member is erased (storage.members.erase: their row, conversation, drafts,
   queued messages; their escalations withdrawn) when all of these hold: no
   open case; no case closed on or after the cutoff; no draft started on or
   after the cutoff; no escalation still open or claimed; their conversation
   was last touched before the cutoff (or they have none and joined before it).
   The volunteers' desk notes on their escalations go with them.
A dry run counts what would go and changes nothing. Running twice purges
nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlite_utils import Database

from storage import audit
from storage import members as members_repo

DEFAULT_DAYS = 180


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime
    days: int
    dry_run: bool
    cases_scrubbed: int  # closed cases that lost personal data
    events_scrubbed: int  # evidence-log entries whose free text was removed
    desk_notes_deleted: int
    members_erased: int


def retention_days(campaign) -> int:
    """The retention period in days: the campaign's [retention] days, else 180."""
    raw = getattr(campaign, "raw", None) or {}
    return int(raw.get("retention", {}).get("days", DEFAULT_DAYS))


def _utc(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


_CHUNK = 500  # ids per statement: well under SQLite's limit on bound variables


def _chunks(ids: list) -> list[list]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _marks(ids) -> str:
    return ",".join("?" * len(ids))


def _old_closed_cases(db: Database, cutoff: datetime) -> list[int]:
    """Closed before the cutoff and still holding something personal."""
    rows = db.execute(
        "SELECT c.id, c.closed_at FROM cases c WHERE c.status = 'closed' AND c.closed_at IS NOT NULL AND ("
        " c.member_id IS NOT NULL OR c.note IS NOT NULL OR c.facility_text IS NOT NULL OR c.source IS NOT NULL"
        " OR EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.field IN ('note', 'facility_text')"
        "            AND e.value IS NOT NULL)"
        " OR EXISTS (SELECT 1 FROM escalations s WHERE s.case_id = c.id AND s.member_id IS NOT NULL"
        "            AND s.status NOT IN ('open', 'claimed'))"
        " OR EXISTS (SELECT 1 FROM followups f JOIN outbox o ON o.ref_kind = 'followup' AND o.ref_id = f.id"
        "            WHERE f.case_id = c.id)"
        " OR EXISTS (SELECT 1 FROM escalations s JOIN desk_notes n ON n.escalation_id = s.id"
        "            WHERE s.case_id = c.id AND s.status NOT IN ('open', 'claimed')))"
    )
    return [case_id for case_id, closed_at in rows if _utc(closed_at) < cutoff]


def _members_to_erase(db: Database, cutoff: datetime) -> list[str]:
    candidates = db.execute(
        "SELECT m.id, m.created_at, v.updated_at FROM members m LEFT JOIN conversations v ON v.member_id = m.id"
        " WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.member_id = m.id AND c.status NOT IN ('closed', 'draft'))"
        " AND NOT EXISTS (SELECT 1 FROM escalations s WHERE s.member_id = m.id AND s.status IN ('open', 'claimed'))",
    ).fetchall()
    recent = set()
    for member_id, status, closed_at, created_at in db.execute(
        "SELECT member_id, status, closed_at, created_at FROM cases WHERE member_id IS NOT NULL AND status IN ('closed', 'draft')"
    ):
        when = closed_at if status == "closed" else created_at
        if when is None or _utc(when) >= cutoff:
            recent.add(member_id)
    return [
        member_id
        for member_id, created_at, conversation_at in candidates
        if member_id not in recent and _utc(conversation_at or created_at) < cutoff
    ]


def _count(db: Database, sql: str, ids: list) -> int:
    return sum(db.execute(sql.format(marks=_marks(chunk)), chunk).fetchone()[0] for chunk in _chunks(ids))


def _ids(db: Database, sql: str, ids: list) -> set:
    return {row[0] for chunk in _chunks(ids) for row in db.execute(sql.format(marks=_marks(chunk)), chunk)}


def _run(db: Database, sql: str, ids: list) -> None:
    for chunk in _chunks(ids):
        db.execute(sql.format(marks=_marks(chunk)), chunk)


_EVENTS = "FROM case_events WHERE case_id IN ({marks}) AND field IN ('note', 'facility_text') AND value IS NOT NULL"
_CASE_NOTES = (
    "FROM desk_notes WHERE escalation_id IN (SELECT id FROM escalations WHERE case_id IN ({marks})"
    " AND status NOT IN ('open', 'claimed'))"
)
_MEMBER_NOTES = "FROM desk_notes WHERE escalation_id IN (SELECT id FROM escalations WHERE member_id IN ({marks}))"


def purge(db: Database, *, now: datetime, days: int = DEFAULT_DAYS, dry_run: bool) -> PurgeReport:
    """Apply the retention rules (module docstring) for data older than `days`; with dry_run, only count."""
    if days < 1:
        raise ValueError("retention days must be at least 1")
    cutoff = now - timedelta(days=days)
    with db.atomic():
        erase = _members_to_erase(db, cutoff)
        case_ids = _old_closed_cases(db, cutoff)
        events = _count(db, "SELECT count(*) " + _EVENTS, case_ids)
        # A note can hang on both an erased member's escalation and a purged case's: count it once.
        notes = len(_ids(db, "SELECT id " + _CASE_NOTES, case_ids) | _ids(db, "SELECT id " + _MEMBER_NOTES, erase))
        report = PurgeReport(
            cutoff=cutoff,
            days=days,
            dry_run=dry_run,
            cases_scrubbed=len(case_ids),
            events_scrubbed=events,
            desk_notes_deleted=notes,
            members_erased=len(erase),
        )
        if dry_run:
            return report
        _run(db, "DELETE " + _CASE_NOTES, case_ids)
        _run(db, "DELETE " + _MEMBER_NOTES, erase)
        _run(
            db,
            "UPDATE case_events SET value = NULL WHERE case_id IN ({marks})"
            " AND field IN ('note', 'facility_text') AND value IS NOT NULL",
            case_ids,
        )
        _run(
            db,
            "UPDATE cases SET note = NULL, facility_text = NULL, source = NULL, member_id = NULL WHERE id IN ({marks})",
            case_ids,
        )
        # Nothing else may lead from a purged case back to the member: its escalations and the check-in
        # messages sent for it (they hold the member's chat id) lose the link too.
        _run(
            db,
            "UPDATE outbox SET member_id = NULL WHERE ref_kind LIKE 'esc_%' AND ref_id IN"
            " (SELECT id FROM escalations WHERE case_id IN ({marks}) AND status NOT IN ('open', 'claimed'))",
            case_ids,
        )
        _run(
            db,
            "UPDATE escalations SET member_id = NULL WHERE case_id IN ({marks}) AND status NOT IN ('open', 'claimed')",
            case_ids,
        )
        _run(
            db,
            "DELETE FROM outbox WHERE ref_kind = 'followup' AND ref_id IN (SELECT id FROM followups WHERE case_id IN ({marks}))",
            case_ids,
        )
        for member_id in erase:
            members_repo.erase(db, member_id)
        audit.record(
            db,
            actor=None,
            action="retention_purge",
            now=now,
            detail=f"days={days} cases={len(case_ids)} events={events} desk_notes={notes} members={len(erase)}",
        )
    return report
