"""Every member-facing string exists in English and Spanish, with the same placeholders."""

from __future__ import annotations

from dialogs.catalog import Catalog
from dialogs.commands import COMMANDS
from dialogs.report_steps import REPORT

catalog = Catalog.load()


def test_every_key_exists_in_both_languages():
    en, es = set(catalog.strings["en"]), set(catalog.strings["es"])
    assert en - es == set(), "missing in Spanish"
    assert es - en == set(), "missing in English"


def test_translations_use_the_same_placeholders():
    for key, value in catalog.strings["en"].items():
        if isinstance(value, str):
            assert catalog.placeholders("en", key) == catalog.placeholders("es", key), key


def test_every_step_has_a_prompt_a_label_and_labels_for_its_choices():
    for lang in ("en", "es"):
        for step in REPORT.steps:
            if step.kind != "summary":
                assert catalog.has(lang, f"ask.{step.name}"), (lang, step.name)
                assert catalog.has(lang, f"field.{step.name}"), (lang, step.name)
            for option in step.options:
                assert catalog.has(lang, f"choice.{step.name}.{option}"), (lang, step.name, option)
            for quick in step.quick:
                assert catalog.has(lang, f"date_quick.{quick}"), (lang, quick)


def test_every_menu_command_has_a_description_in_both_languages():
    for lang in ("en", "es"):
        for command in COMMANDS:
            description = catalog.raw(lang, f"command.{command.name}")
            assert 3 <= len(description) <= 256


def test_parameters_are_escaped_but_catalog_markup_is_kept():
    text = catalog.t("en", "filed.done", ref="<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in text
    assert text.count("<b>") == 1
