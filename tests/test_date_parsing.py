"""Typed appointment dates: what members write, in English and Spanish."""

from datetime import date

import pytest

from dialogs.errors import InvalidAnswer
from dialogs.parsing import MAX_CHARS, parse_date

SATURDAY = date(2026, 11, 28)  # "today" unless a test says otherwise


def case(text, expected, lang="en", today=SATURDAY, id=None):
    return pytest.param(text, lang, today, expected, id=id or f"{lang}:{text}")


def check(text, lang, today, expected):
    assert parse_date(text, today=today, lang=lang) == expected


def reason_of(text, lang="en", today=SATURDAY, **kwargs):
    with pytest.raises(InvalidAnswer) as err:
        parse_date(text, today=today, lang=lang, **kwargs)
    return err.value


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("10/21", date(2026, 10, 21)),
        case("10/21/2026", date(2026, 10, 21)),
        case("10-21-26", date(2026, 10, 21)),
        case("2026-10-21", date(2026, 10, 21)),
        case("2026-10-21", date(2026, 10, 21), lang="es"),
        case("21.10.2026", date(2026, 10, 21), lang="es"),
        case("10 21", date(2026, 10, 21), id="en:spaced numbers as the whole answer"),
        case("10/21 at 2:30", date(2026, 10, 21)),
        case("la cita de 21/10", date(2026, 10, 21), lang="es"),
    ],
)
def test_numeric_date_is_read_month_first_in_english(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("el 21/10", date(2026, 10, 21), lang="es"),
        case("3/12", date(2026, 12, 3), lang="es", id="es:3/12 is December 3"),
        case("3/12", date(2027, 3, 12), lang="en", id="en:3/12 is March 12"),
        case("10/21", date(2026, 10, 21), lang="es", id="es:10/21 falls back to month first"),
        case("21/10", date(2026, 10, 21), lang="en", id="en:21/10 falls back to day first"),
        case("25/12/26", date(2026, 12, 25), lang="en"),
    ],
)
def test_numeric_date_order_follows_language_with_fallback(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("Oct 21", date(2026, 10, 21)),
        case("October 21st", date(2026, 10, 21)),
        case("21 Oct", date(2026, 10, 21)),
        case("Dec 3", date(2026, 12, 3)),
        case("Dec. 3rd", date(2026, 12, 3)),
        case("OCT 21", date(2026, 10, 21)),
        case("Tue, 21 Oct 2026", date(2026, 10, 21)),
        case("21oct2026", date(2026, 10, 21)),
        case("it was on oct 21", date(2026, 10, 21)),
        case("My appointment was supposed to be on Tuesday October 21st at 2pm", date(2026, 10, 21)),
        case("21 de octubre", date(2026, 10, 21), lang="es"),
        case("21 de octubre de 2026", date(2026, 10, 21), lang="es"),
        case("el 3 de diciembre", date(2026, 12, 3), lang="es"),
        case("3 dic", date(2026, 12, 3), lang="es"),
        case("octubre 21", date(2026, 10, 21), lang="es"),
        case("creo que el 3 de dic", date(2026, 12, 3), lang="es"),
        case("El 3 De Diciembre", date(2026, 12, 3), lang="es"),
        case("el primero de diciembre", date(2026, 12, 1), lang="es"),
        case("1º de diciembre", date(2026, 12, 1), lang="es"),
        case("21 de setiembre", date(2026, 9, 21), lang="es"),
        case("Oct 21", date(2026, 10, 21), lang="es", id="es:English month names work too"),
        case("3 de diciembre", date(2026, 12, 3), lang="en", id="en:Spanish month names work too"),
    ],
)
def test_month_name_dates_in_either_language(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("Dec 3", date(2026, 12, 3), id="upcoming date this year"),
        case("Oct 21", date(2026, 10, 21), id="recent date this year"),
        case("jan 2", date(2027, 1, 2), today=date(2026, 12, 30), id="jan 2 seen at year end is next year"),
        case("dec 30", date(2026, 12, 30), today=date(2027, 1, 2), id="dec 30 seen in january is last year"),
        case("1/2", date(2027, 1, 2), today=date(2026, 12, 30), id="numeric jan 2 at year end"),
        case("30 de diciembre", date(2026, 12, 30), lang="es", today=date(2027, 1, 2)),
        case("may 28", date(2026, 5, 28), id="the future twin beyond 180 days loses to the past one"),
    ],
)
def test_month_and_day_without_year_is_nearest_to_today(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("2/29/2028", date(2028, 2, 29), today=date(2028, 3, 1)),
        case("feb 29", date(2028, 2, 29), today=date(2028, 3, 1)),
        case("29 de febrero", date(2028, 2, 29), lang="es", today=date(2028, 2, 1)),
    ],
)
def test_leap_day_is_accepted_in_a_leap_year(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("yesterday", date(2026, 11, 27)),
        case("today", date(2026, 11, 28)),
        case("tomorrow", date(2026, 11, 29)),
        case("Yesterday morning", date(2026, 11, 27)),
        case("the day before yesterday", date(2026, 11, 26)),
        case("this morning", date(2026, 11, 28)),
        case("ayer", date(2026, 11, 27), lang="es"),
        case("hoy", date(2026, 11, 28), lang="es"),
        case("mañana", date(2026, 11, 29), lang="es"),
        case("manana", date(2026, 11, 29), lang="es"),
        case("Mañana", date(2026, 11, 29), lang="es"),
        case("anteayer", date(2026, 11, 26), lang="es"),
        case("antier", date(2026, 11, 26), lang="es"),
        case("pasado mañana", date(2026, 11, 30), lang="es"),
        case("esta mañana", date(2026, 11, 28), lang="es", id="es:esta mañana is today"),
        case("ayer martes", date(2026, 11, 27), lang="es", id="es:ayer beats a weekday"),
    ],
)
def test_relative_words_count_from_today(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("2 days ago", date(2026, 11, 26)),
        case("in 3 days", date(2026, 12, 1)),
        case("a week ago", date(2026, 11, 21)),
        case("two weeks ago", date(2026, 11, 14)),
        case("3 days from now", date(2026, 12, 1)),
        case("1 week and 2 days ago", date(2026, 11, 19)),
        case("hace 3 días", date(2026, 11, 25), lang="es"),
        case("hace 3 dias", date(2026, 11, 25), lang="es"),
        case("hace una semana", date(2026, 11, 21), lang="es"),
        case("hace dos semanas", date(2026, 11, 14), lang="es"),
        case("hace 2 meses", date(2026, 9, 28), lang="es"),
        case("3 días atrás", date(2026, 11, 25), lang="es"),
        case("dentro de 2 días", date(2026, 11, 30), lang="es"),
        case("en 2 semanas", date(2026, 12, 12), lang="es"),
    ],
)
def test_counted_days_ago_and_ahead(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("last Tuesday", date(2026, 11, 24)),
        case("tuesday", date(2026, 11, 24), id="en:bare weekday is the last one"),
        case("this past monday", date(2026, 11, 23)),
        case("saturday", date(2026, 11, 21), id="en:bare weekday of today is a week ago"),
        case("last saturday", date(2026, 11, 21)),
        case("el martes pasado", date(2026, 11, 24), lang="es"),
        case("martes pasado", date(2026, 11, 24), lang="es"),
        case("El Martes Pasado", date(2026, 11, 24), lang="es"),
        case("fue el martes pasado", date(2026, 11, 24), lang="es"),
        case("el lunes", date(2026, 11, 23), lang="es"),
        case("sábado", date(2026, 11, 21), lang="es"),
        case("el martes por la mañana", date(2026, 11, 24), lang="es", id="es:por la mañana is not tomorrow"),
    ],
)
def test_spanish_and_english_past_weekday_is_the_most_recent_one(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("next friday", date(2026, 12, 4)),
        case("next saturday", date(2026, 12, 5), id="en:next saturday on a saturday is a week ahead"),
        case("this friday", date(2026, 12, 4)),
        case("this saturday", date(2026, 11, 28), id="en:this saturday on a saturday is today"),
        case("el próximo viernes", date(2026, 12, 4), lang="es"),
        case("el proximo viernes", date(2026, 12, 4), lang="es"),
        case("el viernes que viene", date(2026, 12, 4), lang="es"),
        case("este viernes", date(2026, 12, 4), lang="es"),
    ],
)
def test_next_and_this_weekday_are_ahead(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("tuesday last week", date(2026, 11, 17)),
        case("el martes de la semana pasada", date(2026, 11, 17), lang="es"),
        case("monday next week", date(2026, 11, 30)),
        case("martes 24", date(2026, 11, 24), lang="es", id="es:weekday and its day"),
        case("tuesday the 21st", date(2026, 11, 21), id="en:the number wins a weekday that doesn't fit"),
    ],
)
def test_weekday_with_a_week_or_a_day_number(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("el martes a las 10.30", date(2026, 11, 24), lang="es"),
        case("el 21/10 a las 10.30", date(2026, 10, 21), lang="es"),
        case("2-3 days ago", date(2026, 11, 25)),
    ],
)
def test_a_time_or_range_is_not_read_as_a_date(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("21", date(2026, 11, 21)),
        case("the 21st", date(2026, 11, 21)),
        case("el 21", date(2026, 11, 21), lang="es"),
        case("el día 5", date(2026, 12, 5), lang="es", id="es:the 5th is nearer next month"),
        case("on the 5th", date(2026, 12, 5)),
    ],
)
def test_day_of_month_alone_is_the_nearest_one(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, today, expected",
    [
        case("5 days", date(2026, 11, 23), id="en:dateparser reads an unanchored count as ago"),
        case("21 10 2026", date(2026, 10, 21), lang="es"),
    ],
)
def test_odd_formats_fall_back_to_dateparser_or_spaced_numbers(text, lang, today, expected):
    check(text, lang, today, expected)


@pytest.mark.parametrize(
    "text, lang, fragment",
    [
        ("2/30", "en", "2/30"),
        ("13/45", "en", "13/45"),
        ("13/45", "es", "13/45"),
        ("2/29/2027", "en", "2/29/2027"),
        ("2026-02-30", "en", "2026-02-30"),
        ("creo que fue el 31 de Junio", "es", "31 de Junio"),
        ("feb 30", "en", "feb 30"),
        ("feb 29", "en", "feb 29"),  # no leap year near 2026
    ],
)
def test_impossible_date_names_what_the_member_typed(text, lang, fragment):
    err = reason_of(text, lang)
    assert err.reason == "date_impossible"
    assert err.params == {"text": fragment}


@pytest.mark.parametrize(
    "text, lang",
    [
        ("asdf", "en"),
        ("", "en"),
        ("   ", "en"),
        ("🙂", "en"),
        ("I don't know", "en"),
        ("no sé", "es"),
        ("sunset", "en"),
        ("at 3pm", "en"),
        ("1-800-464-4000", "en"),
        ("a", "en"),
        ("october", "en"),
        ("last week", "en"),
        ("la semana pasada", "es"),
        ("el mes pasado", "es"),
        ("this weekend", "en"),
        ("fortnight ago", "en"),
    ],
    ids=lambda v: v if isinstance(v, str) and v else repr(v),
)
def test_nothing_date_like_or_a_whole_period_is_unreadable(text, lang):
    err = reason_of(text, lang)
    assert err.reason == "date_unreadable"
    assert err.params == {}


@pytest.mark.parametrize(
    "text, lang, days",
    [
        ("oct 21 2024", "en", 768),
        ("10/21/2025", "en", 403),
        ("hace 400 días", "es", 400),
    ],
)
def test_date_more_than_past_days_ago_is_too_old(text, lang, days):
    err = reason_of(text, lang)
    assert err.reason == "date_too_old"
    assert err.params == {"days": days, "max_days": 365}


@pytest.mark.parametrize(
    "text, lang, days",
    [
        ("in 300 days", "en", 300),
        ("2/29/2028", "en", 458),
        ("dentro de 200 días", "es", 200),
        ("21 de octubre de 2027", "es", 327),
    ],
)
def test_date_more_than_future_days_ahead_is_too_far(text, lang, days):
    err = reason_of(text, lang)
    assert err.reason == "date_too_far"
    assert err.params == {"days": days, "max_days": 180}


def test_window_follows_the_step_limits():
    assert parse_date("2 days ago", today=SATURDAY, lang="en", past_days=2) == date(2026, 11, 26)
    assert reason_of("3 days ago", past_days=2).params == {"days": 3, "max_days": 2}
    assert reason_of("in 8 days", future_days=7).reason == "date_too_far"


def test_month_day_picks_the_occurrence_inside_a_narrow_window():
    # Nearest "may 28" to 2026-11-28 is in 2027 (181 days) but only 2026 fits 365/180.
    assert parse_date("may 28", today=SATURDAY, lang="en") == date(2026, 5, 28)
    assert parse_date("may 28", today=SATURDAY, lang="en", past_days=30, future_days=200) == date(2027, 5, 28)


@pytest.mark.parametrize(
    "text", ["x" * 5000, "oct 21 " * 20, "a" * (MAX_CHARS + 1)], ids=["5000 chars", "repeated date", "just over"]
)
def test_long_message_is_not_a_date(text):
    err = reason_of(text)
    assert err.reason == "date_too_long"
    assert err.params == {"max_chars": MAX_CHARS}


def test_text_at_the_limit_is_still_parsed():
    text = ("oct 21" + " " * MAX_CHARS)[: MAX_CHARS - 1] + "."
    assert parse_date(text, today=SATURDAY, lang="en") == date(2026, 10, 21)


def test_dateparser_results_far_from_today_are_rejected_not_trusted(monkeypatch):
    import dialogs.parsing as parsing

    monkeypatch.setattr(parsing, "_dateparser", lambda folded, today, lang: date(1930, 2, 2))
    err = reason_of("some 2 odd format")
    assert err.reason == "date_too_old"
