"""Retention: old closed cases lose their personal data; recent and open ones, and the anonymous fields, stay."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import click
import pytest
from click.testing import CliRunner

from bot.cli_organizers import register
from knowledge.campaign import load_campaign
from storage import audit
from storage.retention import purge, retention_days
from tests.organizer_fixtures import (
    add_case,
    add_desk_note,
    add_escalation,
    add_event,
    add_member,
    at,
    fresh_db,
)

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)  # 180 days back: May 28, 2026


def build(db) -> dict:
    ids = {}
    # Gone quiet long ago: one case closed in April, with a note, a typed clinic and a desk note.
    ids["old_member"] = add_member(
        db, chat_id=911111, username="old_user", contact_ok=True, created_at=at("2026-01-01"), conversation_at=at("2026-03-01")
    )
    ids["old_case"] = add_case(
        db,
        member_id=ids["old_member"],
        ref="KP-OLD01",
        status="closed",
        filed="2026-02-01",
        closed_at=at("2026-04-01"),
        restored_on="2026-03-30",
        deadline_date="2026-02-13",
        facility_id=None,
        facility_text="Clinica del Dr. Nombre",
        note="Mi terapeuta Ana",
        source="x__JohnSmith",
        link_code="cFONTANA001",
        complaint_sent_on="2026-02-10",
    )
    add_event(db, ids["old_case"], "note", "Mi terapeuta Ana")
    add_event(db, ids["old_case"], "facility_text", "Clinica del Dr. Nombre")
    add_event(db, ids["old_case"], "kind", "individual")
    escalation = add_escalation(
        db,
        member_id=ids["old_member"],
        case_id=ids["old_case"],
        status="resolved",
        created_at=at("2026-02-20"),
        claimed_at=at("2026-02-20", "18:05"),
    )
    ids["old_note"] = add_desk_note(db, escalation, "Called Ana at home, she is OK")
    # Still around: an old closed case (purged) and a recent closed one (kept).
    ids["recent_member"] = add_member(db, created_at=at("2026-01-01"), conversation_at=at("2026-10-01"))
    ids["recent_old_case"] = add_case(
        db,
        member_id=ids["recent_member"],
        ref="KP-OLD02",
        status="closed",
        filed="2026-02-02",
        closed_at=at("2026-03-01"),
        note="old note",
    )
    add_event(db, ids["recent_old_case"], "note", "old note")
    ids["recent_case"] = add_case(
        db,
        member_id=ids["recent_member"],
        ref="KP-NEW01",
        status="closed",
        filed="2026-09-01",
        closed_at=at("2026-10-01"),
        note="recent note",
    )
    add_event(db, ids["recent_case"], "note", "recent note")
    # Open since February: nothing goes.
    ids["open_member"] = add_member(db, created_at=at("2026-01-01"), conversation_at=at("2026-02-01"))
    ids["open_case"] = add_case(db, member_id=ids["open_member"], ref="KP-OPEN1", filed="2026-02-01", note="still waiting")
    # No case, quiet since January: erased. No case, talked last week: kept.
    ids["quiet_member"] = add_member(db, created_at=at("2026-01-05"), conversation_at=at("2026-01-05"))
    ids["new_member"] = add_member(db, created_at=at("2026-01-05"), conversation_at=at("2026-11-20"))
    # Quiet, but a volunteer is still on their escalation: kept.
    ids["escalated_member"] = add_member(db, created_at=at("2026-01-05"), conversation_at=at("2026-01-05"))
    add_escalation(
        db,
        member_id=ids["escalated_member"],
        case_id=None,
        status="claimed",
        created_at=at("2026-01-05"),
        claimed_at=at("2026-01-05", "18:30"),
    )
    return ids


@pytest.fixture
def db():
    return fresh_db()


def dump(db) -> list[str]:
    return list(db.conn.iterdump())


def case(db, case_id) -> dict:
    return dict(next(db.query("SELECT * FROM cases WHERE id = ?", [case_id])))


def members(db) -> set[str]:
    return {r["id"] for r in db.query("SELECT id FROM members")}


def test_dry_run_counts_what_would_go_and_changes_nothing(db):
    build(db)
    before = dump(db)
    report = purge(db, now=NOW, days=180, dry_run=True)
    assert (report.cases_scrubbed, report.events_scrubbed, report.desk_notes_deleted, report.members_erased) == (2, 3, 1, 2)
    assert report.dry_run and report.cutoff == datetime(2026, 5, 28, 18, 0, tzinfo=timezone.utc)
    assert dump(db) == before


def test_purge_removes_personal_data_of_old_closed_cases_and_keeps_their_anonymous_fields(db):
    ids = build(db)
    report = purge(db, now=NOW, days=180, dry_run=False)
    assert (report.cases_scrubbed, report.events_scrubbed, report.desk_notes_deleted, report.members_erased) == (2, 3, 1, 2)
    old = case(db, ids["old_case"])
    assert (old["note"], old["facility_text"], old["member_id"], old["source"]) == (None, None, None, None)
    assert (
        old["ref"],
        old["status"],
        old["kind"],
        old["appt_date"],
        old["deadline_date"],
        old["restored_on"],
        old["filed_at"],
        old["closed_at"],
        old["link_code"],
        old["complaint_sent_on"],
        old["share_ok"],
    ) == (
        "KP-OLD01",
        "closed",
        "individual",
        "2026-10-30",
        "2026-02-13",
        "2026-03-30",
        at("2026-02-01"),
        at("2026-04-01"),
        "cFONTANA001",
        "2026-02-10",
        1,
    )
    events = {
        r["field"]: r["value"] for r in db.query("SELECT field, value FROM case_events WHERE case_id = ?", [ids["old_case"]])
    }
    assert events == {"note": None, "facility_text": None, "kind": "individual"}
    assert db.execute("SELECT count(*) FROM desk_notes").fetchone()[0] == 0
    assert case(db, ids["recent_old_case"])["note"] is None and case(db, ids["recent_old_case"])["member_id"] is None


def test_purge_keeps_recent_and_open_cases_and_active_members(db):
    ids = build(db)
    purge(db, now=NOW, days=180, dry_run=False)
    recent = case(db, ids["recent_case"])
    assert (recent["note"], recent["member_id"]) == ("recent note", ids["recent_member"])
    assert (
        db.execute("SELECT value FROM case_events WHERE case_id = ? AND field = 'note'", [ids["recent_case"]]).fetchone()[0]
        == "recent note"
    )
    still_open = case(db, ids["open_case"])
    assert (still_open["note"], still_open["member_id"]) == ("still waiting", ids["open_member"])
    assert members(db) == {ids["recent_member"], ids["open_member"], ids["new_member"], ids["escalated_member"]}


def test_purge_leaves_no_personal_bytes_of_erased_members(db):
    build(db)
    purge(db, now=NOW, days=180, dry_run=False)
    text = "\n".join(dump(db))
    for secret in ("911111", "old_user", "Mi terapeuta Ana", "Clinica del Dr. Nombre", "JohnSmith", "Called Ana", "old note"):
        assert secret not in text, secret


def test_purge_twice_purges_nothing_the_second_time_and_is_audited(db):
    build(db)
    purge(db, now=NOW, days=180, dry_run=False)
    again = purge(db, now=NOW, days=180, dry_run=False)
    assert (again.cases_scrubbed, again.events_scrubbed, again.desk_notes_deleted, again.members_erased) == (0, 0, 0, 0)
    entries = [e for e in audit.entries(db) if e.action == "retention_purge"]
    assert [e.detail for e in entries] == [
        "days=180 cases=2 events=3 desk_notes=1 members=2",
        "days=180 cases=0 events=0 desk_notes=0 members=0",
    ]
    assert all(e.actor is None for e in entries)


def test_a_longer_retention_keeps_more(db):
    build(db)
    report = purge(db, now=NOW, days=400, dry_run=True)
    assert (report.cases_scrubbed, report.members_erased) == (0, 0)
    with pytest.raises(ValueError):
        purge(db, now=NOW, days=0, dry_run=True)


def test_purge_handles_more_cases_than_sqlite_binds_at_once(db):
    rows = [dict(member_id=None, status="closed", filed="2026-01-02", closed_at=at("2026-01-10"), note="n")] * 1200
    for row in rows:
        add_case(db, **row)
    assert purge(db, now=NOW, days=180, dry_run=False).cases_scrubbed == 1200
    assert db.execute("SELECT count(*) FROM cases WHERE note IS NOT NULL").fetchone()[0] == 0


def test_retention_days_come_from_the_campaign_else_180():
    campaign = load_campaign()
    assert retention_days(campaign) == 180
    assert retention_days(replace(campaign, raw={"retention": {"days": 90}})) == 90
    assert retention_days(replace(campaign, raw={})) == 180


def test_cli_purge_dry_run_prints_counts_only(tmp_path):
    db_path = tmp_path / "carebot.db"
    db = fresh_db(db_path)
    build(db)
    db.close()
    group = click.Group("carebot")
    register(group)
    env = {"CAREBOT_DB": str(db_path), "CAREBOT_CAMPAIGN": "", "CAREBOT_TIMEZONE": ""}
    result = CliRunner().invoke(group, ["purge", "--dry-run", "--days", "180"], env=env)
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing changed." in result.output
    assert "members who would be erased: " in result.output
    for secret in ("Ana", "old_user", "KP-OLD01"):
        assert secret not in result.output
    result = CliRunner().invoke(group, ["purge"], env=env)
    assert result.exit_code == 0 and "were erased" in result.output


def test_a_purged_case_no_longer_leads_back_to_a_member_who_is_still_here(db):
    from tests.organizer_fixtures import add_followup

    member = add_member(db, chat_id=900000001, username="ann", contact_ok=True)
    old = add_case(db, member_id=member, status="closed", closed_at=at("2026-01-02"), note="private", filed="2026-01-01")
    add_case(db, member_id=member, status="open", filed="2026-11-02")  # keeps the member
    add_escalation(
        db, member_id=member, case_id=old, status="resolved", created_at=at("2026-01-01"), claimed_at=at("2026-01-01", "19:00")
    )
    checkin = add_followup(db, old, "answered", due="2026-01-01")
    db["outbox"].insert(
        {
            "chat_id": 900000001,
            "member_id": member,
            "kind": "followup",
            "action": "send",
            "payload": "{}",
            "status": "sent",
            "created_at": at("2026-01-01"),
            "ref_kind": "followup",
            "ref_id": checkin,
        }
    )
    purge(db, now=NOW, days=180, dry_run=False)
    assert list(db.query("SELECT member_id FROM escalations WHERE case_id = ?", [old])) == [{"member_id": None}]
    assert (
        list(
            db.query(
                "SELECT o.id FROM outbox o JOIN followups f ON f.id = o.ref_id WHERE o.ref_kind = 'followup' AND f.case_id = ?",
                [old],
            )
        )
        == []
    )
    assert member in members(db)
    assert purge(db, now=NOW, days=180, dry_run=True).cases_scrubbed == 0
