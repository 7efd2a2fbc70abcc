"""The crisis screen: first-person crisis or self-harm language, English and Spanish.

Every free-text message a member sends passes `screen()` before any dialog
logic (design.md, guarantee 5). It is a recall-first detector: a false alarm
costs a caring message with crisis resources; a miss can cost a life. So:

- fire on first-person statements of wanting to die, self-harm, overdose,
  imminent danger and hopelessness ("I can't go on", "ya no aguanto más");
- fire on someone else in danger *now* ("my daughter says she wants to kill
  herself") and on requests for a crisis line's number: both need the resources;
- stay quiet on coverage questions, history, idioms and explicit negations
  ("does Kaiser cover therapy for suicidal thoughts", "I used to self-harm",
  "this wait is killing me", "me muero de ganas", "I'm not suicidal").

How it works, in order:

1. `normalize()`: casefold, strip accents, drop apostrophes (don't -> dont),
   punctuation -> clause boundary "|", emoji and symbols -> space, squeeze
   repeated letters (kiiill, matarrme, noooo -> kil, matarme, no), then fix
   one-edit typos of a few distinctive words (suicde, myslef, suisidarme) with
   rapidfuzz's OSA distance.
2. Mask idioms whose words overlap crisis phrases ("killing myself trying to",
   "me muero de risa", "me corté el pelo", "live in Fresno").
3. Match curated regex families. A match is dropped when a negation or
   history marker sits right before it ("I'm not going to hurt myself",
   "no me voy a hacer daño", "I used to want to die"); a phrase that itself
   starts with a negation ("no quiero vivir", "don't want to live") is kept.
   A match right after someone else as the subject is dropped too ("the union
   is thinking about ending it", "the nurses can't take it anymore").
   Self-harm followed by a past-time marker ("...years ago") is history;
   "suicidal thoughts" next to coverage or treatment words is a topic.
4. For speed, only clauses holding a word that starts with a crisis stem are
   screened; an import-time proof over the parsed patterns shows that this
   never drops a match (see _required). ~50 us for a normal message, ~3 ms
   for 5,000 characters of ordinary text (benchmarks/crisis_screen.py).

The patterns are code, not a data file: regular expressions, one module per
language (knowledge/crisis_en.py, knowledge/crisis_es.py, registered in
knowledge/languages.py), and every change to them must go through the tests in
tests/test_crisis_screen.py; keeping them in code also keeps `screen()` free of
any file I/O. They are written in plain spelling and squeezed at import the
same way messages are (so "kill" in a pattern matches "kil", "kill", "killll");
normalisation lives in knowledge/crisis_text.py. The context rules below
(negations, history, someone else as the subject) are bilingual.

Limits, measured: on phrasings written after the patterns and not yet seen by
them, recall was 55-75% (English) and 70-95% (Spanish) per round, with few
false alarms (rounds in tests/data/crisis_phrases.toml). Clauses are screened
one by one, so meaning split across a comma or a pronoun is missed ("me tomé
las pastillas, todas"; "...suicidal thoughts? I have them every night"). This
is one safety layer: crisis help must also stay one tap away in every state.

`screen()` is pure and deterministic, and the result never carries the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Collection

# re's parser and its opcodes, for the stem proof (see _required): private modules typeshed does not describe.
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

from knowledge import languages
from knowledge.crisis_text import SPACES as _SPACES
from knowledge.crisis_text import Patterns, normalize
from knowledge.crisis_text import join_lines as _join_lines
from knowledge.crisis_text import squeeze_source as _squeeze_source

__all__ = ["CrisisResult", "LANGUAGES", "SIGNALS", "normalize", "screen"]


@dataclass(frozen=True)
class CrisisResult:
    """Whether a message needs crisis resources now, and which pattern family fired."""

    is_crisis: bool
    signal: str | None = None


_NOT_CRISIS = CrisisResult(False, None)

# Checked in this order; the first family that fires names the signal, so the
# most urgent reading wins when a message matches several.
SIGNALS = (
    "imminent_danger",  # means at hand, on a ledge, a goodbye, "not safe"
    "overdose",  # pills taken or about to be
    "suicidal_ideation",  # wanting to die or to kill oneself
    "self_harm",  # cutting, burning, hitting oneself
    "hopelessness",  # "I can't go on", "ya no aguanto más", "a burden"
    "third_party_risk",  # someone else in danger now
    "resource_request",  # asking for a crisis line's number
)

# --------------------------------------------------------------------------
# The languages the screen reads, registered in knowledge/languages.py (which refuses a
# language without patterns), in that order: within a family, a language's
# alternatives are tried after those of the languages before it.
_LANGUAGES: tuple[Patterns, ...] = tuple(lang.crisis for lang in languages.LANGUAGES if lang.crisis is not None)
LANGUAGES: tuple[str, ...] = tuple(p.lang for p in _LANGUAGES)

# --------------------------------------------------------------------------
# Pattern building blocks. `_compile` expands {MACROS} (the shared ones below
# and each language's) and squeezes doubled letters.

_SHARED_MACROS = {
    # End of a clause or message.
    "END": r"(?= ?(?:\||$))",
}


def _merge_macros(languages: tuple[Patterns, ...]) -> dict[str, str]:
    macros = dict(_SHARED_MACROS)
    for patterns in languages:
        for name, source in patterns.macros.items():
            if name in macros:
                raise ValueError(f"crisis screen: macro {{{name}}} of {patterns.lang!r} is already defined")
            macros[name] = source
    return macros


_MACROS = _merge_macros(_LANGUAGES)

_MACRO_REF = re.compile(r"\{([A-Z]+)\}")


def _expand(source: str) -> str:
    while _MACRO_REF.search(source):  # macros may use macros
        source = _MACRO_REF.sub(lambda m: _join_lines(_MACROS[m.group(1)]), source)
    return _join_lines(source)


def _compile(sources: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation for a family; every alternative starts on a word boundary."""
    return re.compile(rf"\b(?:{'|'.join(f'(?:{a})' for a in _alternatives(sources))})")


def _alternatives(sources: tuple[str, ...]) -> list[str]:
    return [_squeeze_source(_expand(s)) for s in sources]


# --------------------------------------------------------------------------
# The families: each language's alternatives, in _LANGUAGES order.

_IMMINENT = tuple(a for p in _LANGUAGES for a in p.imminent_danger)
_OVERDOSE = tuple(a for p in _LANGUAGES for a in p.overdose)
_SUICIDAL = tuple(a for p in _LANGUAGES for a in p.suicidal_ideation)
_SELF_HARM = tuple(a for p in _LANGUAGES for a in p.self_harm)
_HOPELESS = tuple(a for p in _LANGUAGES for a in p.hopelessness)
_THIRD_PARTY = tuple(a for p in _LANGUAGES for a in p.third_party_risk)
_RESOURCE_REQUEST = tuple(a for p in _LANGUAGES for a in p.resource_request)

# Topic phrases fire on their own ("suicidal thoughts all day", "mis ideas
# suicidas otra vez") unless the words around them make them a topic:
# coverage, treatment, history ("therapy for suicidal thoughts", "my
# self-harm recovery"). Checked after every other family.
_TOPIC = tuple(a for p in _LANGUAGES for a in p.topic)
_TOPIC_BEFORE = re.compile(
    _squeeze_source(
        _join_lines(
            r"""\b(?:for|with|about|on|of|treat|treats|treating|treated|treatment|cover|covers|covered|coverage|history|help|helps
            |helping|helped|research|article|paper|class|training|regarding|including|para|con|sobre|por|tratamiento|tratar|cubre
            |cubren|cobertura|ayuda|ayudaba|ayudo|ayudar|incluye|incluyen|como|del|de)(?: [a-z0-9]+){0,3} $"""
        )
    )
)
_TOPIC_AFTER = re.compile(
    _squeeze_source(
        _join_lines(
            r"""(?: [a-z0-9]+){0,2} (?:history|in the past|years ago|long ago|when i was|as a (?:kid|teen|child)|recovery|prevention
            |in (?:college|high school|highschool|my teens|my twenties|my youth)|back (?:then|in)|as a teenager
            |awareness|hotline|historia|hace (?:anos|mucho|tiempo)|cuando era|de (?:joven|nina|nino|adolescente)|recuperacion
            |prevencion)\b"""
        )
    )
)

# Checked in SIGNALS order. (signal, patterns, veto): "history" drops a match
# followed by a past-time marker ("I cut myself years ago"); "topic" also drops
# one preceded by coverage or treatment words ("therapy for suicidal thoughts").
_FAMILY_SOURCES: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("imminent_danger", _IMMINENT, None),
    ("overdose", _OVERDOSE, None),
    ("suicidal_ideation", _SUICIDAL, None),
    ("self_harm", _SELF_HARM, "history"),
    ("hopelessness", _HOPELESS, None),
    ("third_party_risk", _THIRD_PARTY, None),
    ("suicidal_ideation", _TOPIC, "topic"),
    ("resource_request", _RESOURCE_REQUEST, None),
)

# --------------------------------------------------------------------------
# Idioms that share words with crisis phrases: masked before matching, so the
# rest of the message is still screened.
_MASK_SOURCES = tuple(a for p in _LANGUAGES for a in p.masks)
# Whole words only (the trailing \b), so masking never leaves a word fragment behind.
_MASKS = re.compile(_compile(_MASK_SOURCES).pattern + r"\b")

# A negation or history marker right before a match ("I'm not going to",
# "no me voy a", "I used to"), with at most four filler words between.
_NEGATORS = r"(?:not|never|dont|didnt|doesnt|wont|wouldnt|no|nunca|jamas|tampoco|ni|used to|stopped|quit|deje de|solia|antes)"
_FILLERS = r"""(?:going|to|gonna|want|wanna|wana|planning|plan|on|trying|try|thinking|about|of|ever|even|really|actually|honestly
    |seriously|just|do|would|will|ll|be|me|voy|va|a|quiero|kiero|estoy|pensando|en|pienso|pensar|de|para|nada|nunca|realmente|la
    |verdad|se|lo|te|haria|intentar|tratar|creo|que|feel|feeling|like)"""
_GUARD = re.compile(_squeeze_source(_join_lines(rf"(?:^|[ |]){_NEGATORS} (?:{_FILLERS} ){{0,4}}$")))
_NEGATOR_START = re.compile(_squeeze_source(rf"{_NEGATORS}\b"))
_GUARD_WINDOW = 80

# Someone else as the subject right before a match: "the union is thinking
# about ending it", "the nurses can't take it anymore", "they said they can't
# go on". Not applied to third_party_risk, whose patterns name someone else.
_OTHER_SUBJECTS = r"""(?:they|theyre|theyll|theyd|theyve|we|were|weve|wed|hes|she|shes|kaiser|the union|union|management|the company
    |the clinic|the hospital|the strike|the therapists|therapists|the nurses|nurses|clinicians|the clinicians|workers|the workers|staff
    |the staff|the doctors|doctors|people|my (?:therapist|doctor|psychiatrist|counselor|provider|boss|coworker|coworkers|friend|friends
    |son|daughter|husband|wife|partner|mom|dad|mother|father|brother|sister|kid|kids|child|children|family|parents))"""
_AUX = r"""(?:are|is|re|s|was|were|will|ll|might|may|should|could|would|d|cant|can not|cannot|need to|needs to|want to|wants to
    |have to|has to|plan to|plans to|going to|gonna|r|just|really|finally|probably|actually|seriously|also|all|been|be|keep|keeps
    |said|say|says|told me|think|thinks|seem to|seems to)"""
_OTHER_SUBJECT = re.compile(
    # "he" only with an auxiliary after it: Spanish "he pensado" is "I have thought".
    _squeeze_source(_join_lines(rf"(?:^|[ |])(?:{_OTHER_SUBJECTS}(?: {_AUX}){{0,3}}|he(?: {_AUX}){{1,3}}) $"))
)


# --------------------------------------------------------------------------
# Speed: only clauses holding a word that starts with a crisis stem are
# masked and screened. Dropping clauses is exact: no pattern, mask, guard or
# lookahead matches across a "|", and _check_stems proves at import that every
# match of every alternative contains such a word. A stem only decides where
# to look, never what fires.

# Squeezed spelling. Only what the proof needs, as rare as possible (fewer
# clauses scanned); when a new pattern needs one, the import fails and names
# the pattern.
_STEMS = (
    "die", "dead", "death", "dying", "kil", "kms", "sewer", "self", "harm", "hurt", "cut", "burn", "bleed", "od",
    "med", "bleach", "poison", "lethal", "jump", "bridge", "roof", "ledge", "cliff", "train", "traffic", "gun",
    "pistol", "knife", "rope", "nose", "blade", "razor", "end", "life", "live", "living", "alive", "exist", "wake",
    "waking", "disapear", "vanish", "sleep", "burden", "hope", "point", "reason", "go on", "anymore", "longer",
    "safe", "godbye", "bye", "farewel", "note", "leter", "plan", "miss", "notice", "care", "beter", "happier",
    "way out", "tired", "sick", "exhausted", "done", "finished", "over", "left", "cope", "bear", "do this", "do it",
    "something", "relapse", "stab", "slit", "slice", "hit", "scratch", "carv", "scrape", "bang", "time for me",
    "my time", "make it", "be around", "be here", "giving", "gave", "give", "stop", "wish", "crisis", "988", "mat",
    "muer", "muri", "mor", "vida", "viv", "despert", "sobredosis", "dosis", "cloro", "veneno", "raticida",
    "anticongelante", "cort", "lastim", "dano", "quem", "golpe", "heri", "autolesion", "aguant", "soport", "puedo",
    "resist", "salida", "esperanza", "carga", "estorbo", "extran", "despedid", "adios", "puente", "techo", "azotea",
    "balcon", "cornisa", "vias", "arma", "cuchillo", "navaja", "soga", "cuerda", "reata", "salvo", "segur", "noche",
    "saltar", "aventar", "lanzar", "brincar", "colgar", "ahorcar", "envenen", "cansad", "hart", "agotad", "canse",
    "nada", "rindo", "rendi", "termin", "acab", "algo", "tiro", "balazo", "sangr", "rasguno", "estar", "listo",
    "irme", "ir de", "aqui", "nacido", "salud mental", "arojar", "echar", "volver a", "frasco", "bote", "caja",
    "blister", "tira", "prefer", "track", "rail", "in front of", "rifle", "firearm", "tonight", "this is my last",
    "message", "scared", "afraid", "terrified", "worried", "ultim", "edge", "truck", "freeway", "ocean", "river",
    "scissors", "my car", "the car", "myself", "antifreeze", "drain cleaner", "fatal", "o d", "myslf", "mysef",
    "meself", "unaliv", "this world", "cry", "dark", "being here", "sui", "para siempre", "despiert", "seguir",
    "slicing", "arano", "hiero", "until i", "until they", "going", "doing this", "to go away", "took", "va a",
    "if i", "notaria", "se daria cuenta", "crash", "cancer", "caring", "would know", "organiz", "prepar",
    "research", "no estuviera", "ya no estoy", "quiero", "quisiera", "desearia", "ojala", "mejor", "kiero", "again",
    "cant", "can not", "dont", "do not", "a bus", "a wall", "the sea", "desapare", "despid", "loraria", "hiri", "carta",
    "tell my", "tell the", "do something", "cabinet", "cupboard", "want out", "wanna out", "need out", "without me", "without", "este mundo", "bother", "lo mejor", "fuerza", "energia", "than",
)  # fmt: skip
# Every pill name is a stem too.
_MACRO_STEMS = tuple(
    word
    for name in ("PILLNAMES", "PASTILLAS")
    for word in _join_lines(_MACROS[name]).removeprefix("(?:").removesuffix(")").split("|")
) + ("prescription", "bottle", "supply", "stash")


def _prefix_trie(words: Collection[str]) -> str:
    """A regex matching any string that starts with one of `words`, factored as a trie.

    A flat alternation of ~250 stems cost ~1 ms per 5,000 characters; the trie
    tries one branch per character instead of one per stem.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        if "" in node:
            return ""  # a shorter stem already matches every longer one
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"

    return build(trie)


_ALL_STEMS = frozenset(_squeeze_source(s) for s in _STEMS + _MACRO_STEMS)
_STEM_ALTERNATION = _prefix_trie(set(_ALL_STEMS))
# In a message: a word starting with a stem. In an anchor (see _required): the same, spelt " stem".
_STEM_RE = re.compile(rf"\b(?:{_STEM_ALTERNATION})")
_STEM_AT_WORD_START = re.compile(f" (?:{_STEM_ALTERNATION})")


_EXPANSION_CAP = 512


def _expansions(items) -> frozenset[str] | None:
    """Every string a purely literal parsed pattern can match (None: not purely literal, or too many)."""
    out = frozenset({""})
    for op, av in items:
        part: frozenset[str] | None
        if op is _sre.LITERAL:
            part = frozenset({chr(av)})
        elif op is _sre.SUBPATTERN:
            part = _expansions(av[-1])
        elif op is _sre.BRANCH:
            branches = [e for b in av[1] if (e := _expansions(b)) is not None]
            part = frozenset[str]().union(*branches) if len(branches) == len(av[1]) else None
        elif op is _sre.IN and all(o is _sre.LITERAL for o, _ in av):
            part = frozenset(chr(a) for _, a in av)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[:2] == (0, 1):
            inner = _expansions(av[2])
            part = None if inner is None else inner | {""}
        else:
            return None
        if part is None or len(out) * len(part) > _EXPANSION_CAP:
            return None
        out = frozenset(a + b for a in out for b in part)
    return out


def _required(items, at_word_start: bool = True) -> frozenset[str] | None:
    """Literal strings of which every match of a parsed pattern contains one (None: none known).

    Candidates are the expansions of each purely literal stretch and, inside
    groups and repeats of at least one, what they require. A stretch that
    begins at a word start carries a leading space, so " kil" means "a word
    starting with kil". The chosen set is the one whose strings all hold a
    stem at a word start, then the one with longer strings.
    """
    best: frozenset[str] | None = None

    def consider(candidate: frozenset[str] | None) -> None:
        nonlocal best
        if not candidate or any(not a.strip() for a in candidate):
            return
        if best is None or _anchor_score(candidate) > _anchor_score(best):
            best = candidate

    stretch: frozenset[str] = frozenset({" " if at_word_start else ""})
    for op, av in items:
        literal = _expansions([(op, av)])
        if literal is not None and len(stretch) * len(literal) <= _EXPANSION_CAP:
            stretch = frozenset(a + b for a in stretch for b in literal)
            continue
        consider(stretch)
        starts_word = all(a.endswith(" ") for a in stretch)
        if literal is not None:
            stretch = frozenset((" " if starts_word else "") + b for b in literal)
        elif starts_word and op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and _ends_with_space(av[2]):
            stretch = frozenset({" "})  # "(?:\w+ ){0,2}" after a word start ends at one too
        else:
            stretch = frozenset({""})
        if op is _sre.SUBPATTERN:
            consider(_required(av[-1], starts_word))
        elif op is _sre.BRANCH:
            parts = [req for b in av[1] if (req := _required(b, starts_word)) is not None]
            if len(parts) == len(av[1]):
                consider(frozenset[str]().union(*parts))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[0] >= 1:
            consider(_required(av[2], starts_word))
    consider(stretch)
    return best


def _ends_with_space(items) -> bool:
    if not items:
        return False
    op, av = items[-1]
    if op is _sre.LITERAL:
        return av == ord(" ")
    if op is _sre.SUBPATTERN:
        return _ends_with_space(av[-1])
    if op is _sre.BRANCH:
        return all(_ends_with_space(b) for b in av[1])
    return False


def _anchor_score(anchors: frozenset[str]) -> tuple[bool, int]:
    return all(_STEM_AT_WORD_START.search(a) for a in anchors), min(len(a) for a in anchors)


def _family_stems(signal: str, sources: tuple[str, ...]) -> frozenset[str]:
    """The stems that every match of the family contains one of; refuse to load if there are none."""
    stems: set[str] = set()
    for alt in _alternatives(sources):
        anchors = _required(_parser.parse(alt))
        if anchors is None or not _anchor_score(anchors)[0]:  # a message could match without a stem
            example = sorted(anchors or ())[:3]
            raise ValueError(f"{signal}: no stem is required by {alt[:80]!r} (e.g. {example}); add one to _STEMS")
        # One stem per anchor string is enough: every match contains one of the anchors.
        # (_anchor_score has just checked that every anchor holds one.)
        stems.update(m.group(0)[1:] for a in anchors if (m := _STEM_AT_WORD_START.search(a)) is not None)
    return frozenset(stems)


@dataclass(frozen=True)
class _Family:
    signal: str
    pattern: re.Pattern[str]
    veto: str | None
    stems: re.Pattern[str]  # a clause without one of these cannot match `pattern`
    first_person: bool  # dismiss a match that follows someone else's name (_OTHER_SUBJECT)


def _family(signal: str, sources: tuple[str, ...], veto: str | None) -> _Family:
    stems = _family_stems(signal, sources)
    first_person = signal not in ("third_party_risk", "resource_request")
    return _Family(signal, _compile(sources), veto, re.compile(rf"\b{_prefix_trie(stems)}"), first_person)


_FAMILIES = tuple(_family(*spec) for spec in _FAMILY_SOURCES)


def _clauses_to_screen(normalized: str) -> list[str]:
    """The clauses holding a crisis stem, idioms masked."""
    return [_SPACES.sub(" ", _MASKS.sub(" | ", c)) for c in normalized.split(" | ") if _STEM_RE.search(c)]


# A match that names the member ("...happier if i was gone", "...better off without me")
# is about them even after someone else's name ("my family would be happier if i was gone").
_NAMES_THE_MEMBER = re.compile(r"\b(?:if i|without me|if im|when im|once im|me muera|me muero|sin mi)\b")


def _dismissed(text: str, start: int, first_person: bool, end: int | None = None) -> bool:
    """Whether a negation, a history marker or someone else's name governs the phrase at `start`."""
    window = max(0, start - _GUARD_WINDOW)
    if first_person and _OTHER_SUBJECT.search(text, window, start):
        if end is None or not _NAMES_THE_MEMBER.search(text, start, end):
            return True
    if _NEGATOR_START.match(text, start):
        return False  # the phrase carries its own negation: "no quiero vivir"
    return _GUARD.search(text, window, start) is not None


# History told with a date and a recovery: "i attempted suicide in 2015 but im stable now",
# "intente suicidarme hace diez anos pero ya estoy bien". A match next to a dated past
# marker (a year, "N years ago", "hace N anos", "back in") is history, but only when the
# message also says the member is well now: "in 2015 ... and i want to try again" still fires.
_NUMBER_WORDS = r"""(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|a few|few|many|several|some|couple of
    |a couple of|un|una|unos|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|quince|veinte|muchos|varios|algunos|como)"""
_DATED_PAST = rf"""(?:(?:in|back in|around|during|since|en|en el|el|del|desde|allá por|alla por) (?:19|20)\d\d|{_NUMBER_WORDS}(?: {_NUMBER_WORDS})? (?:years?|yrs?|decades?) (?:ago|back)
    |hace (?:{_NUMBER_WORDS} )?(?:{_NUMBER_WORDS} )?(?:anos?|decadas?)|(?:years|long) ago|hace (?:mucho|muchos anos|tiempo)|back in (?:the day|college|high school|highschool)
    |when i was (?:a kid|a teen|a teenager|younger|young|little|in (?:college|high school|highschool))|in (?:college|high school|highschool|my (?:teens|twenties|20s))|cuando (?:yo )?era (?:nin[oa]|joven|adolescente|chic[oa]))\b"""
_PAST_AFTER = re.compile(_squeeze_source(_join_lines(rf"(?: [a-z0-9]+){{0,3}} {_DATED_PAST}")))
_PAST_BEFORE = re.compile(_squeeze_source(_join_lines(rf"(?:^|[ |]){_DATED_PAST}(?: [a-z0-9]+){{0,3}} $")))
_WELL_NOW = re.compile(
    _squeeze_source(
        _join_lines(
            r"""\b(?:stable|recovered|in recovery|(?:im|i am|i m|doing|feeling|been|im doing|im feeling) (?:fine|ok|okay|good|well|great|better|alright
            |much better|a lot better|way better)|(?:fine|ok|okay|good|better|alright) now|estable|ya estoy (?:bien|mejor|estable)|estoy (?:bien|mejor|estable)
            |(?:ya )?me siento (?:bien|mejor)|ya (?:lo )?supere|ya pas[oó]|ya no (?:lo )?(?:pienso|siento))\b|(?:pero|but) (?:ya no|not anymore|no more)$"""
        )
    )
)
_NOT_WELL = re.compile(
    _squeeze_source(
        r"\b(?:(?:not|no|nt|never|isnt|arent|nunca) (?:\w+ )?(?:stable|fine|ok|okay|good|well|better|bien|mejor|estable)"
        r"|again|otra vez|de nuevo|(?:volvi|volvio|vuelvo|volvieron) a|came back|coming back|lately|ultimamente|tonight|esta noche)\b"
    )
)

# A question about someone in general, not the member: "if someone was suicidal would
# kaiser see them faster?", "would they prioritize a patient who is suicidal".
_HYPOTHETICAL_BEFORE = re.compile(
    _squeeze_source(
        _join_lines(
            r"""(?:^|[ |])(?:if|when|what if|say|suppose|would|does|do|is|can|for|si|cuando|que pasa si)?(?: [a-z0-9]+){0,3} ?(?:someone|somebody|anyone|anybody|a person|person
            |people|a patient|patients|a member|members|a client|if you|if youre|if ur|when you|when youre|alguien|una persona|uno|las personas|la gente|un paciente|los pacientes)(?: (?:who|that|was|is|were|are|be
            |being|s|re|feels|feel|gets|get|says|having|has|have|had|with|que|es|esta|estuviera|estaba|fuera|se siente|se sienta|siente|tiene|tenia
            |tuviera|con))*(?: [a-z0-9]+){0,3} $"""
        )
    )
)


# The families whose matches a dated history with "stable now" can dismiss: not imminent
# danger, someone else in danger, or a request for a crisis line.
_HISTORY_FAMILIES = frozenset({"suicidal_ideation", "self_harm", "overdose", "hopelessness"})


# "im a patient with suicidal thoughts" is the member, not someone in general.
_MEMBER_AS_SUBJECT = re.compile(
    _squeeze_source(
        r"\b(?:im|i am|i m|as|soy|como|yo) (?:a |an |un |una )?(?:patient|member|client|person|paciente|persona|miembro|cliente)\b"
    )
)


def _history_told_well(text: str, start: int, end: int) -> bool:
    """Whether a match sits next to a dated past marker in a message that says the member is well now."""
    return _PAST_AFTER.match(text, end) is not None or _PAST_BEFORE.search(text, max(0, start - _GUARD_WINDOW), start) is not None


def _vetoed(veto: str | None, text: str, start: int, end: int) -> bool:
    """Whether the words around a match make it history, coverage or treatment talk."""
    if (
        veto == "topic"
        and _HYPOTHETICAL_BEFORE.search(text, max(0, start - _GUARD_WINDOW), start) is not None
        and _MEMBER_AS_SUBJECT.search(text, max(0, start - _GUARD_WINDOW), start) is None
    ):
        return True
    if veto is None:
        return False
    if _TOPIC_AFTER.match(text, end) is not None:
        return True
    return veto == "topic" and _TOPIC_BEFORE.search(text, max(0, start - _GUARD_WINDOW), start) is not None


def _fires(pattern: re.Pattern[str], text: str, veto: str | None, first_person: bool = True, well_now: bool = False) -> bool:
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        if (
            not _dismissed(text, m.start(), first_person, m.end())
            and not _vetoed(veto, text, m.start(), m.end())
            and not (well_now and _history_told_well(text, m.start(), m.end()))
        ):
            return True
        pos = m.start() + 1
    return False


def screen(text: str) -> CrisisResult:
    """Whether a member's message needs crisis resources now (never includes the text)."""
    if not text:
        return _NOT_CRISIS
    normalized = normalize(text)
    clauses = _clauses_to_screen(normalized)
    if not clauses:
        return _NOT_CRISIS
    well_now = _WELL_NOW.search(normalized) is not None and _NOT_WELL.search(normalized) is None
    for family in _FAMILIES:
        # Joining clauses with " | " is exact for the same reason as dropping them.
        screened = " | ".join(c for c in clauses if family.stems.search(c))
        history_ok = well_now and family.signal in _HISTORY_FAMILIES
        if screened and _fires(family.pattern, screened, family.veto, family.first_person, history_ok):
            return CrisisResult(True, family.signal)
    return _NOT_CRISIS
