"""A member reports a canceled session: the dialog on the core in-process (tests/core_chat.py), the menu on Telegram.

The whole report through the real Application and the stand-in is in the follow-up, desk and organizer tests."""

from __future__ import annotations

import pytest

from storage import cases as case_store
from dialogs.report_steps import REPORT
from tests.flows import SPANISH_WALK, ENGLISH_WALK, consent, filed_message, filed_ref, report_in_english, report_in_spanish


@pytest.fixture
def running_bot(core_bot):
    """These tests are about the report's dialog: they run on the core in-process (tests/core_chat.py)."""
    return core_bot


def only_case(db):
    rows = list(db.query("SELECT * FROM cases WHERE status != 'draft'"))
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    ("walk", "offered", "name"),
    [(ENGLISH_WALK, "nothing", "report_in_english"), (SPANISH_WALK, "new_appt", "report_in_spanish")],
)
def test_the_typed_report_walks_answer_every_step_the_report_asks(walk, offered, name):
    asked = tuple(step.name for step in REPORT.path({"offered": offered}) if step.kind != "summary")
    missing = [step for step in asked if step not in walk]
    assert walk == asked, f"{name} (tests/flows.py) does not answer the report's steps {missing or asked}: add its answer there"


async def test_member_files_report_in_english_and_gets_a_reference(running_bot):
    member = running_bot.standin.user(1001, "Ana", "en")
    await report_in_english(member, note="Third cancellation this month.")
    summary = member.last
    assert "Please check your report" in summary.text
    for shown in (
        "Individual therapy",
        "Monday, November 23",
        "Los Angeles Medical Center",
        "Phone call",
        "Nothing",
        "I need to be seen soon",
        "Third cancellation this month.",
        "Yes, share it",
    ):
        assert shown in summary.text
    next_steps = await member.tap("Confirm and file")
    assert "What happens next" in next_steps.text
    ref = filed_ref(member)
    row = only_case(running_bot.db)
    assert row["ref"] == ref
    assert (row["kind"], row["appt_date"], row["facility_id"], row["notified"], row["offered"], row["urgency"]) == (
        "individual",
        "2026-11-23",
        "los-angeles",
        "call",
        "nothing",
        "soon",
    )
    assert row["note"] == "Third cancellation this month."
    assert row["share_ok"] == 1 and row["status"] == "open" and row["lang"] == "en"
    events = case_store.events(running_bot.db, row["id"])
    answered = [e.field for e in events if e.kind == "answer"]
    assert answered[:4] == ["kind", "appt_date", "facility_id", "facility_text"]
    assert {"notified", "offered", "urgency", "note", "share_ok"} <= set(answered)
    assert events[-1].kind == "filed" and events[-1].value == ref
    assert all(e.at is not None for e in events)


async def test_member_files_report_in_spanish_with_typed_dates(running_bot):
    member = running_bot.standin.user(1002, "Luz", "es")
    await report_in_spanish(member)
    summary = member.last
    assert "Revise su reporte" in summary.text
    for shown in (
        "Psiquiatría / medicamentos",
        "martes, 17 de noviembre",
        "South Bay",
        "Mensaje de texto",
        "Una cita nueva",
        "martes, 15 de diciembre",
        "Es urgente",
        "No, manténgalo privado",
    ):
        assert shown in summary.text, shown
    await member.tap("Confirmar y enviar")
    assert "Su reporte quedó registrado" in filed_message(member).text
    row = only_case(running_bot.db)
    assert (row["kind"], row["appt_date"], row["facility_id"], row["offered"], row["offered_date"], row["urgency"]) == (
        "psychiatry",
        "2026-11-17",
        "south-bay",
        "new_appt",
        "2026-12-15",
        "urgent",
    )
    assert row["share_ok"] == 0 and row["lang"] == "es"


async def test_reference_has_no_ambiguous_characters(running_bot):
    member = running_bot.standin.user(1003)
    await report_in_english(member)
    await member.tap("Confirm and file")
    ref = filed_ref(member)
    assert not set(ref[3:]) & set("01OI")


async def test_member_changes_an_answer_from_the_summary(running_bot):
    member = running_bot.standin.user(1004)
    await report_in_english(member)
    await member.tap("Change an answer")
    await member.tap("Clinic")
    await member.ask("harbor city")
    summary = await member.tap("South Bay")
    assert "Please check your report" in summary.text and "South Bay" in summary.text
    assert "Los Angeles Medical Center" not in summary.text
    await member.tap("Confirm and file")
    assert only_case(running_bot.db)["facility_id"] == "south-bay"


async def test_new_appointment_answer_asks_its_date_only_when_needed(running_bot):
    member = running_bot.standin.user(1005)
    await report_in_english(member)
    await member.tap("Change an answer")
    await member.tap("Offered instead")
    asked = await member.tap("A new appointment")
    assert "When is the appointment they offered?" in asked.text
    summary = await member.ask("Dec 10")
    assert "Thursday, December 10" in summary.text and "Please check your report" in summary.text
    await member.tap("Change an answer")
    await member.tap("Offered instead")
    summary = await member.tap("Nothing")
    assert "December 10" not in summary.text
    await member.tap("Confirm and file")
    row = only_case(running_bot.db)
    assert row["offered"] == "nothing" and row["offered_date"] is None


async def test_canceling_at_the_summary_files_nothing(running_bot):
    member = running_bot.standin.user(1006)
    await report_in_english(member)
    await member.tap("Cancel")
    done = await member.tap("Yes, cancel it")
    assert "Nothing was filed" in done.text
    assert list(running_bot.db.query("SELECT * FROM cases")) == []


async def test_cancel_command_mid_report_leaves_politely_and_keeps_nothing(running_bot):
    member = running_bot.standin.user(1007)
    await consent(member)
    await member.tap("Group therapy")
    reply = await member.ask("/cancel")
    assert "I stopped this report. Nothing was filed." in reply.text
    assert list(running_bot.db.query("SELECT * FROM cases")) == []
    again = await member.ask("/cancel")
    assert "nothing to cancel" in again.text


async def test_deep_link_prefills_the_clinic(running_bot):
    member = running_bot.standin.user(1008)
    await consent(member, "en", start_args="south-bay__flyer7")
    await member.tap("Individual therapy")
    asked = await member.tap("Yesterday")
    assert "Was it at South Bay?" in asked.text
    await member.tap("Yes")
    rows = list(running_bot.db.query("SELECT facility_id, source FROM cases"))
    assert rows == [{"facility_id": "south-bay", "source": "flyer7"}]


async def test_mycases_lists_the_members_cases_with_status(running_bot):
    member = running_bot.standin.user(1009)
    await consent(member)
    await member.ask("/cancel")
    listing = await member.ask("/mycases")
    assert "no filed cases yet" in listing.text
    await member.ask("/report")
    await member.tap("Individual therapy")
    await member.tap("Today")
    await member.ask("Fontana")
    for label in ("Phone call", "Nothing", "It can wait a few weeks", "Skip", "Yes, share it", "No, thanks", "Confirm and file"):
        await member.tap(label)
    ref = filed_ref(member)
    listing = await member.ask("/mycases")
    assert ref in listing.text and "Fontana" in listing.text and "Open" in listing.text


async def test_commands_appear_in_the_menu_in_english_and_spanish(telegram_bot):
    menus = telegram_bot.standin.commands
    english, spanish = menus[""], menus["es"]
    assert [c["command"] for c in english] == [c["command"] for c in spanish]
    assert {"start", "report", "mycases", "help", "language", "privacy", "delete", "cancel"} <= {c["command"] for c in english}
    assert dict((c["command"], c["description"]) for c in spanish)["delete"] == "Borrar mis datos"


async def test_language_switch_mid_step_asks_again_in_spanish(running_bot):
    member = running_bot.standin.user(1010)
    await consent(member)
    choose = await member.ask("/language")
    assert "¿Qué idioma?" in choose.text  # readable by someone who picked the wrong language by mistake
    asked = await member.tap("Español")
    assert "¿Qué tipo de cita le cancelaron?" in asked.text
    assert "Terapia individual" in asked.labels()


async def test_nothing_is_stored_before_consent(running_bot):
    member = running_bot.standin.user(1011, "Rosa", "es")
    await member.command("start")
    await member.settle()
    await member.tap("Español")
    declined = await member.tap("No, gracias")
    assert "No guardé nada" in declined.text
    db = running_bot.db
    assert list(db.query("SELECT * FROM members")) == []
    assert list(db.query("SELECT * FROM conversations")) == []
    assert list(db.query("SELECT payload FROM processed_updates WHERE payload IS NOT NULL")) == []


async def test_welcome_says_what_carebot_is_and_is_not(running_bot):
    member = running_bot.standin.user(1012)
    await member.command("start")
    await member.settle()
    welcome = await member.tap("English")
    for promise in ("not Kaiser", "not a lawyer", "not a clinician", "/delete", "never your name"):
        assert promise in welcome.text


async def test_in_the_past_week_offers_the_six_days_before_yesterday_and_records_the_one_tapped(running_bot):
    member = running_bot.standin.user(1090, "Ana", "en")
    await consent(member)
    await member.tap("Individual therapy")
    days = await member.tap("In the past week")  # Tuesday, Nov 24: Sunday the 22nd back to Tuesday the 17th
    assert [label for label in days.labels() if label != "‹ Back"] == [
        "Sun Nov 22",
        "Sat Nov 21",
        "Fri Nov 20",
        "Thu Nov 19",
        "Wed Nov 18",
        "Tue Nov 17",
    ]
    await member.tap("Thu Nov 19")
    assert "✓ Thursday, November 19" in member.last.text or any("Thursday, November 19" in m.text for m in member.messages[-2:])
    draft = next(running_bot.db.query("SELECT appt_date FROM cases"))
    assert draft["appt_date"] == "2026-11-19"
