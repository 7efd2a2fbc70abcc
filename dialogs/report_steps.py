"""Reporting a canceled session, declared as data: one question at a time."""

from __future__ import annotations

from datetime import date
from typing import Mapping

from dialogs.engine import Dialog, Step

NOTE_MAX = 500


def _after_offered(answers: Mapping) -> str:
    return "offered_date" if answers.get("offered") in ("new_appt", "out_of_network") else "urgency"


REPORT = Dialog(
    "report",
    (
        Step("kind", "choice", options=("individual", "group", "psychiatry", "intake", "other"), next="appt_date"),
        Step(
            "appt_date", "date", quick=("today", "yesterday", "recent", "pick"), next="facility", past_days=365, future_days=180
        ),
        Step("facility", "facility", next="notified"),
        Step("notified", "choice", options=("call", "text", "portal", "at_clinic", "never_told"), next="offered"),
        Step(
            "offered",
            "choice",
            options=("nothing", "new_appt", "out_of_network", "wait"),
            next=_after_offered,
            targets=("offered_date", "urgency"),
        ),
        Step(
            "offered_date",
            "date",
            quick=("tomorrow", "coming", "pick"),
            next="urgency",
            past_days=60,
            future_days=365,
            confirm_past=True,
        ),
        Step("urgency", "choice", options=("can_wait", "soon", "urgent"), next="note"),
        Step("note", "text", optional=True, max_len=NOTE_MAX, next="share"),
        Step("share", "choice", options=("yes", "no"), columns=2, next="contact"),
        Step("contact", "choice", options=("yes", "no"), columns=2, next="summary"),
        Step("summary", "summary"),
    ),
)


def case_fields(answers: Mapping) -> dict:
    """The case columns a report's answers fill in (answers off the member's path are dropped)."""
    on_path = {s.name for s in REPORT.path(answers)}

    def get(name):
        return answers.get(name) if name in on_path else None

    def as_date(value):
        return date.fromisoformat(value) if value else None

    share = get("share")
    return {
        "kind": get("kind"),
        "appt_date": as_date(get("appt_date")),
        "facility_id": get("facility"),
        "facility_text": answers.get("facility_text") if "facility" in on_path else None,
        "notified": get("notified"),
        "offered": get("offered"),
        "offered_date": as_date(get("offered_date")),
        "urgency": get("urgency"),
        "note": get("note"),
        "share_ok": None if share is None else share == "yes",
    }


def answer_column(field: str, value) -> tuple[str, object] | None:
    """The case column (and stored value) that one answer updates while the report is a draft."""
    if field == "contact":
        return None  # a member setting, saved when the case is filed
    columns = {"facility": "facility_id", "share": "share_ok"}
    column = columns.get(field, field)
    if field == "share":
        value = value == "yes"
    if field in ("appt_date", "offered_date") and value:
        value = date.fromisoformat(value)
    return column, value
