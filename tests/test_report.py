"""The daily monitoring report: every number on a small known fixture, the public small-count guard, the charts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import click
import pytest
from click.testing import CliRunner
from PIL import Image

from bot.charts import chart_data, render_charts
from bot.cli_organizers import register
from knowledge.campaign import Facility, load_campaign
from bot.message_split import split_message
from dialogs.monitor_report import render_report_text
from dialogs.textlimits import utf16_len
from storage.clinic_report import (
    FacilityLine,
    FunnelLine,
    build_report,
    report_schedule,
)
from tests.organizer_fixtures import (
    add_case,
    add_escalation,
    add_link,
    add_member,
    add_starts,
    at,
    fresh_db,
)

DAY = date(2026, 11, 24)


@pytest.fixture
def campaign():
    return load_campaign()


def build_fixture(db) -> None:
    m = add_member(db)
    # Fontana: f1 and f7 today (f7 not shared), f2 and f3 past their deadline date, f2 without an appointment
    # (missed) and f3 with a new appointment in time (met, so not counted as past the deadline),
    # f4 and f5 restored (19 and 12 days), f6 filed after the report day.
    add_case(db, member_id=m, filed="2026-11-24", deadline_date="2026-12-08", link_code="cFONTANA001")
    add_case(
        db, member_id=m, filed="2026-11-02", deadline_date="2026-11-16", link_code="cFONTANA001", complaint_sent_on="2026-11-18"
    )
    add_case(db, member_id=m, filed="2026-11-03", deadline_date="2026-11-17", new_appt_date="2026-11-12")
    add_case(
        db,
        member_id=m,
        filed="2026-11-01",
        status="closed",
        closed_at=at("2026-11-20"),
        restored_on="2026-11-20",
        deadline_date="2026-11-14",
        offered="new_appt",
        offered_date="2026-11-10",
        link_code="cFONTANA001",
        complaint_sent_on="2026-11-12",
    )
    add_case(
        db,
        member_id=m,
        filed="2026-11-10",
        status="closed",
        closed_at=at("2026-11-22"),
        restored_on="2026-11-22",
        deadline_date="2026-11-24",
        offered="out_of_network",
        offered_date="2026-11-15",
        complaint_sent_on="2026-11-21",
    )
    add_case(db, member_id=m, filed="2026-11-25", deadline_date="2026-12-09", link_code="cFONTANA001")
    add_case(db, member_id=m, filed="2026-11-24", deadline_date="2026-12-08", share_ok=False)
    add_case(db, member_id=m, status="draft", filed=None)
    # Downey: four open past the deadline (d5 closed only after the report day), one withdrawn.
    add_case(
        db,
        member_id=m,
        facility_id="downey",
        filed="2026-11-05",
        deadline_date="2026-11-19",
        oon_offered_on="2026-11-15",
        link_code="cDOWNEY0002",
        complaint_sent_on="2026-11-20",
    )
    add_case(db, member_id=m, facility_id="downey", filed="2026-11-06", deadline_date="2026-11-20")
    add_case(db, member_id=m, facility_id="downey", filed="2026-11-07", deadline_date="2026-11-21")
    add_case(
        db,
        member_id=m,
        facility_id="downey",
        filed="2026-11-06",
        status="closed",
        closed_at=at("2026-11-23"),
        deadline_date="2026-11-20",
    )
    add_case(
        db,
        member_id=m,
        facility_id="downey",
        filed="2026-11-08",
        status="closed",
        closed_at=at("2026-11-26"),
        restored_on="2026-11-26",
        deadline_date="2026-11-22",
    )
    # South Bay: one open, in time. A clinic not on the list: one open, reported today. Irvine: nothing.
    add_case(db, member_id=m, facility_id="south-bay", filed="2026-11-20", deadline_date="2026-12-04")
    add_case(db, member_id=m, facility_id=None, facility_text="Clinica X", filed="2026-11-24", deadline_date="2026-12-08")
    # Escalations: two open now (one claimed 10 minutes after it came), one claimed in 30 minutes this week,
    # one claimed in 2 hours long ago, one withdrawn unclaimed.
    add_escalation(db, member_id=m, case_id=None, status="open", created_at=at("2026-11-24", "17:00"))
    add_escalation(
        db,
        member_id=m,
        case_id=None,
        status="claimed",
        created_at=at("2026-11-23", "18:00"),
        claimed_at=at("2026-11-23", "18:10"),
    )
    add_escalation(
        db,
        member_id=m,
        case_id=None,
        status="resolved",
        created_at=at("2026-11-20", "18:00"),
        claimed_at=at("2026-11-20", "18:30"),
    )
    add_escalation(
        db,
        member_id=m,
        case_id=None,
        status="resolved",
        created_at=at("2026-11-01", "18:00"),
        claimed_at=at("2026-11-01", "20:00"),
    )
    add_escalation(db, member_id=m, case_id=None, status="withdrawn", created_at=at("2026-11-21"))
    for _ in range(3):
        add_member(db, unreachable_at=at("2026-11-20"))
    for _ in range(3):
        add_member(db)
    add_link(db, "cFONTANA001", "fontana", "lobby")
    add_link(db, "cDOWNEY0002", "downey")
    add_link(db, "cUNUSED0003", "irvine", "never-posted")
    add_starts(db, "cFONTANA001", ["2026-11-01"] * 4 + ["2026-11-10"] * 6 + ["2026-11-25"])
    add_starts(db, "cDOWNEY0002", ["2026-11-05", "2026-11-06", "2026-11-24"])


@pytest.fixture
def db():
    db = fresh_db()
    build_fixture(db)
    return db


def by_id(report):
    return {f.facility_id: f for f in report.facilities}


def test_report_counts_cancellations_today_and_in_total(db, campaign):
    report = build_report(db, campaign, day=DAY)
    assert (report.reported_today, report.reported_total) == (3, 13)


def test_report_counts_every_number_per_clinic(db, campaign):
    report = build_report(db, campaign, day=DAY)
    assert [f.facility_id for f in report.facilities] == ["downey", "fontana", None, "south-bay"]
    f = by_id(report)
    assert f["fontana"] == FacilityLine(
        facility_id="fontana",
        name="Fontana",
        reported_today=2,
        reported_total=6,
        open=4,
        open_past_deadline=1,
        rescheduled_within_deadline=3,
        offered_out_of_network=1,
        restored=2,
        median_days_to_restored=15.5,
    )
    assert f["downey"] == FacilityLine(
        facility_id="downey",
        name="Downey",
        reported_today=0,
        reported_total=5,
        open=4,
        open_past_deadline=4,
        rescheduled_within_deadline=0,
        offered_out_of_network=1,
        restored=0,
        median_days_to_restored=None,
    )
    assert f["south-bay"] == FacilityLine(facility_id="south-bay", name="South Bay", reported_total=1, open=1)
    assert (f[None].reported_today, f[None].reported_total, f[None].open) == (1, 1, 1)
    assert "irvine" not in f
    t = report.totals
    assert (
        t.open,
        t.open_past_deadline,
        t.rescheduled_within_deadline,
        t.offered_out_of_network,
        t.restored,
        t.median_days_to_restored,
    ) == (10, 5, 3, 2, 2, 15.5)


def test_report_counts_the_desk_and_unreachable_members(db, campaign):
    report = build_report(db, campaign, day=DAY)
    assert report.escalations_open == 2
    assert report.escalations_claimed == 2
    assert report.median_minutes_to_claim == 20.0
    assert report.claim_period == (date(2026, 11, 18), DAY)
    assert report.members_unreachable == 3


def test_report_funnel_follows_each_link_from_start_to_care_restored(db, campaign):
    report = build_report(db, campaign, day=DAY)
    assert report.funnel == (
        FunnelLine(code="cFONTANA001", label="Fontana · lobby", started=10, reported=3, complaint_sent=2, restored=1),
        FunnelLine(code="cDOWNEY0002", label="Downey", started=3, reported=1, complaint_sent=1, restored=0),
        FunnelLine(code=None, label="", started=None, reported=9, complaint_sent=1, restored=1),
    )


def test_report_can_count_only_shared_cases(db, campaign):
    report = build_report(db, campaign, day=DAY, shared_only=True)
    assert (report.reported_today, report.reported_total) == (2, 12)
    assert "only reports\nmembers agreed to share" in render_report_text(report)


def test_report_for_an_earlier_day_counts_what_was_known_by_then(db, campaign):
    report = build_report(db, campaign, day=date(2026, 11, 21))
    f = by_id(report)
    assert report.reported_total == 10
    assert (f["fontana"].open, f["fontana"].restored, f["fontana"].open_past_deadline) == (3, 1, 1)
    # All five Downey cases were open on Nov 21 (two closed later); the deadlines of Nov 19 and 20 had passed.
    assert (f["downey"].open, f["downey"].open_past_deadline) == (5, 3)


def test_report_text_is_short_lines_sorted_by_past_deadline_and_says_what_it_counts(db, campaign):
    text = render_report_text(build_report(db, campaign, day=DAY))
    assert "Cancellations reported: 3 today, 13 in total" in text
    assert "Open: 10 · past the deadline: 5" in text
    assert "Care restored: 2 · median 15.5 days" in text
    assert "  open 4 · past deadline 4\n  new today 0 · total 5 · out-of-network 1\n" in text
    assert "  rescheduled in time 3 · restored 2 (median 15.5 days)" in text
    assert "  rescheduled in time 0 · restored 0 (median –)" in text
    assert "Escalations open: 2" in text
    assert "Median time to claim: 20 min\n  (2 claimed Nov 18–Nov 24)" in text
    assert "Members unreachable (blocked the bot): 3" in text
    assert text.index("\nDowney\n") < text.index("\nFontana\n") < text.index("\nSouth Bay\n")
    assert "Irvine" not in text
    assert "Fontana · lobby: 10 → 3 → 2 → 1" in text
    assert "No link: – → 9 → 1 → 1" in text
    assert "every filed report,\nshared with organizers or not" in text
    assert max(len(line) for line in text.splitlines()) <= 60


def test_report_text_in_spanish(db, campaign):
    text = render_report_text(build_report(db, campaign, day=DAY), lang="es")
    assert "Cancelaciones reportadas: 3 hoy, 13 en total" in text
    assert "martes, 24 de noviembre de 2026" in text


def test_report_text_escapes_html(campaign):
    odd = replace(campaign, facilities=campaign.facilities + (Facility("odd", "A&B <Clinic>"),))
    db = fresh_db()
    add_case(db, member_id=None, facility_id="odd", filed="2026-11-24")
    text = render_report_text(build_report(db, odd, day=DAY))
    assert "A&amp;B &lt;Clinic&gt;" in text and "<Clinic>" not in text


def test_public_report_shows_small_counts_as_under_five_but_keeps_the_numbers(db, campaign):
    report = build_report(db, campaign, day=DAY, public=True, small_count=5)
    assert report.reported_today == 3 and by_id(report)["downey"].open == 4
    assert [report.shown(n) for n in (0, 1, 4, 5, 13)] == ["0", "<5", "<5", "5", "13"]
    text = render_report_text(report, for_html=False)
    assert "Cancellations reported: <5 today, 13 in total" in text
    assert "Cancellations reported: &lt;5 today" in render_report_text(report)  # for Telegram's HTML
    assert "Open: 10 · past the deadline: 5" in text
    assert "  open <5 · past deadline <5" in text
    assert "  new today 0 · total 5 · out-of-network <5" in text
    assert "Care restored: <5 · median –\n" in text  # a median over two cases is not published
    assert "Fontana · lobby: 10 → <5 → <5 → <5" in text
    assert "Public version: counts from 1 to 4 show as <5." in text
    counts = text.split("Public version")[0].replace("Nov 18", "").replace("Nov 24", "").replace("2026", "")
    assert not any(f" {n} " in counts or f" {n}\n" in counts for n in (1, 2, 3, 4))
    private = render_report_text(build_report(db, campaign, day=DAY))
    assert "<5" not in private


def test_a_long_report_is_split_between_clinics_into_telegram_sized_messages(campaign):
    db = fresh_db()
    for f in campaign.facilities:
        for day in ("2026-11-02", "2026-11-20", "2026-11-24"):
            add_case(db, member_id=None, facility_id=f.id, filed=day, deadline_date="2026-11-16")
    text = render_report_text(build_report(db, campaign, day=DAY))
    pieces = split_message(text, limit=600)
    assert len(pieces) > 1
    assert all(len(p) <= 600 for p in pieces)
    assert "\n\n".join(pieces) == text.rstrip("\n")
    assert all(not p.startswith("  ") for p in pieces)  # a clinic's lines stay with its name
    assert split_message("short") == ["short"]


def test_report_pieces_fit_telegram_counting_emoji_as_two_units():
    # Telegram counts UTF-16 code units: 3,000 emoji are 6,000 units, too many for one message.
    block = "\n".join(["🏥 Clinic " + "😀" * 40] * 75)  # one block, 75 lines of 90 units
    pieces = split_message(block)
    assert len(pieces) == 2
    assert all(utf16_len(p) <= 4096 for p in pieces)
    assert "\n".join(pieces) == block
    assert split_message("😀" * 5000) == ["😀" * 2048]  # a single line too long is cut, never mid-character


def test_report_of_an_empty_database_says_there_is_nothing_yet(campaign):
    report = build_report(fresh_db(), campaign, day=DAY)
    assert (report.reported_total, report.facilities, report.funnel) == (0, (), ())
    text = render_report_text(report)
    assert "No reports yet." in text and "No escalation claimed" in text


def test_charts_are_drawn_from_the_report_numbers(db, campaign):
    report = build_report(db, campaign, day=DAY)
    data = chart_data(db, report)
    assert len(data.daily) == 30 and data.daily[0][0] == DAY - timedelta(days=29) and data.daily[-1] == (DAY, 3)
    counts = {d: n for d, n in data.daily if n}
    assert counts == {
        date(2026, 11, 1): 1,
        date(2026, 11, 2): 1,
        date(2026, 11, 3): 1,
        date(2026, 11, 5): 1,
        date(2026, 11, 6): 2,
        date(2026, 11, 7): 1,
        date(2026, 11, 8): 1,
        date(2026, 11, 10): 1,
        date(2026, 11, 20): 1,
        DAY: 3,
    }
    assert sum(n for _, n in data.daily) == report.reported_total
    assert data.past_deadline == (("Downey", 4), ("Fontana", 1))
    assert data.days_to_restored == (12, 19)
    assert sum(n for _, _, n in data.histogram) == 2
    assert [(lo, n) for lo, _, n in data.histogram if n] == [(12, 1), (19, 1)]


def test_charts_are_png_files_readable_on_a_phone(db, campaign, tmp_path):
    paths = render_charts(db, build_report(db, campaign, day=DAY), tmp_path)
    assert [p.name for p in paths] == ["cancellations_per_day.png", "past_deadline_by_clinic.png", "days_to_care_restored.png"]
    for path in paths:
        assert path.stat().st_size > 5_000, path
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (1000, 700)


def test_charts_of_an_empty_or_public_report_are_still_drawn(db, campaign, tmp_path):
    for report in (build_report(fresh_db(), campaign, day=DAY), build_report(db, campaign, day=DAY, public=True)):
        for path in render_charts(db, report, tmp_path / str(report.public)):
            assert path.stat().st_size > 5_000


def test_the_daily_time_and_small_count_come_from_the_campaign(campaign):
    assert report_schedule(campaign).daily_at == time(18, 0)
    assert report_schedule(campaign).small_count == 5
    assert report_schedule(replace(campaign, raw={})).daily_at == time(18, 0)
    assert report_schedule(replace(campaign, raw={"reports": {"daily_at": "07:30", "small_count": 10}})).small_count == 10


def test_cli_report_writes_text_and_charts_and_prints_the_text(tmp_path):
    db_path = tmp_path / "carebot.db"
    db = fresh_db(db_path)
    build_fixture(db)
    db.close()
    group = click.Group("carebot")
    register(group)
    out = tmp_path / "report"
    env = {"CAREBOT_DB": str(db_path), "CAREBOT_CAMPAIGN": "", "CAREBOT_TIMEZONE": ""}
    result = CliRunner().invoke(group, ["report", "--date", "2026-11-24", "--out", str(out), "--public"], env=env)
    assert result.exit_code == 0, result.output
    assert "Cancellations reported: <5 today, 13 in total" in result.output
    assert (out / "report.txt").read_text(encoding="utf-8").startswith("Kaiser strike monitor")
    assert {p.name for p in out.glob("*.png")} == {
        "cancellations_per_day.png",
        "past_deadline_by_clinic.png",
        "days_to_care_restored.png",
    }
