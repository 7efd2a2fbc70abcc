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
_SPANISH = frozenset("""que como cuando donde por para porque pero mi mis me te le lo la las los el un una unos
de del al es esta estoy son hay tengo tiene puedo puede pueden quiero necesito cita citas terapia terapeuta
cancelaron cancelo ayuda hola gracias derechos queja dias semana no si ya tambien muy mas""".split())
_ENGLISH = frozenset("""the my i me is are was what how when where why can could do does did have has need want
appointment appointments therapy therapist canceled cancelled help hello hi thanks rights complaint days week
not yes to of and you it they them their this that for with""".split())


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


# A language carebot doesn't speak (not English or Spanish), told by its script or, for
# Latin-script languages, by marks and words that English and Spanish don't use. A stopgap
# until the screen's multilingual model says which language a message is in.
_OTHER_SCRIPTS = (
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic (Russian, Ukrainian...)
    (0x0530, 0x058F),  # Armenian
    (0x0590, 0x05FF),  # Hebrew
    (0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF),  # Arabic, Persian
    (0x0900, 0x0DFF),  # Indic scripts (Hindi, Punjabi, Bengali, Tamil...)
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x10A0, 0x10FF),  # Georgian
    (0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF),  # Hangul (Korean)
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),  # CJK ideographs (Chinese)
)
# Letters Vietnamese writes and English/Spanish never do: đ ơ ư ă and the stacked-accent
# block (U+1EA0-U+1EF9: ạ ả ấ ầ ẩ ẫ ậ ắ ằ ẳ ẵ ặ ẹ ẻ ẽ ế ề ể ễ ệ ỉ ị ọ ỏ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ụ ủ ứ ừ ử ữ ự ỳ ỵ ỷ ỹ).
_VIETNAMESE = frozenset("đơưăĐƠƯĂ")
# Tagalog's everyday words (after normalisation); none is an English or Spanish word ("ano",
# "sino" and "pero" are left out: Spanish "año", "sino", "pero").
_TAGALOG = frozenset("""ako ikaw siya kami tayo sila ang mga ng nang hindi gusto ayoko ayaw wala walang
meron mayroon kasi naman talaga lang yung po opo ko mo niya namin natin nila ito iyan iyon dito diyan doon
bakit paano kailan saan kung kapag gawin sarili buhay mamatay patayin tulong tulungan""".split())


def _in_other_script(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _OTHER_SCRIPTS)


def other_language(text: str) -> bool:
    """True when a message is clearly in a language carebot doesn't speak (neither English nor Spanish)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    other = sum(_in_other_script(ch) for ch in letters)
    if other * 2 >= len(letters):
        return True  # Chinese, Korean, Russian, Armenian, Arabic...: mostly another script
    if sum(ch in _VIETNAMESE or 0x1EA0 <= ord(ch) <= 0x1EF9 for ch in letters) >= 2:
        return True  # Vietnamese
    words = tokens(text)
    tagalog = sum(w in _TAGALOG for w in words)
    known = sum(w in _SPANISH or w in _ENGLISH for w in words)
    return tagalog >= 2 and tagalog > known
