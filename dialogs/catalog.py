"""Member-facing text: one catalog per language, keyed by name, in TOML files.

Strings may contain Telegram HTML (<b>, <i>). Parameters are escaped unless wrapped
in `Html`, so nothing a member typed can break the markup.
"""

from __future__ import annotations

import html
import tomllib
from pathlib import Path
from string import Formatter

from knowledge import languages

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = languages.CODES  # the registry: knowledge/languages.py
DEFAULT_LANGUAGE = languages.DEFAULT


class Html(str):
    """A parameter that is already safe HTML (built from catalog text and escaped values)."""


def _flatten(prefix: str, table: dict, out: dict) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = value


class Catalog:
    """All member-facing strings, per language."""

    def __init__(self, strings: dict[str, dict[str, str]], defaults: dict[str, str] | None = None):
        self.strings = strings
        self.defaults = defaults or {}

    @classmethod
    def load(cls, directory: Path = LOCALES_DIR, defaults: dict[str, str] | None = None) -> "Catalog":
        """Load every registered language's catalog (`<lang>.toml`) from the directory."""
        strings = {}
        for lang in LANGUAGES:
            with open(directory / languages.language(lang).catalog, "rb") as fh:
                flat: dict[str, str] = {}
                _flatten("", tomllib.load(fh), flat)
                strings[lang] = flat
        return cls(strings, defaults)

    def has(self, lang: str, key: str) -> bool:
        return key in self.strings.get(lang, {})

    def raw(self, lang: str, key: str) -> str:
        """The unformatted string (falls back to English, then fails loudly)."""
        lang = lang if lang in self.strings else DEFAULT_LANGUAGE
        try:
            return self.strings[lang][key]
        except KeyError:
            return self.strings[DEFAULT_LANGUAGE][key]

    def t(self, lang: str, key: str, **params) -> str:
        """The string `key` in `lang`, with parameters escaped and filled in."""
        text = self.raw(lang, key)
        values = {**self.defaults, **params}
        safe = {k: (v if isinstance(v, Html) else html.escape(str(v), quote=False)) for k, v in values.items()}
        return text.format_map(safe) if "{" in text else text

    def placeholders(self, lang: str, key: str) -> set[str]:
        """The parameter names a string uses."""
        return {name for _, name, _, _ in Formatter().parse(self.raw(lang, key)) if name}
