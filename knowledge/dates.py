"""Dates shown to members, in their language (Babel's CLDR data, not hand tables)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as _babel_format_date
from babel.dates import format_time as _babel_format_time

from knowledge.languages import LANGUAGES

# Each language's patterns (knowledge/languages.py): "Tuesday, December 8" / "martes, 8 de diciembre",
# what a member reads on a phone; with the year, for dates outside the current year and for documents.
_LONG = {lang.code: lang.date_long for lang in LANGUAGES}
_LONG_YEAR = {lang.code: lang.date_long_year for lang in LANGUAGES}
_SHORT = {lang.code: lang.date_short for lang in LANGUAGES}


def format_date(d: date, lang: str, *, today: date | None = None, year: bool | None = None) -> str:
    """A long, friendly date; the year is added when it isn't the current one."""
    if year is None:
        year = today is not None and d.year != today.year
    pattern = (_LONG_YEAR if year else _LONG).get(lang, _LONG["en"] if not year else _LONG_YEAR["en"])
    return _babel_format_date(d, pattern, locale=lang)


def format_short_date(d: date, lang: str) -> str:
    """A short date for buttons ("Nov 24" / "24 nov")."""
    return _babel_format_date(d, _SHORT.get(lang, _SHORT["en"]), locale=lang)


def format_weekday(d: date, lang: str) -> str:
    """The weekday name ("Monday" / "lunes")."""
    return _babel_format_date(d, "EEEE", locale=lang)


def format_time(t: datetime, lang: str) -> str:
    """A clock time ("9:00 AM" / "9:00")."""
    return _babel_format_time(t, "short", locale=lang)
