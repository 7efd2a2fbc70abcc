"""Organizers' exports: what goes in, what never does, and that spreadsheets read it safely."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import click
import openpyxl
import pytest
from click.testing import CliRunner

from bot.cli_organizers import register
from knowledge.campaign import Facility, load_campaign
from storage import audit, roles
from storage.export import COLUMNS, ExportError, LocalDates, can_include_contact, export_cases
from tests.organizer_fixtures import (
    add_case,
    add_escalation,
    add_event,
    add_followup,
    add_member,
    at,
    fresh_db,
)

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)
BOM = b"\xef\xbb\xbf"
SECRETS = [
    "905551111",
    "905552222",
    "ana_contacto",
    "bob_private",
    "Dr. Secreto",
    "my therapist quit",
    "Clinica inventada",
    "HYPERLINK",
    "555 0100",
]


@pytest.fixture
def campaign():
    return load_campaign()


@pytest.fixture
def db():
    """Members and cases with everything an export must leave out."""
    db = fresh_db()
    ana = add_member(db, member_id="m_ana", chat_id=905551111, lang="es", username="ana_contacto", contact_ok=True)
    bob = add_member(db, member_id="m_bob", chat_id=905552222, username="bob_private", contact_ok=False)
    c1 = add_case(
        db,
        member_id=ana,
        ref="KP-AAAA1",
        filed="2026-11-02",
        lang="es",
        urgency="soon",
        deadline_date="2026-11-16",
        offered="new_appt",
        offered_date="2026-11-10",
        note="Dr. Secreto canceló",
        notified="text",
        appt_date="2026-11-01",
    )
    add_followup(db, c1, "sent")
    add_followup(db, c1, "answered")
    add_followup(db, c1, "pending")
    add_followup(db, c1, "canceled")
    add_escalation(db, member_id=ana, case_id=c1)
    add_event(db, c1, "note", "Dr. Secreto canceló")
    add_case(
        db,
        member_id=bob,
        ref="KP-AAAA2",
        filed="2026-11-03",
        facility_id=None,
        facility_text='=HYPERLINK("http://evil.example","Clinica inventada")',
        note="+1 555 0100 call me",
        deadline_date="2026-11-10",
        kind="psychiatry",
        deadline_standard="psychiatrist_15bd",
    )
    add_case(
        db,
        member_id=ana,
        ref="KP-AAAA3",
        status="closed",
        filed="2026-11-05",
        restored_on="2026-11-20",
        closed_at=at("2026-11-20"),
        new_appt_date="2026-11-18",
        deadline_date="2026-11-19",
        oon_offered_on="2026-11-12",
        complaint_sent_on="2026-11-08",
        facility_id="downey",
        note="my therapist quit",
    )
    add_case(db, member_id=bob, ref="KP-SECRET", filed="2026-11-04", share_ok=False, note="do not share")
    add_case(db, member_id=bob, status="draft", filed=None, note="a draft")
    add_case(
        db,
        member_id=bob,
        ref="KP-AAAA6",
        filed="2026-11-20",
        deadline_date="2026-12-04",
        offered="out_of_network",
        offered_date="2026-12-01",
        facility_id="south-bay",
        urgency="urgent",
    )
    return db


def csv_rows(result) -> list[dict]:
    return list(csv.DictReader(io.StringIO(result.content.decode("utf-8-sig"))))


def xlsx_bytes(result) -> bytes:
    with zipfile.ZipFile(io.BytesIO(result.content)) as z:
        return b"".join(z.read(name) for name in z.namelist())


def test_csv_has_one_row_per_shared_filed_case_with_the_database_values(db, campaign):
    result = export_cases(db, campaign, fmt="csv", today=TODAY)
    rows = {r["reference"]: r for r in csv_rows(result)}
    assert set(rows) == {"KP-AAAA1", "KP-AAAA2", "KP-AAAA3", "KP-AAAA6"}
    assert result.rows == 4
    assert rows["KP-AAAA1"] == {
        "reference": "KP-AAAA1",
        "facility": "Fontana",
        "facility_id": "fontana",
        "appointment_kind": "individual",
        "appointment_date": "2026-11-01",
        "date_reported": "2026-11-02",
        "how_notified": "text",
        "offered": "new_appt",
        "offered_date": "2026-11-10",
        "out_of_network_offered": "false",
        "urgency": "soon",
        "legal_deadline": "2026-11-16",
        "deadline_standard": "followup_10bd",
        "days_waited": "22",
        "deadline_outcome": "met",
        "status": "open",
        "care_restored_on": "",
        "checkins": "2",
        "escalated": "true",
        "complaint_sent_on": "",
        "language": "es",
    }
    closed = rows["KP-AAAA3"]
    assert (closed["facility"], closed["days_waited"], closed["deadline_outcome"], closed["care_restored_on"]) == (
        "Downey",
        "15",
        "met",
        "2026-11-20",
    )
    assert (closed["out_of_network_offered"], closed["complaint_sent_on"], closed["status"]) == ("true", "2026-11-08", "closed")
    unlisted = rows["KP-AAAA2"]
    assert (unlisted["facility"], unlisted["facility_id"], unlisted["deadline_outcome"], unlisted["checkins"]) == (
        "",
        "",
        "missed",
        "0",
    )
    assert rows["KP-AAAA6"]["deadline_outcome"] == "pending"
    assert rows["KP-AAAA6"]["out_of_network_offered"] == "true"
    assert list(rows["KP-AAAA1"]) == [c.name for c in COLUMNS]


def test_json_is_a_list_of_objects_with_iso_dates_booleans_and_numbers(db, campaign):
    result = export_cases(db, campaign, fmt="json", today=TODAY)
    records = {r["reference"]: r for r in json.loads(result.content)}
    assert set(records) == {"KP-AAAA1", "KP-AAAA2", "KP-AAAA3", "KP-AAAA6"}
    one = records["KP-AAAA1"]
    assert one["date_reported"] == "2026-11-02" and one["legal_deadline"] == "2026-11-16"
    assert one["escalated"] is True and one["out_of_network_offered"] is False
    assert one["days_waited"] == 22 and one["checkins"] == 2
    assert one["care_restored_on"] is None
    assert records["KP-AAAA3"]["days_waited"] == 15
    assert records["KP-AAAA2"]["facility"] is None


def test_xlsx_opens_with_a_frozen_header_and_the_database_values(db, campaign):
    result = export_cases(db, campaign, fmt="xlsx", today=TODAY)
    ws = openpyxl.load_workbook(io.BytesIO(result.content)).active
    header = [c.value for c in ws[1]]
    assert header == [c.name for c in COLUMNS]
    assert ws.freeze_panes == "A2"
    assert ws[1][0].font.bold
    assert ws.column_dimensions["B"].width >= 20
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"KP-AAAA1", "KP-AAAA2", "KP-AAAA3", "KP-AAAA6"}
    one = rows["KP-AAAA1"]
    assert one["date_reported"].date() == date(2026, 11, 2)
    assert one["legal_deadline"].date() == date(2026, 11, 16)
    assert one["escalated"] is True and one["out_of_network_offered"] is False
    assert one["days_waited"] == 22 and one["checkins"] == 2 and one["facility"] == "Fontana"
    assert ws.cell(row=2, column=6).number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_export_never_contains_chat_ids_usernames_notes_or_typed_clinics(db, campaign, fmt):
    result = export_cases(db, campaign, fmt=fmt, today=TODAY)
    raw = xlsx_bytes(result) if fmt == "xlsx" else result.content
    for secret in SECRETS + ["KP-SECRET", "do not share", "a draft"]:
        assert secret.encode("utf-8") not in raw, secret


def test_contact_column_holds_a_username_only_where_the_member_agreed(db, campaign):
    rows = {r["reference"]: r for r in csv_rows(export_cases(db, campaign, fmt="csv", include_contact=True, today=TODAY))}
    assert rows["KP-AAAA1"]["contact"] == "ana_contacto"
    assert rows["KP-AAAA2"]["contact"] == ""
    assert rows["KP-AAAA6"]["contact"] == ""
    raw = export_cases(db, campaign, fmt="json", include_contact=True, today=TODAY).content
    assert b"bob_private" not in raw and b"905551111" not in raw


FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_text_that_looks_like_a_formula_never_lands_as_one(campaign):
    evil = replace(campaign, facilities=campaign.facilities + (Facility("evil", FORMULAS[0]),))
    db = fresh_db()
    member = add_member(db, username="@SUM(A1)", contact_ok=True)
    add_case(
        db,
        member_id=member,
        ref="KP-EVIL1",
        facility_id="evil",
        urgency="+1",
        kind="-2+3",
        notified="\tcmd",
        offered="\rcmd",
        deadline_date="2026-11-30",
    )
    csv_result = export_cases(db, evil, fmt="csv", include_contact=True, today=TODAY)
    row = csv_rows(csv_result)[0]
    assert row["facility"] == "'" + FORMULAS[0]
    assert (row["urgency"], row["appointment_kind"], row["contact"]) == ("'+1", "'-2+3", "'@SUM(A1)")
    assert (row["how_notified"], row["offered"]) == ("'\tcmd", "'\rcmd")
    text = csv_result.content.decode("utf-8-sig")
    for line in text.splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "-", "@")), cell

    ws = openpyxl.load_workbook(io.BytesIO(export_cases(db, evil, fmt="xlsx", include_contact=True, today=TODAY).content)).active
    cells = list(ws.iter_rows(min_row=2))[0]
    for cell in cells:
        assert cell.data_type != "f", cell.value
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
    values = [c.value for c in cells]
    assert "'" + FORMULAS[0] in values and "'+1" in values and "'@SUM(A1)" in values


def test_csv_starts_with_a_byte_order_mark_and_spanish_round_trips(campaign):
    spanish = replace(campaign, facilities=campaign.facilities + (Facility("pena", "Clínica Peña, Año Nuevo"),))
    db = fresh_db()
    add_case(db, member_id=add_member(db), ref="KP-ESP01", facility_id="pena", lang="es")
    result = export_cases(db, spanish, fmt="csv", today=TODAY)
    assert result.content.startswith(BOM)
    assert not result.content[3:].startswith(BOM)
    assert csv_rows(result)[0]["facility"] == "Clínica Peña, Año Nuevo"
    assert result.dictionary.startswith(BOM)
    assert json.loads(export_cases(db, spanish, fmt="json", today=TODAY).content)[0]["facility"] == "Clínica Peña, Año Nuevo"


def test_filters_by_local_report_date_facility_and_status(db, campaign):
    # 05:30 UTC on Nov 4 is still Nov 3 in Los Angeles.
    add_case(db, member_id=None, ref="KP-LATE3", filed_at="2026-11-04T05:30:00+00:00", facility_id="fontana")

    def refs(**filters):
        return {r["reference"] for r in csv_rows(export_cases(db, campaign, fmt="csv", today=TODAY, **filters))}

    assert refs(since=date(2026, 11, 3), until=date(2026, 11, 3)) == {"KP-AAAA2", "KP-LATE3"}
    assert refs(since=date(2026, 11, 5)) == {"KP-AAAA3", "KP-AAAA6"}
    assert refs(until=date(2026, 11, 2)) == {"KP-AAAA1"}
    assert refs(facility="FONTANA") == {"KP-AAAA1", "KP-LATE3"}
    assert refs(facility="south-bay") == {"KP-AAAA6"}
    assert refs(facility="Torrance") == {"KP-AAAA6"}  # an alias of South Bay
    assert refs(status="closed") == {"KP-AAAA3"}
    assert refs(status="open", facility="downey") == set()


def test_unknown_format_facility_or_status_is_refused_with_a_clear_reason(db, campaign):
    with pytest.raises(ExportError, match="facility"):
        export_cases(db, campaign, fmt="csv", facility="Nowhere", today=TODAY)
    with pytest.raises(ExportError, match="status"):
        export_cases(db, campaign, fmt="csv", status="draft", today=TODAY)
    with pytest.raises(ExportError, match="format"):
        export_cases(db, campaign, fmt="pdf", today=TODAY)


@pytest.mark.parametrize(
    "case, outcome",
    [
        (dict(deadline_date="2026-11-16", new_appt_date="2026-11-16"), "met"),  # on the deadline day
        (dict(deadline_date="2026-11-16", new_appt_date="2026-11-17"), "missed"),
        (dict(deadline_date="2026-11-16", offered="new_appt", offered_date="2026-11-12"), "met"),
        (dict(deadline_date="2026-11-16", offered="out_of_network", offered_date="2026-11-12"), "missed"),
        (dict(deadline_date="2026-11-16", restored_on="2026-11-15", status="closed"), "met"),
        (dict(deadline_date="2026-11-23"), "missed"),  # the day before the export
        (dict(deadline_date="2026-11-24"), "pending"),  # the deadline is today: not missed yet
        (dict(deadline_date="2026-11-30", new_appt_date="2026-12-02"), "pending"),
        (dict(deadline_date=None, deadline_standard=None), "unknown"),
    ],
)
def test_deadline_outcome_is_met_missed_or_pending(campaign, case, outcome):
    db = fresh_db()
    add_case(db, member_id=None, filed="2026-11-02", **case)
    assert csv_rows(export_cases(db, campaign, fmt="csv", today=TODAY))[0]["deadline_outcome"] == outcome


def test_days_waited_runs_to_today_while_open_and_is_empty_when_closed_unrestored(campaign):
    db = fresh_db()
    add_case(db, member_id=None, ref="KP-OPEN1", filed="2026-11-20")
    add_case(db, member_id=None, ref="KP-SHUT1", filed="2026-11-20", status="closed", closed_at=at("2026-11-22"))
    rows = {r["reference"]: r["days_waited"] for r in csv_rows(export_cases(db, campaign, fmt="csv", today=TODAY))}
    assert rows == {"KP-OPEN1": "4", "KP-SHUT1": ""}


def test_date_reported_is_the_local_day_even_across_dst_and_half_hour_zones():
    la = LocalDates(ZoneInfo("America/Los_Angeles"))
    assert la("2026-11-01T06:59:00+00:00") == "2026-10-31"  # 23:59 PDT
    assert la("2026-11-01T07:00:00+00:00") == "2026-11-01"  # midnight PDT, the day clocks go back
    assert la("2026-11-02T07:59:59.999999+00:00") == "2026-11-01"  # 23:59 PST
    assert la("2026-11-02T08:00:00Z") == "2026-11-02"
    assert la("2026-11-02T08:00:00") == "2026-11-02"  # naive: stored times are UTC
    assert la("2026-11-02T00:00:00-08:00") == "2026-11-02"
    assert la(None) is None and la("") is None
    india = LocalDates(ZoneInfo("Asia/Kolkata"))  # UTC+5:30: one UTC hour spans two local days
    assert india("2026-11-24T18:15:00+00:00") == "2026-11-24"
    assert india("2026-11-24T18:45:00+00:00") == "2026-11-25"
    assert india("2026-11-24T18:15:00+00:00") == "2026-11-24"


def test_the_data_dictionary_describes_every_column(db, campaign):
    result = export_cases(db, campaign, fmt="csv", include_contact=True, today=TODAY)
    entries = [r for r in csv.DictReader(io.StringIO(result.dictionary.decode("utf-8-sig"))) if r["column"] != "(notes)"]
    entries = [e for e in entries if e["column"]]
    assert [e["column"] for e in entries] == list(result.columns)
    assert all(e["meaning"] and e["type"] and e["format"] for e in entries)
    allowed = {e["column"]: e["allowed values"] for e in entries}
    assert "individual" in allowed["appointment_kind"] and "met" in allowed["deadline_outcome"]


def test_empty_database_exports_a_header_only(campaign):
    for fmt in ("csv", "json", "xlsx"):
        result = export_cases(fresh_db(), campaign, fmt=fmt, today=TODAY)
        assert result.rows == 0
    assert csv_rows(export_cases(fresh_db(), campaign, fmt="csv", today=TODAY)) == []


def test_only_organizers_and_admins_may_include_contact_details():
    db = fresh_db()
    roles.grant(db, 300, "organizer", by=1, now=NOW)
    roles.grant(db, 400, "volunteer", by=1, now=NOW)
    assert can_include_contact(db, frozenset({100}), frozenset(), 100)
    assert can_include_contact(db, frozenset(), frozenset({200}), 200)
    assert can_include_contact(db, frozenset(), frozenset(), 300)
    assert not can_include_contact(db, frozenset(), frozenset(), 400)
    assert not can_include_contact(db, frozenset(), frozenset(), None)


# --- the command line -------------------------------------------------------------------------


def cli():
    group = click.Group("carebot")
    register(group)
    return group


def cli_env(db_path, **extra) -> dict:
    env = {
        "CAREBOT_DB": str(db_path),
        "CAREBOT_CAMPAIGN": "",
        "CAREBOT_TIMEZONE": "",
        "CAREBOT_ORGANIZER_IDS": "",
        "CAREBOT_ADMIN_IDS": "",
        "CAREBOT_BOT_USERNAME": "",
    }
    env.update(extra)
    return env


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "carebot.db"
    db = fresh_db(path)
    member = add_member(db, username="ana_contacto", contact_ok=True)
    add_case(db, member_id=member, ref="KP-CLI01", note="Dr. Secreto")
    db.close()
    return path


def test_cli_refuses_contact_details_without_the_organizer_role_and_audits_it(db_file, tmp_path):
    out = tmp_path / "cases.csv"
    result = CliRunner().invoke(
        cli(), ["export", "--include-contact", "--as", "42", "--out", str(out)], env=cli_env(db_file, CAREBOT_ORGANIZER_IDS="7")
    )
    assert result.exit_code == 2
    assert "organizer role" in result.output
    assert not out.exists()
    entries = audit.entries(fresh_db(db_file))
    assert [(e.action, e.actor, e.allowed) for e in entries] == [("export_with_contact", 42, False)]
    assert "ana_contacto" not in (entries[0].detail or "")

    result = CliRunner().invoke(cli(), ["export", "--include-contact", "--out", str(out)], env=cli_env(db_file))
    assert result.exit_code == 2 and not out.exists()


def test_cli_exports_contact_details_for_an_organizer_and_audits_the_filters(db_file, tmp_path):
    out = tmp_path / "out" / "cases.xlsx"
    result = CliRunner().invoke(
        cli(),
        [
            "export",
            "--format",
            "xlsx",
            "--include-contact",
            "--as",
            "7",
            "--facility",
            "fontana",
            "--since",
            "2026-11-01",
            "--out",
            str(out),
        ],
        env=cli_env(db_file, CAREBOT_ORGANIZER_IDS="7"),
    )
    assert result.exit_code == 0, result.output
    assert out.exists() and (tmp_path / "out" / "cases.dictionary.csv").exists()
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]][-1] == "contact" and ws.cell(row=2, column=len(COLUMNS) + 1).value == "ana_contacto"
    entry = audit.entries(fresh_db(db_file))[-1]
    assert (entry.action, entry.actor, entry.allowed) == ("export_with_contact", 7, True)
    detail = json.loads(entry.detail)
    assert detail == {"facility": "fontana", "format": "xlsx", "rows": 1, "since": "2026-11-01", "status": None, "until": None}


def test_cli_pseudonymous_export_writes_the_file_and_its_dictionary(db_file, tmp_path):
    out = tmp_path / "cases.csv"
    result = CliRunner().invoke(cli(), ["export", "--out", str(out)], env=cli_env(db_file))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(BOM)
    assert b"ana_contacto" not in out.read_bytes() and b"Dr. Secreto" not in out.read_bytes()
    assert (tmp_path / "cases.dictionary.csv").read_bytes().startswith(BOM)
    assert audit.entries(fresh_db(db_file))[-1].action == "export"


def test_cli_unknown_facility_exits_with_a_clear_message(db_file, tmp_path):
    result = CliRunner().invoke(
        cli(), ["export", "--facility", "Atlantis", "--out", str(tmp_path / "x.csv")], env=cli_env(db_file)
    )
    assert result.exit_code == 2
    assert "Atlantis" in result.output


def test_every_organizer_command_has_help():
    group = cli()
    assert set(group.commands) == {"export", "report", "link", "purge"}
    for name, command in group.commands.items():
        assert command.help, name
        assert CliRunner().invoke(group, [name, "--help"]).exit_code == 0, name
