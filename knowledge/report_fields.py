"""The report's answers, declared once: what each question is called, where it is kept, what it may hold.

The report's step table (dialogs/report_steps.py) asks these, in its own order and with its own
buttons; everything below the dialogs derives from this table instead of spelling the answers
again: the case columns a report fills (storage/cases.py), the export's answer columns and their
data dictionary (storage/export.py), the deadline clock's value sets (knowledge/deadlines.py).
It sits in knowledge/ because storage/ and knowledge/ must not import dialogs/.

A new question: declare it here (a choice lists its options; its column defaults to its name),
ask it in the step table, add its column in a migration (storage/migrations.py) and its words to
both catalogs (ask.<name>, field.<name>, choice.<name>.<option>). tests/test_report_fields.py names
whichever of those is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ASKED_AS = ("choice", "date", "facility", "text")  # the step kinds (dialogs/engine.py) an answer comes from
STORED_AS = ("text", "date", "boolean")  # how a column holds the answer (and how the export types it)


@dataclass(frozen=True)
class ReportField:
    """One answer of the report."""

    name: str  # the answer's key, and the name of the report step that asks it
    asked_as: str  # one of ASKED_AS
    options: tuple[str, ...] = ()  # a choice's allowed values
    column: str | None = ""  # its column in `cases`: "" the same as the name; None not kept on the case
    true_option: str | None = None  # a yes/no choice kept as a boolean: the option stored as true
    also: tuple[str, ...] = ()  # further answers the same step gives, each kept in the column of its name
    export: str | None = None  # its column in the organizers' export; None: never exported (private, or not a fact)
    meaning: str = ""  # what the exported column means (the data dictionary)

    def __post_init__(self) -> None:
        if self.asked_as not in ASKED_AS:
            raise ValueError(f"report field {self.name!r}: asked_as must be one of {ASKED_AS}, not {self.asked_as!r}")
        if (self.asked_as == "choice") != bool(self.options):
            raise ValueError(f"report field {self.name!r}: a choice, and only a choice, lists its options")
        if self.true_option is not None and self.true_option not in self.options:
            raise ValueError(f"report field {self.name!r}: true_option {self.true_option!r} is not one of its options")
        if self.export and not self.meaning:
            raise ValueError(f"report field {self.name!r}: an exported field says what it means (meaning=...)")
        if self.column == "":
            object.__setattr__(self, "column", self.name)

    @property
    def stored_as(self) -> str:
        """How its column holds it: one of STORED_AS."""
        if self.true_option is not None:
            return "boolean"
        return "date" if self.asked_as == "date" else "text"

    def stored(self, value: object) -> object:
        """The answer as its column holds it (a date step's ISO text as a date, a yes/no as a boolean)."""
        if value is None:
            return None
        if self.true_option is not None:
            return value == self.true_option
        if self.asked_as == "date":
            return date.fromisoformat(str(value)) if value else None
        return value


FIELDS: tuple[ReportField, ...] = (
    ReportField(
        "kind",
        "choice",
        options=("individual", "group", "psychiatry", "intake", "other"),
        export="appointment_kind",
        meaning="The kind of appointment that was canceled.",
    ),
    ReportField(
        "appt_date", "date", export="appointment_date", meaning="Date of the canceled appointment (may be in the future)."
    ),
    ReportField(
        "facility",
        "facility",
        column="facility_id",
        also=("facility_text",),  # what the member typed when the clinic isn't listed: free text, never exported
        export="facility_id",
        meaning="The campaign's id for the clinic.",
    ),
    ReportField(
        "notified",
        "choice",
        options=("call", "text", "portal", "at_clinic", "never_told"),
        export="how_notified",
        meaning="How the member learned of the cancellation.",
    ),
    ReportField(
        "offered",
        "choice",
        options=("nothing", "new_appt", "out_of_network", "wait"),
        export="offered",
        meaning="What the plan offered instead, as reported.",
    ),
    ReportField(
        "offered_date",
        "date",
        export="offered_date",
        meaning="Date of the appointment or out-of-network visit offered, if any.",
    ),
    ReportField(
        "urgency",
        "choice",
        options=("can_wait", "soon", "urgent"),
        export="urgency",
        meaning="How urgent the member said their need is.",
    ),
    ReportField("note", "text"),  # free text, erased by /delete: never exported
    ReportField("share", "choice", options=("yes", "no"), column="share_ok", true_option="yes"),  # the export's filter
    ReportField("contact", "choice", options=("yes", "no"), column=None),  # a member setting, saved when the case is filed
)


def fields() -> tuple[ReportField, ...]:
    """The declared fields, read when called (a test may declare one more)."""
    return FIELDS


def field(name: str) -> ReportField:
    """The declared field with this name (KeyError names it when there is none)."""
    for f in fields():
        if f.name == name:
            return f
    raise KeyError(f"no report field {name!r} in knowledge/report_fields.py")


def options(name: str) -> tuple[str, ...]:
    """The values a choice may hold."""
    return field(name).options


def columns() -> tuple[str, ...]:
    """Every case column a report fills, in the declarations' order (a field's `also` columns after its own)."""
    return tuple(c for f in fields() if f.column for c in (f.column, *f.also))
