"""How the crisis screen spells things: messages normalised, patterns written the same way.

`normalize()` turns a member's message into what the patterns see (see knowledge/crisis.py
for the whole screen); `squeeze_source()` and `join_lines()` spell a pattern the same way
(doubled letters squeezed, wrapped lines joined). `Patterns` is one language's share of
the screen: knowledge/crisis_en.py and knowledge/crisis_es.py each define one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from rapidfuzz.distance import OSA

__all__ = ["Patterns", "SPACES", "join_lines", "normalize", "squeeze_source"]


_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u201b\u02bc\u00b4\u0060]")
_BOUNDARY_CHARS = re.compile(r"[.!?;:,\u2026\u00bf\u00a1()\[\]{}\"\u201c\u201d\u00ab\u00bb\n\r\t]+")
_NON_WORD = re.compile(r"[^a-z0-9| ]+")
SPACES = re.compile(r" +")
_BOUNDARY_RUNS = re.compile(r"\|(?: \|)+")
_REPEATS = re.compile(r"([a-z])\1+")
# "i m", "don t": apostrophes typed as spaces.
_SPLIT_CONTRACTION = re.compile(r"\b(i|don|can|won|didn|doesn|isn|wouldn|couldn|shouldn|ain) (m|t|ve|d|ll)\b")
_MAYBE_SPLIT_CONTRACTION = re.compile(r" (?:m|t|ve|d|ll)\b")
_TOKEN = re.compile(r"\b[a-z]{5,16}\b")

# Distinctive words worth correcting when mistyped by one edit (squeezed
# spelling). Short or common words are left out: "hunting" must not become
# "hurting", nor "putting" "cutting".
_TYPO_VOCAB = (
    "myself", "suicide", "suicidal", "overdose", "overdosing", "overdosed",
    "suicidarme", "suicidar", "suicidio", "matarme", "morirme", "quitarme",
    "lastimarme", "cortarme", "desaparecer", "pastilas", "sobredosis",
    "autolesionarme", "autolesionando",
)  # fmt: skip
# Real words one edit from a vocabulary word: never "correct" these.
_REAL_WORDS = frozenset(
    """
    suicida suicidas suicidios suicides matame matarte matarse matarle matarlo matarla
    morirse morirte quitame quitarte quitarse quitarle quitarlo quitarla lastimarte
    lastimarse lastimarlo lastimarla cortame cortarte cortarse cortarle cortarlo cortarla
    suicidarse suicidarte suicidara suicidaron overdone pastila pastilas
    """.split()
)
_VOCAB = frozenset(_TYPO_VOCAB)
_VOCAB_BY_INITIAL: dict[str, tuple[str, ...]] = {}
for _w in _TYPO_VOCAB:
    _VOCAB_BY_INITIAL[_w[0]] = _VOCAB_BY_INITIAL.get(_w[0], ()) + (_w,)


@lru_cache(maxsize=8192)
def _correct(token: str) -> str:
    """The vocabulary word one edit away from a mistyped token, or the token itself."""
    if token in _REAL_WORDS or token in _VOCAB:
        return token
    for word in _VOCAB_BY_INITIAL.get(token[0], ()):
        if abs(len(word) - len(token)) <= 1 and OSA.distance(token, word, score_cutoff=1) <= 1:
            return word
    return token


_COMBINING = re.compile(r"[\u0300-\u036f]+")


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


# ASCII in one pass: letters and digits kept, apostrophes dropped, clause
# punctuation -> " | ", anything else -> space.
_ASCII_TABLE = str.maketrans(
    {
        chr(i): (
            chr(i)
            if chr(i).isascii() and (chr(i).isalnum() or chr(i) == " ")
            else ""
            if chr(i) in "'`"
            else " | "
            if chr(i) in '.!?;:,()[]{}"\n\r\t'
            else " "
        )
        for i in range(128)
    }
)


def normalize(text: str) -> str:
    """The message as the patterns see it: lowercase ASCII words, "|" between clauses."""
    text = text.casefold()
    if not text.isascii():
        text = _strip_accents(_APOSTROPHES.sub("", text))
        text = _NON_WORD.sub(" ", _BOUNDARY_CHARS.sub(" | ", text.translate(_ASCII_TABLE)))
    else:
        text = text.translate(_ASCII_TABLE)
    text = _BOUNDARY_RUNS.sub("|", SPACES.sub(" ", text)).strip(" |")
    if _MAYBE_SPLIT_CONTRACTION.search(text):
        text = _SPLIT_CONTRACTION.sub(r"\1\2", text)
    text = _REPEATS.sub(r"\1", text)
    fixes = {t: c for t in set(_TOKEN.findall(text)) if (c := _correct(t)) != t}
    if fixes:
        text = _TOKEN.sub(lambda m: fixes.get(m.group(0), m.group(0)), text)
    return text


# --------------------------------------------------------------------------
# Writing patterns: plain spelling, accent-free and without apostrophes; doubled
# letters are squeezed the way `normalize` squeezes messages.


def squeeze_source(source: str) -> str:
    """Collapse doubled letters in a pattern's literals, leaving escapes (\\b, \\d) alone."""
    out: list[str] = []
    prev = ""
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source):
            out.append(source[i : i + 2])
            prev = ""
            i += 2
            continue
        if "a" <= ch <= "z" and ch == prev:
            i += 1
            continue
        out.append(ch)
        prev = ch if "a" <= ch <= "z" else ""
        i += 1
    return "".join(out)


_LINE_BREAK = re.compile(r"\s*\n\s*")


def join_lines(source: str) -> str:
    """Join a wrapped pattern; a break must sit next to "|" so no space is lost silently."""
    for m in _LINE_BREAK.finditer(source):
        before, after = source[: m.start()], source[m.end() :]
        if not (before.endswith("|") or after.startswith("|")):
            raise ValueError(f"pattern wrapped away from a '|': ...{before[-20:]}<break>{after[:20]}...")
    return _LINE_BREAK.sub("", source)


@dataclass(frozen=True)
class Patterns:
    """One language's share of the crisis screen, written in plain spelling (see knowledge/crisis.py).

    Each family is a tuple of regular-expression sources; `{NAME}` refers to a macro, this
    language's or the screen's shared ones ({END}: the end of a clause). `masks` are idioms
    that share words with crisis phrases ("me muero de risa"), masked before matching.
    A language's alternatives are tried after those of the languages registered before it.
    """

    lang: str
    macros: Mapping[str, str]
    imminent_danger: tuple[str, ...]
    overdose: tuple[str, ...]
    suicidal_ideation: tuple[str, ...]
    self_harm: tuple[str, ...]
    hopelessness: tuple[str, ...]
    third_party_risk: tuple[str, ...]
    topic: tuple[str, ...]
    resource_request: tuple[str, ...]
    masks: tuple[str, ...]
