"""The pure engine, driven event by event with no database and no Telegram."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs import engine
from dialogs.catalog import Catalog
from dialogs.engine import Answered, Dialog, DialogError, FileCase, Step
from dialogs.model import Edit
from dialogs.parsing import parse_date
from dialogs.report_steps import REPORT, case_fields
from dialogs.state import State
from knowledge.campaign import load_campaign
from knowledge.facilities import match_choice, match_facility

CAMPAIGN = load_campaign()
CTX = engine.Ctx(
    today=date(2026, 11, 24),
    campaign=CAMPAIGN,
    catalog=Catalog.load(defaults={"plan": "Kaiser", "plan_name": "Kaiser Permanente", "region": "SoCal", "portal": "kp.org"}),
    parse_date=parse_date,
    match_facility=match_facility,
    match_choice=match_choice,
)


def button(reply, label):
    for row in reply.buttons:
        for b in row:
            if b.label == label:
                return b.data
    raise LookupError(label)


def test_dialog_with_an_unreachable_step_is_refused_when_built():
    with pytest.raises(DialogError, match="unreachable"):
        Dialog("x", (Step("a", "choice", options=("y",), next="end"), Step("lost", "text", next="end"), Step("end", "summary")))


def test_dialog_whose_next_step_does_not_exist_is_refused_when_built():
    with pytest.raises(DialogError, match="does not exist"):
        Dialog("x", (Step("a", "choice", options=("y",), next="nowhere"), Step("end", "summary")))


def test_dialog_with_repeated_step_names_is_refused():
    with pytest.raises(DialogError, match="repeat"):
        Dialog("x", (Step("a", "text", next="a"), Step("a", "summary")))


def test_a_button_answer_turns_the_pressed_message_into_the_next_question():
    started = engine.start(REPORT, State(lang="en"), CTX, run="ab12")
    question = started.replies[0]
    result = engine.on_button(REPORT, started.state, button(question, "Group therapy"), 7, CTX)
    assert result.state.step == "appt_date"
    assert result.effects == (Answered("kind", "group"),)
    (edit,) = result.replies
    assert isinstance(edit, Edit) and edit.message_id == 7
    assert edit.text.startswith("✓ <b>Group therapy</b>") and "When was the appointment?" in edit.text
    assert "Yesterday" in [b.label for row in edit.buttons for b in row]


def test_a_typed_answer_is_said_back_so_a_misread_is_caught():
    started = engine.start(REPORT, State(lang="en"), CTX, run="ab12")
    result = engine.on_text(REPORT, started.state, "my psychiatrist", CTX)
    assert result.state.answers["kind"] == "psychiatry"
    assert result.replies[0].text.startswith("✓ <b>Psychiatry / medication</b>")


def test_a_button_from_another_run_is_not_an_answer():
    started = engine.start(REPORT, State(lang="en"), CTX, run="ab12")
    data = button(started.replies[0], "Group therapy").replace("ab12", "zz99")
    assert engine.on_button(REPORT, started.state, data, 7, CTX) is None


def test_the_calendar_pages_between_months_and_picks_a_day():
    state = engine.start(REPORT, State(lang="es"), CTX, run="r1").state.with_(step="appt_date")
    question = engine.prompt(REPORT, state, CTX)
    opened = engine.on_button(REPORT, state, button(question, "📅 Elegir fecha"), 3, CTX)
    assert "noviembre 2026" in [b.label for row in opened.replies[0].buttons for b in row]
    back = engine.on_button(REPORT, opened.state, button(opened.replies[0], "‹"), 3, CTX)
    assert "octubre 2026" in [b.label for row in back.replies[0].buttons for b in row]
    picked = engine.on_button(REPORT, back.state, button(back.replies[0], "21"), 3, CTX)
    assert picked.state.answers["appt_date"] == "2026-10-21"
    assert "miércoles, 21 de octubre" in picked.replies[0].text


def test_the_calendar_offers_no_day_outside_the_allowed_window():
    state = engine.start(REPORT, State(lang="en"), CTX, run="r1").state.with_(step="appt_date", view={"date": "cal:2027-05"})
    days = [b.label for row in engine.prompt(REPORT, state, CTX).buttons for b in row if b.label.isdigit()]
    assert days and max(int(d) for d in days) <= 23  # 180 days after Nov 24 is May 23
    forged = "r:r1:appt_date:d:2027-09-01"
    result = engine.on_button(REPORT, state, forged, 3, CTX)
    assert "days away" in result.replies[0].text and "appt_date" not in result.state.answers


def test_confirming_the_summary_files_only_answers_on_the_members_path():
    answers = {
        "kind": "individual",
        "appt_date": "2026-11-23",
        "facility": "fontana",
        "notified": "call",
        "offered": "nothing",
        "offered_date": "2026-12-01",
        "urgency": "soon",
        "note": None,
        "share": "yes",
    }
    state = State(lang="en", dialog="report", step="summary", run="r1", answers=answers)
    result = engine.on_button(REPORT, state, "r:r1:summary:confirm", 9, CTX)
    (effect,) = result.effects
    assert isinstance(effect, FileCase)
    fields = case_fields(effect.answers)
    assert fields["offered_date"] is None  # "nothing" was offered, so a stale date is dropped
    assert fields["share_ok"] is True and fields["facility_id"] == "fontana"
    assert result.state.dialog is None


@pytest.mark.parametrize("lang,typed", [("en", "none"), ("en", "Nothing."), ("es", "nada"), ("es", "Ninguna"), ("en", "no")])
def test_typing_none_on_the_optional_note_skips_it_instead_of_saving_it(lang, typed):
    state = State(lang=lang, dialog="report", step="note", run="ab12", answers={"kind": "individual"})
    result = engine.on_text(REPORT, state, typed, CTX)
    assert result.state.step == "share"
    assert result.state.answers["note"] is None
    assert result.replies[0].text.startswith("✓ <b>" + ("Skip" if lang == "en" else "Omitir"))


def test_a_real_note_that_starts_with_no_is_kept():
    state = State(lang="en", dialog="report", step="note", run="ab12", answers={"kind": "individual"})
    result = engine.on_text(REPORT, state, "No one called me back", CTX)
    assert result.state.answers["note"] == "No one called me back"
