"""Building blocks for the organizers' tests: rows inserted straight into a migrated database."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timezone

from storage.db import open_db

UTC = timezone.utc
_ids = itertools.count(1)


def fresh_db(path=":memory:"):
    """A migrated, empty carebot database."""
    return open_db(path)


def at(day: str, hh_mm: str = "18:00") -> str:
    """An ISO UTC timestamp; 18:00 UTC is 10:00 or 11:00 in Los Angeles, the same calendar day."""
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(hh_mm), tzinfo=UTC).isoformat()


def add_member(
    db,
    *,
    member_id: str | None = None,
    chat_id: int | None = None,
    lang: str = "en",
    username: str | None = None,
    contact_ok: bool = False,
    unreachable_at: str | None = None,
    created_at: str = "2026-10-01T18:00:00+00:00",
    conversation_at: str | None = None,
) -> str:
    n = next(_ids)
    member_id = member_id or f"m_test{n:06d}"
    db["members"].insert(
        {
            "id": member_id,
            "chat_id": chat_id if chat_id is not None else 900000000 + n,
            "lang": lang,
            "status": "active",
            "consented_at": created_at,
            "created_at": created_at,
            "username": username,
            "contact_ok": int(contact_ok),
            "unreachable_at": unreachable_at,
        }
    )
    if conversation_at:
        db["conversations"].insert({"member_id": member_id, "state": "{}", "updated_at": conversation_at})
    return member_id


def add_case(
    db,
    *,
    member_id: str | None,
    ref: str | None = None,
    status: str = "open",
    filed: str | None = "2026-11-02",
    filed_at: str | None = None,
    facility_id: str | None = "fontana",
    facility_text: str | None = None,
    note: str | None = None,
    share_ok: bool = True,
    kind: str = "individual",
    appt_date: str = "2026-10-30",
    notified: str = "call",
    offered: str = "nothing",
    offered_date: str | None = None,
    urgency: str = "soon",
    deadline_date: str | None = None,
    deadline_standard: str | None = "followup_10bd",
    new_appt_date: str | None = None,
    oon_offered_on: str | None = None,
    restored_on: str | None = None,
    closed_at: str | None = None,
    complaint_sent_on: str | None = None,
    link_code: str | None = None,
    lang: str = "en",
    source: str | None = None,
    created_at: str | None = None,
) -> int:
    """Insert a case; `filed` is the local filing day (filed at 18:00 UTC) unless filed_at is given."""
    n = next(_ids)
    filed_at = filed_at or (at(filed) if filed and status != "draft" else None)
    row = {
        "ref": ref or (f"KP-T{n:04d}" if status != "draft" else None),
        "member_id": member_id,
        "campaign_id": "kp-socal",
        "status": status,
        "lang": lang,
        "kind": kind,
        "appt_date": appt_date,
        "facility_id": facility_id,
        "facility_text": facility_text,
        "notified": notified,
        "offered": offered,
        "offered_date": offered_date,
        "urgency": urgency,
        "note": note,
        "share_ok": int(share_ok),
        "source": source,
        "created_at": created_at or filed_at or at("2026-11-01"),
        "filed_at": filed_at,
        "closed_at": closed_at,
        "deadline_standard": deadline_standard,
        "deadline_date": deadline_date,
        "new_appt_date": new_appt_date,
        "oon_offered_on": oon_offered_on,
        "restored_on": restored_on,
        "complaint_sent_on": complaint_sent_on,
        "link_code": link_code,
    }
    return db["cases"].insert(row).last_pk


def add_event(db, case_id: int, field: str | None, value: str | None, kind: str = "answer", when: str | None = None) -> int:
    return (
        db["case_events"]
        .insert({"case_id": case_id, "kind": kind, "field": field, "value": value, "at": when or at("2026-11-02")})
        .last_pk
    )


def add_followup(db, case_id: int, status: str, due: str = "2026-11-05") -> int:
    return (
        db["followups"]
        .insert({"case_id": case_id, "kind": "checkin", "due_at": at(due), "status": status, "created_at": at("2026-11-02")})
        .last_pk
    )


def add_escalation(
    db,
    *,
    member_id: str | None,
    case_id: int | None,
    status: str = "open",
    created_at: str = "2026-11-10T18:00:00+00:00",
    claimed_at: str | None = None,
    reason: str = "volunteer",
) -> int:
    return (
        db["escalations"]
        .insert(
            {
                "member_id": member_id,
                "case_id": case_id,
                "priority": 3,
                "reason": reason,
                "status": status,
                "created_at": created_at,
                "updated_at": claimed_at or created_at,
                "claimed_at": claimed_at,
                "claimed_by": 7001 if claimed_at else None,
            }
        )
        .last_pk
    )


def add_desk_note(db, escalation_id: int, text: str, when: str = "2026-11-10T19:00:00+00:00") -> int:
    return db["desk_notes"].insert({"escalation_id": escalation_id, "author": 7001, "text": text, "at": when}).last_pk


def add_link(db, code: str, facility_id: str | None, source: str | None = None) -> None:
    db["links"].insert({"code": code, "facility_id": facility_id, "source": source, "created_at": at("2026-10-25")})


def add_starts(db, code: str, days: list[str]) -> None:
    db["link_starts"].insert_all([{"link_code": code, "at": at(d)} for d in days])
