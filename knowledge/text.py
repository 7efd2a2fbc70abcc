"""Text normalisation shared by the knowledge base, its checker and its matcher."""

from __future__ import annotations

import re
import unicodedata

# Apostrophes vanish ("can't" -> "cant", "kaiser's" -> "kaisers") so a member who
# leaves them out types the same token; every other non-word character splits.
_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# A sentence ends at . ! or ? followed by a space or the end of the text; dots
# inside "28 CCR §1300.67.2.2" or "kp.org" don't end one.
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def strip_accents(text: str) -> str:
    """Text without diacritics ("atención" -> "atencion", "año" -> "ano")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Lowercase, accent-free, punctuation-free text with single spaces."""
    text = strip_accents(text.casefold())
    text = _APOSTROPHES.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """The words of a text after normalisation."""
    return normalize(text).split()


def placeholders(text: str) -> set[str]:
    """The names of the {placeholders} used in a text."""
    return set(_PLACEHOLDER.findall(text))


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace each known {name} by its value; unknown names are left as they are."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def count_sentences(text: str) -> int:
    """Roughly how many sentences a text has (at least 1 for non-empty text)."""
    text = text.strip()
    if not text:
        return 0
    return max(1, len(_SENTENCE_END.findall(text)) + (0 if text[-1] in ".!?" else 1))


# Words that mark a message as Spanish or English (after normalisation). Used only
# to answer someone who hasn't picked a language yet in the language they wrote.
_SPANISH = frozenset(
    """que como cuando donde por para porque pero mi mis me te le lo la las los el un una unos
de del al es esta estoy son hay tengo tiene puedo puede pueden quiero necesito cita citas terapia terapeuta
cancelaron cancelo ayuda hola gracias derechos queja dias semana no si ya tambien muy mas""".split()
)
_ENGLISH = frozenset(
    """the my i me is are was what how when where why can could do does did have has need want
appointment appointments therapy therapist canceled cancelled help hello hi thanks rights complaint days week
not yes to of and you it they them their this that for with""".split()
)


def guess_language(text: str) -> str | None:
    """'es' or 'en' when the words clearly say so, else None."""
    words = tokens(text)
    es = sum(w in _SPANISH for w in words) + 2 * sum(ch in "ñ¿¡áéíóú" for ch in text.lower())
    en = sum(w in _ENGLISH for w in words)
    if es > en:
        return "es"
    if en > es:
        return "en"
    return None


# Scripts by Unicode block, for messages in languages carebot does not speak.
_SCRIPT_RANGES = (
    ("ko", ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F))),
    ("ja", ((0x3040, 0x30FF),)),
    ("zh", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF))),
    ("ru", ((0x0400, 0x04FF),)),  # Cyrillic (Russian, Ukrainian, ...)
    ("hy", ((0x0530, 0x058F),)),
    ("ar", ((0x0600, 0x06FF), (0x0750, 0x077F))),  # Arabic script (Arabic, Persian, ...)
    ("he", ((0x0590, 0x05FF),)),
    ("th", ((0x0E00, 0x0E7F),)),
    ("hi", ((0x0900, 0x097F),)),
    ("km", ((0x1780, 0x17FF),)),
    ("el", ((0x0370, 0x03FF),)),
)
# Letters only Vietnamese uses among Latin-script languages.
_VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
_TAGALOG = frozenset(
    """ako ikaw siya kami tayo sila ang ng mga sa na nang hindi gusto ayoko ayaw po opo
ko mo niya namin natin nila ito iyan yung kasi pero talaga lang din rin naman salamat paano bakit saan kailan""".split()
)


def script_language(text: str) -> str | None:
    """The language a message is written in, when cheaply known: "en", "es", a script's main
    language ("zh", "ko", "ru", "ar", "hy", ...), "vi" or "tl"; None when unclear."""
    counts: dict[str, int] = {}
    latin = 0
    for ch in text:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if code < 0x250:
            latin += 1
            continue
        for lang, ranges in _SCRIPT_RANGES:
            if any(lo <= code <= hi for lo, hi in ranges):
                counts[lang] = counts.get(lang, 0) + 1
                break
        else:
            if 0x1E00 <= code <= 0x1EFF:  # Latin Extended Additional: Vietnamese tone letters
                latin += 1
    if counts:
        lang, n = max(counts.items(), key=lambda kv: kv[1])
        if lang == "zh" and counts.get("ja"):
            lang = "ja"
        if n >= latin:
            return lang
    if len(_VIETNAMESE.findall(text)) >= 2:
        return "vi"
    words = tokens(text)
    tagalog = sum(w in _TAGALOG for w in words)
    known = guess_language(text)
    if tagalog >= 2 and tagalog > sum(w in _ENGLISH or w in _SPANISH for w in words):
        return "tl"
    return known


def other_language(text: str) -> bool:
    """True when a message is clearly in a language carebot doesn't speak (neither English nor Spanish)."""
    return script_language(text) not in (None, "en", "es")
