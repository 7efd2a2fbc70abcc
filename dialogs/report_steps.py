"""Reporting a canceled session, declared as data: one question at a time.

What each answer is called, which column keeps it and which values it may hold is declared once in
knowledge/report_fields.py (storage and the deadline clock read it there); this table says in which
order the questions come and how each is asked.
"""

from __future__ import annotations

from typing import Mapping

from dialogs.engine import Dialog, DialogError, Step
from knowledge import report_fields

NOTE_MAX = 500


def ask(name: str, **how) -> Step:
    """The step that asks the declared report field `name` (its kind, options and column come from the declaration)."""
    f = report_fields.field(name)
    return Step(name, f.asked_as, options=f.options, column=f.column, **how)


def _after_offered(answers: Mapping) -> str:
    return "offered_date" if answers.get("offered") in ("new_appt", "out_of_network") else "urgency"


REPORT = Dialog(
    "report",
    (
        ask("kind", next="appt_date"),
        ask("appt_date", quick=("today", "yesterday", "recent", "pick"), next="facility", past_days=365, future_days=180),
        ask("facility", next="notified"),
        ask("notified", next="offered"),
        ask("offered", next=_after_offered, targets=("offered_date", "urgency")),
        ask(
            "offered_date", quick=("tomorrow", "coming", "pick"), next="urgency", past_days=60, future_days=365, confirm_past=True
        ),
        ask("urgency", next="note"),
        ask("note", optional=True, max_len=NOTE_MAX, next="share"),
        ask("share", columns=2, next="contact"),
        ask("contact", columns=2, next="summary"),
        Step("summary", "summary"),
    ),
)


def declaration_problems(dialog: Dialog) -> list[str]:
    """How a report table disagrees with the declared fields (knowledge/report_fields.py), one line each."""
    problems = []
    declared = {f.name: f for f in report_fields.fields()}
    for step in dialog.steps:
        if step.kind == "summary":
            continue
        f = declared.get(step.name)
        if f is None:
            problems.append(f"step {step.name!r} is not declared in knowledge/report_fields.py (build it with ask(...))")
        elif (step.kind, step.options, step.column) != (f.asked_as, f.options, f.column):
            problems.append(
                f"step {step.name!r} is asked as {step.kind} {step.options} into column {step.column!r}, "
                f"but declared as {f.asked_as} {f.options} into column {f.column!r}"
            )
    for name in declared.keys() - dialog.by_name.keys():
        problems.append(f"field {name!r} (knowledge/report_fields.py) is asked by no step of the {dialog.name} table")
    return problems


_problems = declaration_problems(REPORT)
if _problems:
    raise DialogError("; ".join(_problems))


def case_fields(answers: Mapping) -> dict:
    """The case columns a report's answers fill in (answers off the member's path are dropped)."""
    on_path = {s.name for s in REPORT.path(answers)}
    out: dict = {}
    for step in REPORT.steps:
        if step.column is None:
            continue
        f = report_fields.field(step.name)
        asked = step.name in on_path
        out[step.column] = f.stored(answers.get(step.name)) if asked else None
        for extra in f.also:
            out[extra] = answers.get(extra) if asked else None
    return out


def answer_column(field: str, value) -> tuple[str, object] | None:
    """The case column (and stored value) that one answer updates while the report is a draft."""
    step = REPORT.by_name.get(field)
    if step is None:
        return field, value  # an answer a step gives besides its own (facility_text); storage refuses any other
    if step.column is None:
        return None  # not kept on the case (contact: a member setting, saved when the case is filed)
    return step.column, report_fields.field(field).stored(value)
