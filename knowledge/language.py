"""Which language a member's free message is written in: 'en', 'es', another one, or unknown.

The detector is lingua (package ``lingua-language-detector``; its models ship in
the wheel, nothing is downloaded), restricted to English, Spanish and the
languages most spoken by California health-plan members, in its low-accuracy
mode: measured on the 680 short member questions of tests/data (kb_eval and
member_questions) it is right 96% of the time in 0.2 ms (p99) for +24 MB, against
98% for +234 MB in high-accuracy mode and 90% for py3langid (which hesitates
between 97 languages and calls short English "Nigerian Pidgin" or "Polish").
Its few misses are very short or mixed texts; the word lists in
``knowledge.text.guess_language`` break those ties, so Spanglish counts as
Spanish and a short English question is never taken for a third language.
"""

from __future__ import annotations

import logging
import threading
import unicodedata

from knowledge.languages import CODES
from knowledge.retrieval import STOPWORDS
from knowledge.text import _ENGLISH, _SPANISH, guess_language, tokens

logger = logging.getLogger(__name__)

__all__ = ["OTHER", "detect_language"]

OTHER = "other"
# A third language is declared only on this much confidence and at least this many
# words: a wrong "other" withholds an answer, a wrong en/es only changes its language.
OTHER_MIN_CONFIDENCE = 0.9
OTHER_MIN_WORDS = 3

_detector = None
_lock = threading.Lock()


def _build():
    from lingua import Language, LanguageDetectorBuilder

    names = (
        "ENGLISH",
        "SPANISH",
        "CHINESE",
        "VIETNAMESE",
        "TAGALOG",
        "KOREAN",
        "RUSSIAN",
        "ARMENIAN",
        "PERSIAN",
        "ARABIC",
        "JAPANESE",
        "HINDI",
        "PUNJABI",
    )
    langs = [getattr(Language, n) for n in names if hasattr(Language, n)]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def _get():
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                _detector = _build()
    return _detector


def _mostly_non_latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    latin = sum("LATIN" in unicodedata.name(ch, "") for ch in letters)
    return latin < len(letters) / 2


def detect_language(text: str, known_words: frozenset[str] = frozenset()) -> str | None:
    """'en', 'es', OTHER for a third language, or None when the text says nothing (emoji, 'ok').

    `known_words` (the knowledge base's vocabulary: "dmhc", "grievance") count as
    English or Spanish when deciding whether a message is in a third language.
    """
    text = text[:1000]
    words = tokens(text)
    if not any(ch.isalpha() for ch in text):
        return None
    guess = guess_language(text)
    if _mostly_non_latin(text):
        return OTHER
    try:
        values = _get().compute_language_confidence_values(text)
    except Exception:  # a broken wheel must not cost the member an answer
        logger.exception("language detector failed")
        return guess
    if not values:
        return guess
    top = values[0]
    code = top.language.iso_code_639_1.name.lower()
    if code in CODES:
        # Mixed messages: the word lists know Spanglish is written by Spanish speakers.
        if guess and guess != code and top.value < OTHER_MIN_CONFIDENCE:
            return guess
        return code
    # Common English or Spanish words in it: a mixed message, answered in en/es, not a third language.
    known = sum(w in _ENGLISH or w in _SPANISH or w in STOPWORDS or w in known_words for w in words)
    if len(words) >= OTHER_MIN_WORDS and top.value >= OTHER_MIN_CONFIDENCE and known * 3 < len(words):
        return OTHER
    # Not sure it is a third language: pick the likelier of en/es.
    if guess:
        return guess
    by_code = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
    return "es" if by_code.get("es", 0.0) > by_code.get("en", 0.0) else "en"
