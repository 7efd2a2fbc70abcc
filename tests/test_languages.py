"""One language registry: what every layer reads, and the refusal of a language without a crisis screen."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dialogs.catalog import LOCALES_DIR, Catalog
from dialogs.catalog import LANGUAGES as CATALOG_LANGUAGES
from knowledge import complaint, crisis, kb, languages
from knowledge.languages import CODES, LANGUAGES, Language, check


def test_every_layer_speaks_the_registered_languages():
    assert CODES == ("en", "es")
    assert CATALOG_LANGUAGES == kb.LANGUAGES == complaint.LANGS == crisis.LANGUAGES == CODES
    catalog = Catalog.load()
    assert set(catalog.strings) == set(CODES)
    assert all((LOCALES_DIR / languages.language(code).catalog).is_file() for code in CODES)


def test_a_language_without_a_crisis_screen_is_refused_at_load():
    french = Language(
        code="fr",
        name="Français",
        catalog="fr.toml",
        date_long="EEEE d MMMM",
        date_long_year="EEEE d MMMM y",
        date_short="d MMM",
        crisis=None,
    )
    with pytest.raises(ValueError, match="'fr' .* has no crisis screen"):
        check((*LANGUAGES, french))


def test_a_language_registered_with_another_languages_crisis_screen_is_refused():
    english_only = replace(LANGUAGES[1], crisis=LANGUAGES[0].crisis)
    with pytest.raises(ValueError, match="crisis patterns of 'en'"):
        check((LANGUAGES[0], english_only))


def test_an_unknown_language_code_is_not_registered():
    with pytest.raises(KeyError):
        languages.language("fr")
