"""Each report answer is declared once: the step table, storage, the export and the deadline clock agree,
and a question added to the report is stored and exported, or the checks name what it still lacks.

The shipped report passes every check (tests/report_checks.py). Then a newcomer's question is added as
the issue says it should be: a declaration and a step (knowledge/report_fields.py, dialogs/report_steps.py),
one migration, and its words in both catalogs; filed end to end through the core, it lands in its column
and in the export. Left without its migration or a catalog entry, the checks say which.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date

import pytest

import storage.db
from dialogs.catalog import Catalog
from dialogs.engine import Dialog
from dialogs.report_steps import REPORT, answer_column, ask, case_fields, declaration_problems
from knowledge import report_fields
from knowledge.report_fields import ReportField
from storage import cases as case_store
from storage.db import apply_migrations
from storage.export import columns, data_dictionary, export_cases
from storage.migrations import MIGRATIONS
from tests import report_checks
from tests.flows import ANSWERS, answer_report, consent, filed_ref


@pytest.fixture
def running_bot(core_bot):
    """The report's dialog on the core in-process (tests/core_chat.py)."""
    return core_bot


def only_case(db):
    rows = list(db.query("SELECT * FROM cases WHERE status != 'draft'"))
    assert len(rows) == 1, rows
    return rows[0]


# ------------------------------------------------------------------ the shipped report


def test_the_shipped_report_has_every_piece(running_bot):
    assert report_checks.problems(REPORT, db=running_bot.db, catalog=running_bot.core.catalog) == []


def test_every_report_step_keeps_its_answer_in_its_declared_column():
    for step in REPORT.steps:
        if step.kind != "summary":
            assert step.column == report_fields.field(step.name).column, step.name
    assert REPORT.step("facility").column == "facility_id" and REPORT.step("share").column == "share_ok"
    assert REPORT.step("contact").column is None  # a member setting, saved when the case is filed
    assert set(case_fields(ANSWERS)) == set(case_store.ANSWER_FIELDS) == set(report_fields.columns())


def test_a_draft_answer_goes_to_its_column_in_the_type_storage_keeps():
    assert answer_column("kind", "group") == ("kind", "group")
    assert answer_column("facility", "fontana") == ("facility_id", "fontana")
    assert answer_column("facility_text", "the place on 5th") == ("facility_text", "the place on 5th")
    assert answer_column("appt_date", "2026-11-23") == ("appt_date", date(2026, 11, 23))
    assert answer_column("share", "no") == ("share_ok", False)
    assert answer_column("contact", "yes") is None


async def test_a_report_walked_step_by_step_is_filed_as_answered(running_bot):
    member = running_bot.standin.user(1201)
    await consent(member)
    answers = {
        "kind": "intake",
        "appt_date": "2026-11-20",
        "facility": "south-bay",
        "notified": "portal",
        "offered": "new_appt",
        "offered_date": "2026-12-01",
        "urgency": "urgent",
        "note": "They said to call back next month.",
        "share": "no",
        "contact": "yes",
    }
    summary = await answer_report(member, running_bot.core, answers)
    catalog = running_bot.core.catalog
    for step in REPORT.path(answers):
        if step.kind == "choice" and step.name in ("kind", "notified", "offered", "urgency", "share"):
            assert catalog.t("en", f"choice.{step.name}.{answers[step.name]}") in summary.text, step.name
    await member.tap("Confirm and file")
    row = only_case(running_bot.db)
    assert row["ref"] == filed_ref(member)
    expected = {c: case_store._stored(v) for c, v in case_fields(answers).items()}
    assert {c: row[c] for c in expected} == expected
    assert (row["kind"], row["facility_id"], row["offered_date"], row["share_ok"]) == ("intake", "south-bay", "2026-12-01", 0)
    case = case_store.get(running_bot.db, row["id"])  # read back in the types the report declares
    assert (case.appt_date, case.offered_date, case.share_ok, case.facility_text) == (
        date(2026, 11, 20),
        date(2026, 12, 1),
        False,
        None,
    )


async def test_an_answer_off_the_members_path_is_not_filed(running_bot):
    member = running_bot.standin.user(1202)
    await consent(member)
    await answer_report(member, running_bot.core, {"offered": "new_appt", "offered_date": "2026-12-01"})
    await member.tap("Change an answer")
    await member.tap("Offered instead")
    await member.tap("Nothing")
    await member.tap("Confirm and file")
    row = only_case(running_bot.db)
    assert (row["offered"], row["offered_date"]) == ("nothing", None)


# ------------------------------------------------------------------ a newcomer's question
# Named example_* so that a real question about the reason can be added without colliding with it.

REASON = ReportField(
    "example_reason",
    "choice",
    options=("gave_reason", "no_reason"),
    export="example_reason_given",
    meaning="Whether the plan said why the session was canceled.",
)
REASON_MIGRATION = (
    len(MIGRATIONS) + 1,
    "the report asks whether the plan gave a reason",
    "ALTER TABLE cases ADD COLUMN example_reason TEXT;",
)
REASON_WORDS = {
    "en": {
        "ask.example_reason": "Did they tell you why it was canceled?",
        "field.example_reason": "Reason given",
        "choice.example_reason.gave_reason": "Yes, they gave a reason",
        "choice.example_reason.no_reason": "No reason given",
    },
    "es": {
        "ask.example_reason": "¿Le dijeron por qué la cancelaron?",
        "field.example_reason": "Motivo",
        "choice.example_reason.gave_reason": "Sí, me dieron un motivo",
        "choice.example_reason.no_reason": "No me dieron motivo",
    },
}


def with_reason(report: Dialog) -> Dialog:
    """The newcomer's edit of the step table: the question goes after "How were you told?"."""
    steps = []
    for step in report.steps:
        if step.name == "notified":
            steps += [dataclasses.replace(step, next="example_reason"), ask("example_reason", next=step.next)]
        else:
            steps.append(step)
    return Dialog(report.name, tuple(steps))


@pytest.fixture
def declared(monkeypatch):
    """The declaration and the step table with the new question, as the running code would load them."""
    monkeypatch.setattr(report_fields, "FIELDS", report_fields.FIELDS + (REASON,))
    report = with_reason(REPORT)
    for module in [m for name, m in sys.modules.items() if name == "dialogs" or name.startswith("dialogs.")]:
        for attr, value in list(vars(module).items()):
            if value is REPORT:
                monkeypatch.setattr(module, attr, report)
            elif isinstance(value, dict) and any(v is REPORT for v in value.values()):
                for key in [k for k, v in value.items() if v is REPORT]:
                    monkeypatch.setitem(value, key, report)
    return report


def with_words(catalog: Catalog, words: dict) -> Catalog:
    return Catalog({lang: {**strings, **words.get(lang, {})} for lang, strings in catalog.strings.items()}, catalog.defaults)


async def test_a_question_added_to_the_table_a_migration_and_the_catalogs_is_stored_and_exported(
    running_bot, declared, monkeypatch
):
    core = running_bot.core
    monkeypatch.setattr(storage.db, "MIGRATIONS", MIGRATIONS + [REASON_MIGRATION])
    assert apply_migrations(core.db) == [REASON_MIGRATION[0]]
    monkeypatch.setattr(core.services, "catalog", with_words(core.catalog, REASON_WORDS))
    assert report_checks.problems(declared, db=core.db, catalog=core.catalog) == []

    member = running_bot.standin.user(1301)
    await consent(member)
    asked = await answer_report(member, core, {"notified": "text", "example_reason": "no_reason"}, dialog=declared)
    assert "Reason given: No reason given" in asked.text  # the summary shows it
    await member.tap("Confirm and file")
    row = only_case(core.db)
    assert (row["ref"], row["notified"], row["example_reason"], row["offered"]) == (
        filed_ref(member),
        "text",
        "no_reason",
        "nothing",
    )
    answered = [e.field for e in case_store.events(core.db, row["id"]) if e.kind == "answer"]
    assert answered.index("notified") < answered.index("example_reason") < answered.index("offered")

    result = export_cases(core.db, core.campaign, fmt="json", today=date(2026, 11, 24))
    assert result.columns[-1] == "example_reason_given"
    assert json.loads(result.content)[0]["example_reason_given"] == "no_reason"
    dictionary = data_dictionary().decode("utf-8-sig")
    assert "example_reason_given,Whether the plan said why the session was canceled.,text," in dictionary
    assert dictionary.count("gave_reason | no_reason") == 1


async def test_a_question_without_its_migration_is_named(running_bot, declared):
    found = report_checks.problems(declared, db=running_bot.db, catalog=with_words(running_bot.core.catalog, REASON_WORDS))
    assert found == [
        "step 'example_reason' has no column 'example_reason' in migrations (storage/migrations.py: ALTER TABLE cases ADD COLUMN ...)"
    ]


async def test_a_question_without_its_words_in_a_catalog_is_named(running_bot, declared, monkeypatch):
    monkeypatch.setattr(storage.db, "MIGRATIONS", MIGRATIONS + [REASON_MIGRATION])
    apply_migrations(running_bot.db)
    words = {
        "en": REASON_WORDS["en"],
        "es": {k: v for k, v in REASON_WORDS["es"].items() if k != "choice.example_reason.no_reason"},
    }
    found = report_checks.problems(declared, db=running_bot.db, catalog=with_words(running_bot.core.catalog, words))
    assert found == ["catalog es lacks choice.example_reason.no_reason"]
    found = report_checks.problems(declared, db=running_bot.db, catalog=running_bot.core.catalog)
    assert "catalog en lacks ask.example_reason" in found and "catalog es lacks field.example_reason" in found


def test_a_declared_question_no_step_asks_is_named(declared):
    assert declaration_problems(REPORT) == [
        "field 'example_reason' (knowledge/report_fields.py) is asked by no step of the report table"
    ]


def test_a_step_not_built_from_its_declaration_is_named(declared):
    steps = tuple(dataclasses.replace(s, options=("gave_reason",)) if s.name == "example_reason" else s for s in declared.steps)
    (problem,) = declaration_problems(Dialog("report", steps))
    assert problem.startswith("step 'example_reason' is asked as choice ('gave_reason',)")


def test_a_new_kind_of_appointment_without_a_deadline_standard_is_named(monkeypatch):
    kind = dataclasses.replace(report_fields.field("kind"), options=(*report_fields.options("kind"), "couples"))
    monkeypatch.setattr(report_fields, "FIELDS", tuple(kind if f.name == "kind" else f for f in report_fields.FIELDS))
    found = report_checks.clock_problems()
    assert "the deadline clock (knowledge/deadlines.py) has no standard for kind 'couples'" in found


def test_the_exported_answers_come_from_their_declarations(declared):
    names = [c.name for c in columns()]
    assert names[-1] == "example_reason_given" and names.count("example_reason_given") == 1
    assert report_checks.export_problems() == []
