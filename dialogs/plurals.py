"""Counts in words, right in each language ("1 day", "2 days"; "1 día", "2 días"), by CLDR's plural rules (Babel)."""

from __future__ import annotations

import functools

from babel import Locale


@functools.lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural_form(lang: str, n: int) -> str:
    """CLDR's plural category for `n` in `lang`: "one" or "other" for English and Spanish."""
    return _locale(lang).plural_form(abs(n))


def counted(catalog, lang: str, key: str, n: int) -> str:
    """`n` with its noun from the catalog's `plural.<key>.<form>` ("{n} day" / "{n} days")."""
    form = plural_form(lang, n)
    name = f"plural.{key}.{form}"
    if not catalog.has(lang, name):
        name = f"plural.{key}.other"
    return catalog.t(lang, name, n=n)
