"""Dates that members type, read as a person would (English and Spanish).

``parse_date(text, today=..., lang=...)`` returns the date of a canceled
appointment, in the past or the future, or raises ``InvalidAnswer``.

Reasons raised (catalog key ``invalid.<reason>``) and their params:

- ``date_too_long`` (``max_chars``): the text is longer than ``MAX_CHARS``;
  it is a message, not a date, and is not parsed at all.
- ``date_unreadable`` (no params): nothing date-like, or something too vague
  to be one day ("last week", "october", "la semana pasada").
- ``date_impossible`` (``text``: the fragment as the member typed it, e.g.
  "2/30"): a day that doesn't exist ("2/30", "13/45", "31 de junio").
- ``date_too_old`` (``days``: how many days ago, ``max_days``: past_days):
  more than ``past_days`` before today.
- ``date_too_far`` (``days``: how many days ahead, ``max_days``: future_days):
  more than ``future_days`` after today.

Rules, tried in this order on the lowercased, accent-free text (extra words
around the date are fine: "it was on oct 21", "creo que el 3 de dic"):

1. Numbers. "2026-10-21" is year-month-day. Otherwise "10/21", "10-21-26",
   "21.10.2026": English reads month/day first, Spanish day/month first; when
   that order is impossible the other is tried ("10/21" in Spanish is Oct 21).
   When both orders are possible the language decides ("3/12": Mar 12 in
   English, Dec 3 in Spanish). Two-digit years are 20xx. Numbers split by
   spaces count only as the whole answer ("10 21"), not inside a sentence.
   A time or a range is not a date: "a las 10.30", "at 2-3pm", "2-3 days".
2. Month names, English or Spanish in either language, full or short:
   "Oct 21", "October 21st", "21 Oct", "21 de octubre", "octubre 21",
   "el primero de diciembre", with an optional four-digit year.
3. Counts: "2 days ago", "a week ago", "in 3 days", "3 days from now",
   "hace 3 días", "3 días atrás", "dentro de 2 días", "en 2 semanas"
   (days, weeks, months; digits or the words one..ten / uno..diez).
4. Words: "today"/"hoy", "yesterday"/"ayer"/"anoche", "tomorrow"/"mañana",
   "anteayer"/"antier"/"the day before yesterday", "pasado mañana"/"the day
   after tomorrow". They beat a weekday ("ayer martes" is yesterday).
   "por la mañana"/"en la mañana" is a time of day, not tomorrow; "esta
   mañana"/"this morning" is today.
5. Weekdays (today is never "last" or "next"):
   - "last tuesday", "this past tuesday", "el martes pasado", "martes
     pasado", and a bare "tuesday" / "el martes": the most recent one
     before today, 1-7 days ago.
   - "next friday", "el próximo viernes", "el viernes que viene": the first
     one after today, 1-7 days ahead.
   - "this friday", "este viernes": today or the next 6 days.
   - "tuesday last week", "el martes de la semana pasada" (also next/this
     week): that weekday in the previous (next, this) Monday-Sunday week.
6. A day of the month alone: "21", "el 21", "el día 5", "the 21st" (the
   nearest such day, as below). After a weekday, "martes 24" / "tue the
   24th", it is the 24th of a nearby month that is a Tuesday if there is one,
   else the nearest 24th: the number wins over the weekday.
7. A period rather than a day ("last week", "la semana pasada", "el mes
   pasado", "this weekend") is unreadable: the bot asks for the day instead
   of guessing one (dateparser would say "7 days ago").
8. Anything else with a digit or a month name goes to ``dateparser``, which
   must find a day and a month ("5 days" → 5 days ago; "october" alone has
   no day, so it is unreadable too); its answer is held
   to the same window, never trusted to have guessed the year. Text with no
   digit and no month name never reaches it: it reads "a" as January.

A month and day without a year ("Dec 3", "10/21", a bare "21") is the
occurrence nearest to today among those inside the window; on a tie, the past
one. So on 2026-11-28 "Dec 3" is 2026-12-03 and "Oct 21" is 2026-10-21; on
2026-12-30 "jan 2" is 2027-01-02. A "Feb 29" with no leap year near today is
impossible.

dateparser takes ~150 ms on its first use; rules 1-7 don't need it. Call
``warm_up()`` at start-up so that the first member who needs it doesn't wait.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from datetime import date, datetime, timedelta

from dialogs.errors import InvalidAnswer
from knowledge import languages

# Longer than this is a message, not a date. Real answers run past 60 ("My
# appointment was supposed to be on Tuesday October 21st at 2pm" is 64), and
# parsing 80 characters still costs well under a millisecond.
MAX_CHARS = 80

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "un": 1,
    "una": 1,
    "uno": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
}
_UNITS = {
    "day": "days",
    "days": "days",
    "dia": "days",
    "dias": "days",
    "week": "weeks",
    "weeks": "weeks",
    "semana": "weeks",
    "semanas": "weeks",
    "month": "months",
    "months": "months",
    "mes": "months",
    "meses": "months",
}
# Spellings CLDR doesn't list but members write.
_EXTRA_MONTHS = {"sept": 9, "setiembre": 9, "sep": 9}
_EXTRA_WEEKDAYS = {"tues": 1, "thur": 3, "thurs": 3, "weds": 2, "mier": 2}


def _fold(text: str) -> str:
    """Lowercase, drop accents and turn punctuation into spaces, one char per char.

    Keeping the length lets a match be reported in the member's own spelling.
    """
    out = []
    for ch in text:
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).lower()
        if len(base) != 1:
            base = " "
        if not (base.isalnum() or base in "/.-"):
            base = " "
        out.append(base)
    return "".join(out)


@functools.cache
def _vocabulary() -> tuple[dict[str, int], dict[str, int]]:
    """Month and weekday names (every registered language, full and short) from CLDR."""
    from babel.dates import get_day_names, get_month_names

    months: dict[str, int] = dict(_EXTRA_MONTHS)
    weekdays: dict[str, int] = dict(_EXTRA_WEEKDAYS)
    for locale in languages.CODES:
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                months[_fold(name).strip(" .")] = number
            for number, name in get_day_names(width, locale=locale).items():
                weekdays[_fold(name).strip(" .")] = number  # Monday is 0
    return months, weekdays


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _patterns() -> dict[str, re.Pattern]:
    months, weekdays = _vocabulary()
    month = rf"(?P<month>{_alternation(months)})\.?"
    day = r"(?<!\d)(?P<day>\d{1,2}|primero|first)(?:st|nd|rd|th|ro|ero|o)?"
    year = r"(?:\s*(?:,|de|del|of|[/.-])?\s*(?P<year>\d{4}))?(?!\d)"
    # "3 days", "a week", "1 week and 2 days", "una semana y 2 días"
    quantity = rf"\b(?P<n>\d{{1,3}}|{_alternation(_NUMBER_WORDS)})\s+(?P<unit>{_alternation(_UNITS)})\b"
    amount = (
        rf"{quantity.replace('?P<n>', '?:').replace('?P<unit>', '?:')}"
        rf"(?:\s+(?:and\s+|y\s+)?{quantity.replace('?P<n>', '?:').replace('?P<unit>', '?:')})*"
    )
    return {
        "time_before": re.compile(r"\b(?:a\s+las|a\s+la|at|@|between|entre)\s*$"),
        "time_after": re.compile(rf"\s*(?:am|pm|a\.?m|p\.?m|h|hrs|horas|hours|o\s*clock|{_alternation(_UNITS)})\b"),
        "iso": re.compile(r"(?<!\d)(?P<y>\d{4})([-/.])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?!\d)"),
        # Bare numbers with spaces only when they are the whole answer: "10 21", "21 10 2026".
        "spaced": re.compile(r"^\s*(?P<a>\d{1,2})\s+(?P<b>\d{1,2})(?:\s+(?P<y>\d{4}|\d{2}))?\s*$"),
        "numeric": re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})([/.-])(?P<b>\d{1,2})(?:\2(?P<y>\d{4}|\d{2}))?(?![\d/-])"),
        "day_month": re.compile(rf"\b{day}\s*(?:de\s+|of\s+|[/.-]\s*)?{month}(?![a-z]){year}"),
        "month_day": re.compile(rf"\b{month}\s*(?:the\s+|[/.-]\s*)?{day}\b{year}"),
        "quantity": re.compile(quantity),
        "ago": re.compile(rf"\b(?P<q>{amount})\s+(?:ago|back|earlier|atras)\b"),
        "hace": re.compile(rf"\bhace\s+(?:como\s+|unos\s+|unas\s+)?(?P<q>{amount})"),
        "ahead": re.compile(rf"\b(?:in|within|en|dentro\s+de)\s+(?:like\s+)?(?P<q>{amount})"),
        "from_now": re.compile(rf"\b(?P<q>{amount})\s+(?:from\s+(?:now|today)|de\s+hoy)\b"),
        "weekday": re.compile(
            rf"\b(?P<weekday>{_alternation(weekdays)})\.?(?![a-z])"
            r"(?:\s*(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th|ro|o)?\b)?"
        ),
        "past": re.compile(r"\b(?:last|past|previous|pasad[oa]|anterior)\b"),
        "future": re.compile(r"\b(?:next|coming|proxim[oa]|que\s+viene|siguiente|entrante)\b"),
        "this": re.compile(r"\b(?:this|este|esta)\b"),
        "week": re.compile(
            r"\b(?P<which>last|next|this|previous|past|coming)\s+week\b"
            r"|\b(?:la\s+)?(?P<cual>esta|proxima)\s+semana\b"
            r"|\bsemana\s+(?P<cuando>pasada|anterior|que\s+viene|entrante|proxima)\b"
        ),
        "month_word": re.compile(rf"\b{month}(?![a-z])"),
        "vague": re.compile(r"\b(?:weeks?|weekend|months?|years?|semanas?|mes|meses|anos?)\b"),
        "bare_day": re.compile(
            r"^\s*(?:(?:it\s+)?was\s+|fue\s+)?(?:on\s+)?(?:el|the|day|dia)?\s*"
            r"(?P<day>\d{1,2})(?:st|nd|rd|th|ro|o)?\s*$"
            r"|\b(?:el|the)\s+(?:dia\s+|day\s+)?(?P<day2>\d{1,2})(?:st|nd|rd|th|ro|o)?\b(?!\s*[/.-]?\s*\d)"
            r"|(?<!\d)(?P<day3>\d{1,2})(?:st|nd|rd|th)\b"
        ),
    }


# Relative words, longest phrases first: the first that appears wins.
_WORDS = (
    (re.compile(r"\b(?:pasado\s+manana|day\s+after\s+tomorrow)\b"), 2),
    (re.compile(r"\b(?:anteayer|antier|antes\s+de\s*ayer|day\s+before\s+yesterday)\b"), -2),
    (re.compile(r"\b(?:esta\s+(?:manana|tarde|noche)|this\s+(?:morning|afternoon|evening)|tonight)\b"), 0),
    (re.compile(r"\b(?:ayer|anoche|yesterday|last\s+night)\b"), -1),
    (re.compile(r"\b(?:hoy|today)\b"), 0),
    (re.compile(r"\b(?:manana|tomorrow)\b"), 1),
)
_WEEK_OFFSETS = {
    "last": -7,
    "previous": -7,
    "past": -7,
    "pasada": -7,
    "anterior": -7,
    "this": 0,
    "esta": 0,
    "next": 7,
    "coming": 7,
    "proxima": 7,
    "entrante": 7,
    "que viene": 7,
}
# "el martes por la mañana" is a time of day, not tomorrow.
_MORNING = re.compile(r"\b(?:en|por|de|a)\s+la\s+manana\b")


def warm_up() -> None:
    """Load names and dateparser's language data now, not on a member's first message."""
    _patterns()
    today = date.today()
    for text, lang in (("21 October 2026", "en"), ("21 de octubre de 2026", "es")):
        _dateparser(text, today=today, lang=lang)


def parse_date(text: str, *, today: date, lang: str, past_days: int = 365, future_days: int = 180) -> date:
    """The appointment date a member typed; raises InvalidAnswer (see module docstring)."""
    original = text.strip()
    if len(original) > MAX_CHARS:
        raise InvalidAnswer("date_too_long", max_chars=MAX_CHARS)
    folded = _fold(original)
    if not folded.strip():
        raise InvalidAnswer("date_unreadable")
    window = (today - timedelta(days=past_days), today + timedelta(days=future_days))
    spanish = lang.split("-")[0].lower() == "es"

    found = (
        _numeric(folded, original, today, window, spanish)
        or _named_month(folded, original, today, window)
        or _count(folded, today)
        or _word(folded, today)
        or _weekday(folded, today)
        or _bare_day(folded, today, window)
    )
    if found is None and not _patterns()["vague"].search(folded):
        found = _dateparser(folded, today=today, lang="es" if spanish else "en")
    if found is None:
        raise InvalidAnswer("date_unreadable")
    return _in_window(found, today, past_days, future_days)


def _in_window(d: date, today: date, past_days: int, future_days: int) -> date:
    if (today - d).days > past_days:
        raise InvalidAnswer("date_too_old", days=(today - d).days, max_days=past_days)
    if (d - today).days > future_days:
        raise InvalidAnswer("date_too_far", days=(d - today).days, max_days=future_days)
    return d


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest(candidates, today: date, window: tuple[date, date]) -> date | None:
    """The candidate nearest to today, preferring those inside the window; past wins a tie."""
    valid = [d for d in candidates if d is not None]
    if not valid:
        return None
    return min(valid, key=lambda d: (not (window[0] <= d <= window[1]), abs((d - today).days), d > today))


def _month_day(month: int, day: int, year: int | None, today: date, window) -> date | None:
    if not 1 <= month <= 12:
        return None
    if year is not None:
        return _make(year, month, day)
    return _nearest((_make(y, month, day) for y in (today.year - 1, today.year, today.year + 1)), today, window)


def _numeric(folded: str, original: str, today: date, window, spanish: bool) -> date | None:
    p = _patterns()
    if m := p["iso"].search(folded):
        d = _make(int(m["y"]), int(m["m"]), int(m["d"]))
        if d is None:
            raise InvalidAnswer("date_impossible", text=original[m.start() : m.end()])
        return d
    candidates = [m for m in p["numeric"].finditer(folded) if not _looks_like_time_or_range(folded, m)]
    m = candidates[0] if candidates else p["spaced"].search(folded)
    if not m:
        return None
    a, b = int(m["a"]), int(m["b"])
    year = None
    if m["y"]:
        year = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
    orders = ((b, a), (a, b)) if spanish else ((a, b), (b, a))  # (month, day)
    for month, day in orders:
        if d := _month_day(month, day, year, today, window):
            return d
    raise InvalidAnswer("date_impossible", text=original[m.start() : m.end()])


def _looks_like_time_or_range(folded: str, m: re.Match) -> bool:
    """ "a las 10.30", "at 2-3pm", "2-3 days ago": numbers that aren't a date."""
    if m["y"]:
        return False
    before, after = folded[: m.start()], folded[m.end() :]
    return bool(_patterns()["time_before"].search(before) or _patterns()["time_after"].match(after))


def _named_month(folded: str, original: str, today: date, window) -> date | None:
    months, _ = _vocabulary()
    p = _patterns()
    for name in ("day_month", "month_day"):
        m = p[name].search(folded)
        if not m:
            continue
        day = 1 if m["day"] in ("primero", "first") else int(m["day"])
        year = int(m["year"]) if m["year"] else None
        d = _month_day(months[m["month"]], day, year, today, window)
        if d is None:
            raise InvalidAnswer("date_impossible", text=original[m.start() : m.end()].strip())
        return d
    return None


def _shift_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _count(folded: str, today: date) -> date | None:
    p = _patterns()
    for name, sign in (("ago", -1), ("hace", -1), ("ahead", 1), ("from_now", 1)):
        m = p[name].search(folded)
        if not m:
            continue
        days = months = 0
        for q in p["quantity"].finditer(m["q"]):
            n = int(q["n"]) if q["n"].isdigit() else _NUMBER_WORDS[q["n"]]
            unit = _UNITS[q["unit"]]
            if unit == "months":
                months += n
            else:
                days += n * (7 if unit == "weeks" else 1)
        return _shift_months(today, sign * months) + timedelta(days=sign * days)
    return None


def _weekday(folded: str, today: date) -> date | None:
    p = _patterns()
    m = p["weekday"].search(folded)
    if not m:
        return None
    _, weekdays = _vocabulary()
    wanted = weekdays[m["weekday"]]
    if m["day"]:
        return _weekday_and_day(wanted, int(m["day"]), today)
    if w := p["week"].search(folded):
        which = " ".join((w["which"] or w["cual"] or w["cuando"]).split())
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(days=_WEEK_OFFSETS[which] + wanted)
    if p["past"].search(folded):
        return today - timedelta(days=(today.weekday() - wanted - 1) % 7 + 1)
    if p["future"].search(folded):
        return today + timedelta(days=(wanted - today.weekday() - 1) % 7 + 1)
    if p["this"].search(folded):
        return today + timedelta(days=(wanted - today.weekday()) % 7)
    return today - timedelta(days=(today.weekday() - wanted - 1) % 7 + 1)


def _weekday_and_day(wanted: int, day: int, today: date) -> date | None:
    """ "martes 21": a 21st that is a Tuesday in the months around today, else the nearest 21st."""
    first = today.replace(day=1)
    months = [_shift_months(first, k) for k in (-1, 0, 1)]
    days = [d for f in months if (d := _make(f.year, f.month, day))]
    matching = [d for d in days if d.weekday() == wanted]
    return min(matching or days, key=lambda d: (abs((d - today).days), d > today), default=None)


def _word(folded: str, today: date) -> date | None:
    folded = _MORNING.sub(" ", folded)
    for pattern, offset in _WORDS:
        if pattern.search(folded):
            return today + timedelta(days=offset)
    return None


def _bare_day(folded: str, today: date, window) -> date | None:
    m = _patterns()["bare_day"].search(folded)
    if not m:
        return None
    day = int(m["day"] or m["day2"] or m["day3"])
    if not 1 <= day <= 31:
        return None
    first = today.replace(day=1)
    months = (_shift_months(first, -1), first, _shift_months(first, 1))
    return _nearest((_make(f.year, f.month, day) for f in months), today, window)


def _dateparser(folded: str, *, today: date, lang: str) -> date | None:
    """dateparser's reading of a full date (day and month required), or None."""
    if not any(ch.isdigit() for ch in folded) and not _patterns()["month_word"].search(folded):
        return None  # it turns single words like "a" or "sun" into dates
    import dateparser  # noqa: PLC0415 - ~100 ms to import; only the odd answer needs it

    settings = {
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "PREFER_DATES_FROM": "current_period",
        "REQUIRE_PARTS": ["day", "month"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    languages = [lang, "es" if lang == "en" else "en"]
    try:
        result = dateparser.parse(folded, languages=languages, settings=settings)
    except (ValueError, OverflowError):  # out-of-range parts in odd input
        return None
    return result.date() if result else None
