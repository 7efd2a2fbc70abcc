"""Whether the report's pieces agree: each check returns one line per missing piece, naming it.

The report's answers are declared once (knowledge/report_fields.py) and asked by the step table
(dialogs/report_steps.py); a question also needs a column in `cases` (a migration) and its words in
both catalogs. Storage, the export and the deadline clock derive from the declarations; these checks
cover what can't be derived (the schema, the catalogs, the clock's standards) and that the derivations
hold. tests/test_report_fields.py runs them on the shipped report and on one with a question added.
"""

from __future__ import annotations

from dialogs.catalog import LANGUAGES, Catalog
from dialogs.engine import Dialog
from dialogs.report_steps import declaration_problems
from knowledge import deadlines, report_fields
from storage import export


def schema_problems(db) -> list[str]:
    """Every column a report fills exists in the database's `cases` table."""
    have = {row[1] for row in db.execute("PRAGMA table_info(cases)").fetchall()}
    return [
        f"step {f.name!r} has no column {column!r} in migrations (storage/migrations.py: ALTER TABLE cases ADD COLUMN ...)"
        for f in report_fields.fields()
        if f.column
        for column in (f.column, *f.also)
        if column not in have
    ]


def catalog_problems(dialog: Dialog, catalog: Catalog) -> list[str]:
    """Every step has its question, its summary label and a label per option, in every language."""
    out = []
    for lang in LANGUAGES:
        for step in dialog.steps:
            keys = [] if step.kind == "summary" else [f"ask.{step.name}", f"field.{step.name}"]
            keys += [f"choice.{step.name}.{option}" for option in step.options]
            keys += [f"date_quick.{quick}" for quick in step.quick]
            out += [f"catalog {lang} lacks {key}" for key in keys if not catalog.has(lang, key)]
    return out


def export_problems() -> list[str]:
    """Every exported answer is a column of the export, with its options as the allowed values."""
    out = []
    by_name = {c.name: c for c in export.columns()}
    for f in report_fields.fields():
        if not f.export:
            continue
        column = by_name.get(f.export)
        if column is None:
            out.append(f"export lacks column {f.export!r} (field {f.name!r})")
        elif column.sql != f"c.{f.column}":
            out.append(f"export column {f.export!r} reads {column.sql}, not field {f.name!r}'s column c.{f.column}")
        elif f.options and column.allowed != " | ".join(f.options):
            out.append(f"export column {f.export!r} allows {column.allowed!r}, not field {f.name!r}'s options")
    return out


def clock_problems() -> list[str]:
    """The deadline clock knows a standard for every kind of appointment, and the values it reads are the report's."""
    out = [
        f"the deadline clock (knowledge/deadlines.py) has no standard for kind {k!r}"
        for k in report_fields.options("kind")
        if k not in deadlines._STANDARD_FOR_KIND
    ]
    for name, values in (
        ("kind", deadlines.KINDS),
        ("urgency", deadlines.URGENCIES),
        ("offered", deadlines.OFFERS),
        ("notified", deadlines.NOTIFIED),
    ):
        if values != report_fields.options(name):
            out.append(
                f"knowledge/deadlines.py's values for {name!r} are {values}, not the report's {report_fields.options(name)}"
            )
    # Values the code gives a meaning to must stay options of their question.
    for name, value in (("urgency", "urgent"), ("offered", "new_appt"), ("offered", "out_of_network"), ("share", "yes")):
        if value not in report_fields.options(name):
            out.append(f"field {name!r} lacks option {value!r}, which the code reads")
    return out


def problems(dialog: Dialog, *, db, catalog: Catalog) -> list[str]:
    """All of the above for this report table, database and catalog."""
    return (
        declaration_problems(dialog)
        + schema_problems(db)
        + catalog_problems(dialog, catalog)
        + export_problems()
        + clock_problems()
    )
