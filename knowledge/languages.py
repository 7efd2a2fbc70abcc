"""The languages carebot speaks: one registry that the catalogs, the knowledge base, the complaint
templates, the dates and the crisis screen read.

Adding a language is one entry here plus what it names: its member catalog
(dialogs/locales/<code>.toml), its text in every article and template, its date formats and its
crisis screen (a `Patterns` module like knowledge/crisis_en.py). A language without a crisis
screen is refused when this module loads: carebot never talks to members in a language whose
crisis language it cannot recognise (design.md, guarantee 5).

Still per language elsewhere (not yet read from here): the campaign's `region_es` and
`portal_complaint_path_es`, an article button's `label_es`, the language detector's word lists
(knowledge/language.py) and the retriever's stemmers (knowledge/retrieval.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge import crisis_en, crisis_es
from knowledge.crisis_text import Patterns

__all__ = ["CODES", "DEFAULT", "LANGUAGES", "Language", "check", "language"]


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, as in Telegram's language_code: "en", "es"
    name: str  # in the language itself, as a member would pick it
    catalog: str  # the member catalog's file in dialogs/locales/
    date_long: str  # CLDR pattern: "Tuesday, December 8"
    date_long_year: str  # the same with the year
    date_short: str  # "Dec 8"
    crisis: Patterns | None  # the crisis screen's patterns for this language (required)


LANGUAGES: tuple[Language, ...] = (
    Language(
        code="en",
        name="English",
        catalog="en.toml",
        date_long="EEEE, MMMM d",
        date_long_year="EEEE, MMMM d, y",
        date_short="MMM d",
        crisis=crisis_en.PATTERNS,
    ),
    Language(
        code="es",
        name="Español",
        catalog="es.toml",
        date_long="EEEE, d 'de' MMMM",
        date_long_year="EEEE, d 'de' MMMM 'de' y",
        date_short="d MMM",
        crisis=crisis_es.PATTERNS,
    ),
)
DEFAULT = "en"


def check(languages: tuple[Language, ...]) -> tuple[Language, ...]:
    """The registry, or ValueError naming what is wrong: a language without a crisis screen above all."""
    codes = [lang.code for lang in languages]
    if len(set(codes)) != len(codes):
        raise ValueError(f"languages: a code is registered twice in {codes}")
    if DEFAULT not in codes:
        raise ValueError(f"languages: the default language {DEFAULT!r} is not registered")
    for lang in languages:
        if lang.crisis is None:
            raise ValueError(
                f"language {lang.code!r} ({lang.name}) has no crisis screen: carebot must recognise crisis language"
                " in every language it speaks; write its patterns (like knowledge/crisis_es.py) and register them"
            )
        if lang.crisis.lang != lang.code:
            raise ValueError(f"language {lang.code!r} is registered with the crisis patterns of {lang.crisis.lang!r}")
    return languages


check(LANGUAGES)
CODES: tuple[str, ...] = tuple(lang.code for lang in LANGUAGES)


def language(code: str) -> Language:
    """The registered language with this code (KeyError if there is none)."""
    for lang in LANGUAGES:
        if lang.code == code:
            return lang
    raise KeyError(code)
