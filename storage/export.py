"""Exports of the complaint records for organizers: CSV, JSON or XLSX, with a data dictionary.

One row per filed case whose member agreed to share it (cases.share_ok = 1).
Pseudonymous: no Telegram ids, usernames, names, notes or typed clinic text,
unless the caller (who checked the organizer role and wrote the audit entry)
asks for the `contact` column, which holds a @username only where the member
agreed to be contacted.

Speed: the database does the work. Facility names come from a VALUES table
joined in SQL, check-in counts from the (case_id, status) index, escalation flags
from one DISTINCT subquery, the deadline outcome and the formula guard from
CASE expressions; the CSV writer then consumes the cursor directly. The only
Python called per row is the UTC-to-local filing date, cached per hour.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from knowledge.campaign import Campaign
from knowledge import report_fields
from knowledge.deadlines import STANDARDS
from storage.links import match_facility
from storage.roles import has_role
from storage.xlsx import write_xlsx

FORMATS = ("csv", "json", "xlsx")
# Statuses of a filed case (drafts are never exported).
FILED_STATUSES = ("open", "closed")
# A cell starting with one of these is read as a formula (or a DDE command) by
# spreadsheets; such text gets a leading single quote (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LOCAL_DATE_FUNCTION = "carebot_local_date"


@dataclass(frozen=True)
class Column:
    name: str
    sql: str  # expression over cases c, members m, facility names fac, escalated cases es
    type: str  # text | date | integer | boolean
    meaning: str
    allowed: str = ""


def answer_column(name: str, allowed: str | None = None) -> Column:
    """The export column of the report's answer `name`, as knowledge/report_fields.py declares it (its export name,
    meaning, type, and its options as the allowed values unless `allowed` says otherwise)."""
    f = report_fields.field(name)
    if not f.export:
        raise ValueError(f"report field {name!r} is not exported (knowledge/report_fields.py gives it no export name)")
    return Column(f.export, f"c.{f.column}", f.stored_as, f.meaning, " | ".join(f.options) if allowed is None else allowed)


def columns() -> tuple[Column, ...]:
    """The export's columns, in order: the report's exported answers come from their declarations (one declared
    but not placed here comes last), the rest are the export's own. The data dictionary is generated from them."""
    placed = _placed()
    names = {c.name for c in placed}
    return placed + tuple(answer_column(f.name) for f in report_fields.fields() if f.export and f.export not in names)


def _placed() -> tuple[Column, ...]:
    return (
        Column("reference", "c.ref", "text", "The case reference the member was given (pseudonymous).", "e.g. KP-7F3K2"),
        Column(
            "facility",
            "fac.name",
            "text",
            "The clinic, by the campaign's name for it. Empty when the member named a clinic not on the list "
            "(what they typed is free text and never exported).",
        ),
        answer_column("facility", "a facility id from the campaign file, or empty"),
        answer_column("kind"),
        answer_column("appt_date"),
        Column(
            "date_reported",
            f"{LOCAL_DATE_FUNCTION}(c.filed_at)",
            "date",
            "The day the member filed the report with carebot, in the campaign's time zone.",
        ),
        answer_column("notified"),
        answer_column("offered"),
        answer_column("offered_date"),
        Column(
            "out_of_network_offered",
            "(c.offered = 'out_of_network' OR c.oon_offered_on IS NOT NULL)",
            "boolean",
            "Out-of-network care was offered, at filing or at a later check-in.",
            "true | false",
        ),
        answer_column("urgency"),
        Column(
            "legal_deadline",
            "c.deadline_date",
            "date",
            "The date by which the plan must offer a new appointment under the timely-access standard.",
        ),
        Column(
            "deadline_standard",
            "c.deadline_standard",
            "text",
            "The timely-access standard the deadline comes from.",
            " | ".join(STANDARDS),
        ),
        Column(
            "days_waited",
            "",
            "integer",
            "Days from the date reported to the date care was restored, or to the export date while the case is open. "
            "Empty for a case closed without care restored.",
        ),
        Column(
            "deadline_outcome",
            "",
            "text",
            "met: a new appointment (reported at a check-in, offered at filing, or care restored) on or before the "
            "legal deadline; missed: the deadline has passed without one; pending: the deadline has not passed yet; "
            "unknown: no deadline was recorded.",
            "met | missed | pending | unknown",
        ),
        Column(
            "status",
            "c.status",
            "text",
            "The case's status. A case whose member erased their data with /delete is not exported at all "
            "(it is closed as withdrawn and counted only in the report's anonymous totals).",
            "open | closed",
        ),
        Column("care_restored_on", "c.restored_on", "date", "The day the member confirmed they were seen again."),
        Column(
            "checkins",
            "(SELECT count(*) FROM followups fu WHERE fu.case_id = c.id AND fu.status IN ('sent', 'answered'))",
            "integer",
            "Check-in messages sent to the member for this case (sent or answered).",
        ),
        Column(
            "escalated",
            "(es.case_id IS NOT NULL)",
            "boolean",
            "The case was escalated to the volunteer desk at least once.",
            "true | false",
        ),
        Column("complaint_sent_on", "c.complaint_sent_on", "date", "The day the member said they sent the complaint."),
        Column("language", "c.lang", "text", "The language the member used.", "en | es"),
    )


COLUMNS: tuple[Column, ...] = columns()  # as declared when the module loaded; an export reads columns() when it runs
CONTACT = Column(
    "contact",
    "CASE WHEN m.contact_ok = 1 THEN m.username END",
    "text",
    "The member's Telegram @username, only where they agreed to be contacted; otherwise empty. "
    "Present only in exports an organizer requested with contact details (audited).",
)

# "Met" when any evidence of a new appointment falls on or before the deadline.
_MET = (
    "(c.new_appt_date <= c.deadline_date"
    " OR (c.offered = 'new_appt' AND c.offered_date <= c.deadline_date)"
    " OR c.restored_on <= c.deadline_date)"
)
_OUTCOME_SQL = (
    f"CASE WHEN c.deadline_date IS NULL THEN 'unknown' WHEN {_MET} THEN 'met'"
    " WHEN c.deadline_date < :today THEN 'missed' ELSE 'pending' END"
)
_DAYS_SQL = (
    f"CASE WHEN c.restored_on IS NOT NULL"
    f" THEN max(0, CAST(julianday(c.restored_on) - julianday({LOCAL_DATE_FUNCTION}(c.filed_at)) AS INTEGER))"
    f" WHEN c.status = 'open'"
    f" THEN max(0, CAST(julianday(:today) - julianday({LOCAL_DATE_FUNCTION}(c.filed_at)) AS INTEGER))"
    f" END"
)
_COMPUTED = {"days_waited": _DAYS_SQL, "deadline_outcome": _OUTCOME_SQL}


@dataclass(frozen=True)
class ExportResult:
    content: bytes
    filename: str
    rows: int
    dictionary: bytes  # the data dictionary, CSV (UTF-8 with BOM): column, meaning, type, format, allowed values
    dictionary_filename: str
    columns: tuple[str, ...]
    media_type: str


class ExportError(ValueError):
    """A filter the export can't apply (unknown format, facility or status)."""


def can_include_contact(db: Database, settings_organizers, settings_admins, user_id: int | None) -> bool:
    """Whether this user may export contact details: organizers and admins, from settings or grants."""
    return has_role(db, user_id, "organizer", admins=frozenset(settings_admins), organizers=frozenset(settings_organizers))


class LocalDates:
    """UTC ISO timestamps -> ISO dates in a time zone, cached per UTC hour (exact: an hour that
    straddles a local midnight, as with half-hour offsets, is converted row by row)."""

    def __init__(self, tz: ZoneInfo):
        self.tz = tz
        self._hours: dict[str, str | None] = {}

    def _exact(self, text: str) -> str:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:  # storage is UTC; a naive time is UTC too
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(self.tz).date().isoformat()

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return None
        if not (text.endswith("+00:00") or text.endswith("Z")) or len(text) < 13:
            return self._exact(text)
        key = text[:13]
        try:
            day = self._hours[key]
        except KeyError:
            start = datetime.fromisoformat(key + ":00:00+00:00")
            first = start.astimezone(self.tz).date()
            last = (start + timedelta(minutes=59, seconds=59, microseconds=999999)).astimezone(self.tz).date()
            day = first.isoformat() if first == last else None
            self._hours[key] = day
        return day if day is not None else self._exact(text)

    def date(self, text: str | None) -> date | None:
        value = self(text)
        return date.fromisoformat(value) if value else None


def register_local_date(db: Database, tz: ZoneInfo) -> LocalDates:
    """Make carebot_local_date(utc_text) available in SQL on this connection, for the time zone `tz`."""
    local = LocalDates(tz)
    db.conn.create_function(LOCAL_DATE_FUNCTION, 1, local, deterministic=True)
    return local


def _neutral_sql(expr: str) -> str:
    """SQL for `expr` with a single quote put in front when it starts like a formula (FORMULA_STARTS)."""
    starts = ", ".join(f"char({ord(ch)})" for ch in FORMULA_STARTS)
    return f"CASE WHEN substr({expr}, 1, 1) IN ({starts}) THEN char(39) || {expr} ELSE {expr} END"


def _select(columns: tuple[Column, ...], fmt: str) -> str:
    parts = []
    for col in columns:
        expr = _COMPUTED.get(col.name, col.sql)
        if col.type == "text" and fmt in ("csv", "xlsx"):
            expr = _neutral_sql(expr)
        elif col.type == "boolean" and fmt == "csv":
            expr = f"CASE WHEN {expr} THEN 'true' ELSE 'false' END"
        parts.append(f"{expr} AS {col.name}")
    return ",\n  ".join(parts)


def _query(
    campaign: Campaign,
    columns: tuple[Column, ...],
    fmt: str,
    *,
    since,
    until,
    facility_id,
    status,
    include_contact: bool,
    today: date,
) -> tuple[str, dict]:
    params: dict = {"today": today.isoformat()}
    names = []
    for i, f in enumerate(campaign.facilities):
        params[f"fid{i}"], params[f"fname{i}"] = f.id, f.name
        names.append(f"(:fid{i}, :fname{i})")
    # A case whose member erased their data (/delete) leaves the export: only the report's anonymous counts keep it.
    where = ["c.status != 'draft'", "c.share_ok = 1", "coalesce(c.close_reason, '') != 'deleted'"]
    if since is not None:
        params["since"] = since.isoformat()
        where.append(f"{LOCAL_DATE_FUNCTION}(c.filed_at) >= :since")
    if until is not None:
        params["until"] = until.isoformat()
        where.append(f"{LOCAL_DATE_FUNCTION}(c.filed_at) <= :until")
    if facility_id is not None:
        params["facility_id"] = facility_id
        where.append("c.facility_id = :facility_id")
    if status is not None:
        params["status"] = status
        where.append("c.status = :status")
    sql = (
        "WITH fac(id, name) AS (VALUES " + ", ".join(names) + "),\n"
        " es AS MATERIALIZED (SELECT DISTINCT case_id FROM escalations WHERE case_id IS NOT NULL)\n"
        "SELECT\n  " + _select(columns, fmt) + "\n"
        "FROM cases c\n"
        " LEFT JOIN fac ON fac.id = c.facility_id\n"
        " LEFT JOIN es ON es.case_id = c.id\n"
        + (" LEFT JOIN members m ON m.id = c.member_id\n" if include_contact else "")
        + "WHERE "
        + " AND ".join(where)
        + "\nORDER BY c.id"
    )
    return sql, params


class _Counter:
    """Counts the rows flowing from a cursor to a writer without a per-row generator frame."""

    def __init__(self, cursor):
        self.cursor, self.n = cursor, 0

    def __iter__(self):
        return self

    def __next__(self):
        row = self.cursor.__next__()
        self.n += 1
        return row


def export_cases(
    db: Database,
    campaign: Campaign,
    *,
    fmt: str = "csv",
    since: date | None = None,
    until: date | None = None,
    facility: str | None = None,
    status: str | None = None,
    include_contact: bool = False,
    today: date,
) -> ExportResult:
    """The shared, filed cases as CSV, JSON or XLSX, with their data dictionary (see columns())."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    facility_id = None
    if facility:
        found = match_facility(campaign, facility)
        if found is None:
            raise ExportError(f"no facility named {facility!r} in the campaign (use its id or name)")
        facility_id = found.id
    if status is not None and status not in FILED_STATUSES:
        raise ExportError(f"unknown status {status!r}: use one of {', '.join(FILED_STATUSES)}")
    chosen = columns() + ((CONTACT,) if include_contact else ())
    names = tuple(c.name for c in chosen)
    register_local_date(db, campaign.tz)
    sql, params = _query(
        campaign,
        chosen,
        fmt,
        since=since,
        until=until,
        facility_id=facility_id,
        status=status,
        include_contact=include_contact,
        today=today,
    )
    cursor = db.execute(sql, params)
    if fmt == "csv":
        content, rows = _write_csv(cursor, names)
        media = "text/csv"
    elif fmt == "json":
        content, rows = _write_json(cursor, chosen)
        media = "application/json"
    else:
        content, rows = _write_xlsx(cursor, chosen)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    stem = f"carebot-cases-{campaign.id}-{today.isoformat()}"
    return ExportResult(
        content=content,
        filename=f"{stem}.{fmt}",
        rows=rows,
        dictionary=data_dictionary(chosen),
        dictionary_filename=f"{stem}.dictionary.csv",
        columns=names,
        media_type=media,
    )


def _write_csv(cursor, names) -> tuple[bytes, int]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(names)
    rows = _Counter(cursor)
    writer.writerows(rows)
    # UTF-8 with a byte-order mark: Excel then reads "Fontana, sí" as UTF-8, not as Windows-1252.
    return buf.getvalue().encode("utf-8-sig"), rows.n


def _write_json(cursor, columns) -> tuple[bytes, int]:
    names = [c.name for c in columns]
    bools = [i for i, c in enumerate(columns) if c.type == "boolean"]
    records: list[dict] = []
    append = records.append
    for row in cursor:
        record = dict(zip(names, row))
        for i in bools:
            record[names[i]] = bool(row[i])
        append(record)
    text = json.dumps(records, ensure_ascii=False, indent=None, separators=(",", ":"))
    return text.encode("utf-8"), len(records)


# Spreadsheet column widths (characters), by column type; a few named columns need more.
_WIDTHS = {"text": 16, "date": 12, "integer": 10, "boolean": 10}
_WIDE = {"facility": 28, "reference": 12, "deadline_standard": 20, "appointment_kind": 14, "contact": 20}


def _write_xlsx(cursor, columns) -> tuple[bytes, int]:
    """Streamed straight from the cursor (storage/xlsx.py): a few seconds for a campaign's 111,803 cases."""
    widths: list[float] = [max(_WIDE.get(c.name, _WIDTHS[c.type]), len(c.name) + 2) for c in columns]
    return write_xlsx(cursor, [c.name for c in columns], [c.type for c in columns], widths)


_FORMATS = {
    "text": "text",
    "date": "ISO 8601 date, YYYY-MM-DD (a date cell in XLSX); empty when unknown",
    "integer": "whole number",
    "boolean": "true or false (TRUE/FALSE in XLSX, JSON booleans)",
}


def data_dictionary(columns: tuple[Column, ...] | None = None) -> bytes:
    """The companion data dictionary as CSV (UTF-8 with BOM): one row per exported column (by default, columns())."""
    columns = _columns_now() if columns is None else columns
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["column", "meaning", "type", "format", "allowed values"])
    for col in columns:
        writer.writerow([col.name, col.meaning, col.type, _FORMATS[col.type], col.allowed])
    writer.writerow([])
    writer.writerow(
        [
            "(notes)",
            "One row per filed case whose member agreed to share it with the organizers. "
            "Pseudonymous: no Telegram ids, names, notes or typed clinic names. Text a spreadsheet would read "
            "as a formula (starting with = + - @, a tab or a carriage return) begins with a single quote.",
            "",
            "",
            "",
        ]
    )
    return buf.getvalue().encode("utf-8-sig")


_columns_now = columns  # data_dictionary's own parameter is called `columns`
