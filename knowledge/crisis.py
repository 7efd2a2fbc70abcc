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

The patterns are module constants, not a data file: they are regular
expressions, i.e. code, and every change to them must go through the tests in
tests/test_crisis_screen.py; keeping them here also keeps `screen()` free of
any file I/O. They are written in plain spelling and squeezed at import the
same way messages are (so "kill" in a pattern matches "kil", "kill", "killll").

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
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from re import _constants as _sre  # parsed-pattern opcodes, for the stem proof (see _required)
from re import _parser

from rapidfuzz.distance import OSA

__all__ = ["CrisisResult", "SIGNALS", "normalize", "screen"]


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
# Normalisation

_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u201b\u02bc\u00b4\u0060]")
_BOUNDARY_CHARS = re.compile(r"[.!?;:,\u2026\u00bf\u00a1()\[\]{}\"\u201c\u201d\u00ab\u00bb\n\r\t]+")
_NON_WORD = re.compile(r"[^a-z0-9| ]+")
_SPACES = re.compile(r" +")
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
    text = _BOUNDARY_RUNS.sub("|", _SPACES.sub(" ", text)).strip(" |")
    if _MAYBE_SPLIT_CONTRACTION.search(text):
        text = _SPLIT_CONTRACTION.sub(r"\1\2", text)
    text = _REPEATS.sub(r"\1", text)
    fixes = {t: c for t in set(_TOKEN.findall(text)) if (c := _correct(t)) != t}
    if fixes:
        text = _TOKEN.sub(lambda m: fixes.get(m.group(0), m.group(0)), text)
    return text


# --------------------------------------------------------------------------
# Pattern building blocks. Write patterns in plain spelling, accent-free and
# without apostrophes; `_compile` expands {MACROS} and squeezes doubled letters.

_MACROS = {
    # Desire, intent, plan, urge: what turns "die" or "disappear" into a crisis.
    # Desire, plan, urge: what turns "die" or "disappear" into a crisis, whoever says it.
    "WANT": r"""(?:want to|wanna|want 2|wnat to|wan to|wamt to|need to|finna|about to|bout to|ready to|planning to|planning on
        |plan to|plan on|would like to|feel like|thinking of|thinking about|think about|thought about|tempted to|trying to|try to
        |decided to|deserve to|wish i could|wish i would|wish to|want to just|need to just|hope to|rather)""",
    # Future and modals count only with a first-person subject: "I'm gonna die", not "my plants will die".
    "FUTURE": r"""(?:(?:i|im|i am|iam|ima)(?: just| really| literally| probably| actually| definitely| seriously
        | honestly)? (?:gonna|going to|goin to|gunna|going 2|will|might|may|should|could|have to|would)|ill|i will)""",
    "INTENT": r"(?:{WANT}|{FUTURE})",
    "FIRST": r"(?:i|im|i am|iam|ima|id|ive|me)",
    # A word that is not someone else ("i hope THEY don't die" is not about me).
    "GAPW": r"""(?:(?!(?:he|she|they|theyre|theyll|theyd|we|you|it|kaiser|someone|somebody|people|my|his|her|their|your|our|the
        |this|that)\b)\w+)""",
    "IM": r"(?:im|i am|iam|ima)",
    "ANYMORE": r"(?:anymore|any more|no more|no longer|any longer)",
    "MYSELF": r"(?:my ?self|myslf|meself|mysef)",
    # End of a clause or message.
    "END": r"(?= ?(?:\||$))",
    "PILLNAMES": r"""(?:pills|pill|meds|medication|medications|medicine|medicines|tablets|capsules|xanax|tylenol|advil
        |ibuprofen|acetaminophen|paracetamol|benadryl|aspirin|klonopin|ativan|valium|ambien|seroquel|lithium|oxy|oxys
        |oxycodone|percocet|vicodin|fentanyl|norco|adderall|zoloft|prozac|lexapro|wellbutrin|trazodone|insulin
        |antidepressants|painkillers|sleeping pills|sleeping tablets|gabapentin|lorazepam|clonazepam|sertraline|melatonin)""",
    # Also what pills come in, for "took the whole bottle".
    "PILLS": r"(?:{PILLNAMES}|prescription|bottle|supply|stash)",
    "ALCOHOL": r"(?:alcohol|vodka|wine|beer|booze|tequila|liquor|whiskey|rum)",
    "QTY": r"""(?:all|all of|all the|a bunch of|a handful of|handfuls of|a whole bottle of|the whole bottle of|a bottle of
        |the bottle of|the rest of|a box of|a pack of|a whole pack of|the whole pack of|too many|way too many|a lot of|lots of
        |loads of|extra|several|double|[1-9]\d+|like [1-9]\d+|about [1-9]\d+|around [1-9]\d+|over [1-9]\d+|dozens of|a month of|my whole supply of
        |everything in my|too much|way too much|my whole|the whole|the entire|my entire|every one of|every last one of
        |a whole bunch of|a ton of|tons of|a shit ton of)""",
    "QUIERO": r"""(?:quiero|qiero|kiero|kero|quero|quisiera|kisiera|queria|deseo|necesito|voy a|vo a|pienso|prefiero
        |preferiria|ganas de|quiero ya|me gustaria|estoy pensando en|he pensado en|pensando en|pienso en|a punto de)""",
    "PASTILLAS": r"(?:pastillas|pastiyas|pildoras|medicinas|medicamentos|tabletas|capsulas|pastas|clonazepam|tafil|xanax|rivotril)",
}


def _squeeze_source(source: str) -> str:
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


_MACRO_REF = re.compile(r"\{([A-Z]+)\}")


_LINE_BREAK = re.compile(r"\s*\n\s*")


def _join_lines(source: str) -> str:
    """Join a wrapped pattern; a break must sit next to "|" so no space is lost silently."""
    for m in _LINE_BREAK.finditer(source):
        before, after = source[: m.start()], source[m.end() :]
        if not (before.endswith("|") or after.startswith("|")):
            raise ValueError(f"pattern wrapped away from a '|': ...{before[-20:]}<break>{after[:20]}...")
    return _LINE_BREAK.sub("", source)


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
# The families. English first, then Spanish, in each.

_IMMINENT = (
    # on a ledge, a bridge, the tracks
    r"""(?:standing|sitting|sat|stood|im|i am|ima) on (?:the|a|my|this|top of (?:the|a|my|this))(?: \w+){0,2} (?:bridge|ledge|roof|rooftop|balcony|overpass|cliff|railing|tracks|train tracks)""",
    r"""jump (?:off of|off|from|of) (?:the|a|my|this|that) (?:\w+ )?(?:bridge|roof|building|balcony|overpass|cliff|window
        |ledge|parking garage|parking structure|tower|freeway)""",
    r"(?:jump|step|walk|throw myself) in front of (?:a|the) (?:train|car|bus|truck|traffic)",
    # means at hand
    r"""(?:gun|pistol|rifle|firearm|knife|razor|blade|rope|noose) (?:is )?(?:in my (?:hand|hands|lap|mouth)|to my head
        |next to me|ready|loaded|right here|on my lap)""",
    r"loaded (?:gun|pistol|rifle)",
    r"(?:tied|tying|made|making|bought) (?:a|the) (?:noose|rope)",
    # goodbyes and a timed plan
    r"tonight is the night",
    r"this is (?:my )?(?:goodbye|last goodbye|farewell)",
    r"this is my last (?:night|day on earth|goodbye)|this is my last (?:message|text){END}",
    r"(?:goodbye|bye) (?:forever|world|cruel world|everyone|everybody)\b(?! (?:at|from|in) )",
    r"(?:said|saying|say) my goodbyes",
    r"(?:wrote|writing|written|write|left|leaving|finished) (?:my|a|the) (?:suicide |goodbye |farewell |last )(?:note|letter|message)s?",
    r"(?:my|a) suicide (?:note|letter|plan)",
    r"(?:a|the|my) plan (?:to|for how to|on how to|for when i) (?:die|end it|kill|do it|take my)",
    # not safe
    r"(?:dont|do not|dont really) feel safe (?:with|around|from) {MYSELF}",
    r"(?:cant|cannot|can not|not able to|unable to) keep {MYSELF} safe",
    r"(?:im|i am|i feel|i dont feel|i am just|im just) not safe (?:with myself|right now|tonight|alone|to be alone|anymore|around myself|from myself)",
    r"not safe (?:to be )?(?:alone with|around|from) {MYSELF}",
    r"{IM} (?:a )?danger to {MYSELF}",
    r"(?:scared|afraid|terrified|worried) (?:of|about) what (?:i|im|ill|id|i m)(?: \w+){0,2} do\b",
    r"(?:scared|afraid|terrified) of {MYSELF}\b",
    # es: puente, azotea, vías; medios a la mano; despedidas; no estar a salvo
    r"estoy (?:en|arriba de|encima de|parada en|parado en) (?:el|la|un|una) (?:puente|techo|azotea|balcon|cornisa|vias|orilla del puente)",
    r"""(?:voy a|me voy a|quiero|pienso|estoy por|a punto de) (?:saltar|aventarme|tirarme|lanzarme|brincar|aventar|tirar|lanzar)(?: (?:del|de un|de una|desde|por la|por el|al vacio|a las vias|al metro|al tren|frente al|de la|de este|de ese)\b|{END})""",
    r"me (?:voy a|quiero|pienso) (?:aventar|tirar|lanzar) (?:del|de un|de una|desde|por la|por el|al vacio|a las vias|al metro|frente al)\b",
    r"""(?:tengo|traigo|agarre|compre) (?:una|la|el|un|mi) (?:pistola|arma|cuchillo|navaja|soga|cuerda|reata)(?: \w+){0,2} (?:aqui|conmigo|en la mano|en las manos|lista|listo|cargada|cargado|preparada|preparado)""",
    r"(?:pistola|arma) cargada",
    r"carta de despedida",
    r"(?:esta es|este es|esta sera) mi (?:despedida|ultimo mensaje|ultima noche)",
    r"adios (?:a todos|para siempre|mundo)\b|me despido (?:para siempre|de este mundo)",
    r"no me siento segur[oa] (?:conmigo|sol[oa]|de mi mism[oa]|en este momento{END}|ahora{END})",
    r"no estoy a salvo",
    r"no (?:puedo|podre) mantenerme a salvo",
    r"(?:escribi|escribiendo|deje|dejo|voy a dejar) (?:una|la|mi|unas|las) cartas? (?:para|a) (?:mi familia|mis hijos|mi mama|mi papa|todos|mi esposo|mi esposa)",
    r"(?:tengo|hice) un plan para (?:matarme|morir|suicidarme|quitarme la vida|acabar con mi vida)",
    r"esta noche (?:me mato|me voy a matar|se acaba todo|termina todo|me quito la vida)",
    # en, euphemisms and acts
    r"{IM} (?:at|on|by|under|up on|standing at) (?:the|a) (?:\w+ )?(?:bridge|tracks|train tracks|ledge|roof|rooftop|cliff|overpass)\b",
    r"my (?:wrist|wrists|arm|arms|leg|legs|thigh|thighs|cuts) (?:are|is|wont stop|keep|keeps|keeps on|cant stop) (?:bleeding|bleed)",
    r"(?:cant|cannot|wont) (?:stop|get) the bleeding(?: to stop)?",
    r"""(?:swerve|swerving|swerved|drive|driving|drove|crash|crashing|walk|walking|walked|step|stepping|run|running|jump|jumping)(?: \w+)? (?:into|in front of) (?:oncoming |the )?(?:traffic|a truck|a train|the train|a wall|the freeway|the ocean|the sea|the river|a bus)""",
    r"jump (?:off|from) (?:something|somewhere|anything|someplace|a high|the top)",
    r"""(?:held|holding|hold|put|pressed|pressing|had) (?:a|the|my) (?:knife|blade|razor|gun|pistol|scissors) (?:to|against|on|at) my (?:wrist|wrists|throat
        |neck|head|arm|skin|temple|chest)""",
    r"(?:letter|letters|note|notes|message|messages)(?: \w+){0,4}? (?:to )?say (?:my )?goodbye",
    r"(?:say|said|saying|says) (?:my )?goodbyes? to (?:everyone|everybody|my family|my kids|the world|you all|all of you|this world)\b",
    r"tell (?:my|the) (?:mom|mother|dad|father|kids|family|wife|husband|partner|son|daughter|sister|brother) (?:that )?i (?:love|loved|am sorry|m sorry)",
    r"""(?:razor|blade|knife|gun|pistol|pills|rope|noose)\b(?: \w+){0,6} (?:going to|gonna|about to|will|ill|ready to|planning to) use (?:it|them)\b""",
    r"(?:drive|driving|drove|steer|steering) (?:my car |the car |my truck )?(?:off|of) (?:a|the) (?:bridge|cliff|overpass)",
    r"""(?:dont|cant|do not|can not) (?:see|picture|imagine) (?:myself|me) (?:being )?(?:alive|around|here|living|making it|surviving)(?: (?:by|past|til|until|next|in|much longer|for long|a year|tomorrow|another))""",
    r"(?:tengo|esta|ya tengo|ya esta) todo (?:listo|preparado) para (?:irme|hacerlo|matarme|morir|acabar con todo)\b(?! (?:de|a|al|con|en)\b)",
    r"""(?:tirarme|aventarme|lanzarme|arrojarme|echarme) (?:al|a la|a las|del|de la|de un|de una|desde|por la|por el|frente al|enfrente del)(?: \w+)? ?(?:tren|metro|vias|puente|edificio|ventana|vacio|azotea|techo|balcon|carretera|autopista|camion|carro|precipicio|rio|mar)""",
    r"""(?:me puse|puse|tengo|tenia|tuve) (?:el|un|la|una|mi) (?:cuchillo|navaja|pistola|arma) (?:en|contra) (?:la|mi|el) (?:muneca|cuello|cabeza
        |garganta|pecho|sien)""",
    r"no me veo (?:viv[oa]|aqui|con vida) (?:para|en|el|la|dentro)",
    r"(?:drive|crash|steer|drove|crashed|driving|crashing) (?:my car|the car|myself|my truck) (?:off|into|over) (?:a|the) (?:cliff|bridge|wall|tree|ocean|pole|truck|traffic|river|canyon)",
    r"(?:wont|will not|not going to|dont think ill|dont think i will|may not|might not|probably wont) make it (?:through|til|until|to|past) (?:the night|tonight|tomorrow|the morning|morning|the weekend)",
    r"(?:wont|will not|not going to|wont even) be (?:around|here|alive) (?:much longer|for long|for much longer|anymore|any more)",
    r"(?:you|nobody|no one|noone|you guys|anyone) (?:wont|will not|will never|is never going to|are never going to) (?:hear from|see|hear) me again",
    r"(?:giving|gave|give) away (?:all )?my (?:stuff|things|belongings|possessions)",
    r"(?:have|got|gathered|bought) (?:everything|all) i need to (?:do it|end it|kill|die)",
    r"{PILLNAMES} (?:lined up|counted out|set aside|in my (?:hand|hands|mouth)|in front of me)",
    r"(?:have|got|ive got|i have) (?:my |the |all my |all the )?{PILLNAMES} ready",
    # es, eufemismos y medios
    r"ya no (?:voy a estar|estare) (?:aqui|en este mundo|con ustedes|para ver)(?: mucho tiempo| por mucho tiempo|{END})",
    r"(?:nadie|ya no) me (?:va|van) a volver a (?:ver|oir)",
    r"(?:regalando|regale|voy a regalar) (?:todas )?mis cosas",
    r"(?:tengo|ya tengo|aqui tengo) (?:\w+ )?{PASTILLAS} (?:listas|preparadas|juntadas|contadas)",
    r"(?:junte|juntando|acumulando|acumule|escondiendo|escondi) (?:\w+ ){0,2}{PASTILLAS}",
)

_OVERDOSE = (
    r"{INTENT} (?:just )?(?:overdose|od|o d|take an overdose)\b",
    r"{FUTURE} (?:just )?(?:take|swallow) (?:all|all of) (?:my|the) {PILLNAMES}\b",
    r"""(?:plan is to|plan to|planning to|planning on|going to|gonna|want to|wanna|about to|ready to|decided to|thinking of|thinking about
        |tempted to) (?:just )?(?:take|taking|swallow|swallowing|down) {QTY} (?:(?:my|the|these|those|of my|of the) )?(?:\w+ )?{PILLS}\b""",
    r"(?:i|ive|i have|i just|just|already) (?:overdosed|oded|od d|took an overdose)\b",
    r"(?:thinking (?:about|of)|considering|tempted by|planning an?) (?:an )?overdos(?:e|ing)",
    r"""(?:took|swallowed|swallowing|downed|chugged|ate|popped|took like) {QTY} (?:(?:my|the|these|those|of my|of the|her|his) )?(?:\w+ )?{PILLS}\b""",
    r"""(?:saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting|stashing|stashed) (?:up )?(?:my |some |all my |all of my |enough |a bunch of )?{PILLNAMES}""",
    r"{PILLNAMES} (?:saved|stockpiled|stashed|hoarded) (?:up|for)",
    r"(?:drink|drank|drinking|swallow|swallowed) (?:some |the )?(?:bleach|antifreeze|poison|drain cleaner)",
    # es
    r"""(?:me tome|tome|me trague|trague|me tomare|me voy a tomar|voy a tomar|quiero tomarme|tomarme)(?: \w+)?? (?:todas|todo|un frasco|una caja|un bote|un monton|muchas|demasiadas|varias|un puno|[1-9]\d+|como [1-9]\d+
        |mas de [1-9]\d+|el frasco|la caja|toda la caja|todo el frasco|el bote|un blister|una tira)(?: (?:de|las|mis|sus|la|el|del))*(?: \w+)? {PASTILLAS}""",
    r"(?:quiero|voy a|me voy a|pienso|pensando en|tome|me di|darme|me tome|tomarme|provocarme|ganas de|me meti) (?:\w+ ){0,2}sobredosis",
    r"(?:tome|me tome|me trague|voy a tomar) (?:cloro|veneno|raticida|anticongelante)",
    r"(?:lethal|fatal|deadly) (?:dose|amount|overdose)",
    r"(?:took|swallowed|taken|had) (?:way |a lot |a few |lots )?more (?:of )?(?:my |the |those |these )?(?:\w+ )?{PILLNAMES} than (?:i should|prescribed|i was supposed to|i am supposed to|im supposed to|the doctor said)",
    r"(?:swallow|swallowing|take|taking|took|down|ate) (?:everything|all of it|all of them|whatever) (?:in|from) (?:the|my) (?:medicine )?(?:cabinet|cupboard|bottle)",
    # "I've got vodka and all my klonopin"; not "can I take my meds with alcohol?"
    r"""(?:got|have|ive got|i have|bought|grabbed) (?:a |the |my |some |all my )?(?:\w+ ){0,3}?(?:{ALCOHOL}\b(?: \w+){0,3} and (?:\w+ ){0,3}?{PILLNAMES}
        |{PILLNAMES}\b(?: \w+){0,3} and (?:\w+ ){0,3}?{ALCOHOL})\b""",
    r"""how many (?:of )?(?:my |these |the )?(?:\w+ )?{PILLS}\b(?: \w+){0,3} (?:(?:would|does|will) (?:it )?take\b(?! (?:for|to (?:work|kick|start|help)))
        |kill me|to kill|to die|to overdose|to od|are lethal|is lethal|would be lethal)""",
    r"(?:mixed|mixing|took) (?:my |some |a bunch of |all my )?(?:\w+ )?{PILLNAMES} (?:with|and) (?:{ALCOHOL}|drinks)",
    r"(?:dosis letal|dosis mortal|cuantas {PASTILLAS} (?:\w+ ){0,3}(?:necesito|se necesitan|para morir|para matarme|matan|son mortales))",
    r"(?:mezcle|mezclando|me tome|tome) (?:\w+ ){0,2}{PASTILLAS} con (?:alcohol|vino|cerveza|tequila|vodka|licor|mezcal)",
    r"(?:me tome|me trague|tome|trague) (?:todo el|el|un|una|toda la|la) (?:frasco|bote|caja|blister|tira) (?:entero|entera|completo|completa)",
    r"{PASTILLAS}\b(?: \w+){0,6} (?:me (?:las|lo|los) )?(?:voy a|quiero|pienso) (?:tomar|tomarme|tragar|tragarme)(?:las|los|lo)? (?:todas|todo|todos|de golpe|juntas)",
)

_SUICIDAL = (
    # kill myself, in all its spellings; kms; unalive
    r"ki?l(?:ing|in|ed|s)? {MYSELF}",
    r"kms\b",
    r"(?:unalive|unaliving|unalived) (?:{MYSELF}|me)",
    r"sewer ?slide",
    r"(?:{INTENT}|gonna|going to|just|about to) off {MYSELF}",
    r"(?:end|ending|ended|take|taking|took) my (?:own )?life",
    r"(?:end|ending) it al+\b",
    # "end it" needs a first-person subject: "they need to end it" is strike talk
    r"""(?:{FIRST} (?:{GAPW} ){0,2}?{WANT}|{FUTURE}|wanna|finna) (?:just )?end (?:it|things|everything|my suffering|it for good|this life
        |the pain|my pain|this){END}""",
    r"(?:{FIRST} (?:{GAPW} ){0,2}?{WANT}|{FUTURE}|wanna|finna) (?:just )?end (?:it|things|everything) (?:tonight|today|now|for good|soon|forever)",
    r"(?:thinking|thought|think) (?:about|of) (?:ending it|ending things|ending everything)\b(?! with)",
    r"{IM} (?:going to |gonna )?ending (?:it|things|everything)",
    # wanting to die
    r"{INTENT} (?:just |simply |literally |fucking |fking |really |finally |go |lay down and |lie down and )?die\b(?! (?:of|from|laughing))",
    r"(?:i|ive|i have|i just|i really|i still|i kinda|i) (?:wanted|want|wish|wished) (?:to die|i (?:was|were) dead|to be dead)",
    r"(?:rather|prefer to|better) (?:be )?(?:dead|die)\b",
    r"(?:want|wanna|need|wish) to be dead",
    r"""wish i (?:was|were|could be|would be|could just be|had been) (?:dead|gone|never born|not alive|not born|not here|no longer here)""",
    r"wish i (?:wasnt|werent|was not|were not) (?:alive|here|born|around)",
    r"wish i (?:had )?never (?:been born|woke up|wake up|existed)",
    r"""wish i (?:could|would) (?:just )?(?:die|disappear|vanish|not wake up|never wake up|sleep forever|stop existing
        |not exist|fall asleep and never|go to sleep and never|cease to exist)""",
    r"wish i didnt (?:exist|wake up)",
    r"(?:hope|pray|praying|hoping) (?:that )?i (?:die|dont wake up|do not wake up|never wake up|get hit by|dont make it|wont wake up)",
    r"(?:dont|do not|never) (?:really )?(?:want to|wanna|want 2|wana) wake up",
    r"""(?:dont|do not|dont really|dont even) (?:want to|wanna|want 2) (?:be alive|live|exist|be here|keep living|be living
        |continue living|be on this earth|be in this world|go on living|stay alive|be around)\b""",
    r"(?:dont|do not) (?:want to|wanna|want 2) go on(?: living| like this| anymore|{END})",
    r"(?:dont|do not|dont really|dont even) feel like (?:living|being alive|existing|going on|waking up|being here)\b",
    r"(?:want|wanna|need|wish) (?:to )?(?:not exist|not be alive|not be here|stop existing|not wake up|cease to exist)",
    r"{INTENT} (?:just |simply )?(?:disappear|vanish|not exist|cease to exist|stop existing|sleep forever|go to sleep forever|go to sleep and never wake up|fall asleep and never wake up)",
    r"(?:better off|happier) (?:dead|gone|without me|if i (?:was|were|wasnt|werent|was not|were not|died|was gone|were gone|disappeared))",
    r"(?:world|everyone|everybody|they|family|kids) (?:would be |will be |are |d be )?better without me",
    r"""(?:no one|noone|nobody|no body|not one person) (?:would|will|is going to|gonna|would even|will even|would ever|would really) (?:miss|notice|care|cry)(?: me| if i)?""",
    r"feel like dying",
    r"ready to die",
    r"(?:i|me) (?:should|deserve to) (?:just )?die",
    r"(?:want|wish for|waiting for) (?:someone|somebody|something|a car|a bus|god|a truck) to kill me",
    r"wish (?:someone|somebody) would kill me",
    # suicide in the first person
    r"{IM} (?:so |very |really |kinda |kind of |pretty |feeling |getting |becoming |being |a bit |a little |literally |actively |passively |also |still |just ){0,3}suicidal",
    r"(?:feel|feeling|feels|felt|been|get|got|getting|went|go|going|turned) (?:so |very |really |kinda |kind of |pretty |a bit |a little |extremely |super |actively |passively )?suicidal",
    r"suicidal (?:again|tonight|today|right now|lately|rn|af|as hell)",
    r"""(?:having|have|had|get|getting|got|feel|feeling|experiencing|battling|fighting|struggling with|dealing with)(?: really| a lot of| some| bad| strong| constant| more| these| those| the| such| intense| frequent| many){0,2}(?: suicide| suicidal| dark| death) (?:thoughts|ideation|urges|feelings|ideas)""",
    r"(?:suicidal|suicide) (?:thoughts|urges|feelings) (?:are|have|came|come|keep coming|coming) (?:back|again)",
    r"""(?:thinking|thought|think|thinkin|considering|contemplating) (?:a lot )?(?:about |of )?(?:suicide|dying|death|not being here|not being alive
        |how to die)\b(?! (?:prevention|awareness|rates|statistics|hotline|of (?:a|my|his|her|the)))""",
    r"{INTENT} (?:commit|commiting|attempt|do) suicide",
    r"\bi (?:attempted|tried) suicide",
    r"(?:tried|try|trying|attempted|attempt) to (?:kill|end|take) (?:{MYSELF}|my life|my own life)",
    r"(?:whats|what is|what s) the point (?:of|in|to) (?:living|life|being alive|going on|existing|even living|anything anymore|being here|me)",
    r"(?:no|zero|dont see any|dont have any|dont see a|dont have a|lost my|without a|not a single) (?:reason|reasons) (?:to|for) (?:live|living|keep living|keep going|go on|stay|be alive|be here|wake up|stick around|exist)",
    r"nothing (?:left )?to live for",
    r"(?:not|isnt|no longer|aint) worth living",
    r"(?:life|living|my life) (?:is|isnt|is not|aint|just isnt) (?:not )?worth (?:it|living|anything)(?: anymore)?(?! if)",
    # es: matarme, suicidarme, quitarme la vida, morirme
    r"matarme\b",
    r"sui[cs]idarme|sui[cs]idarm\b",
    r"quitarme (?:la|mi) (?:propia )?vida",
    r"(?:acabar|terminar|acabo|termino) con mi (?:propia )?vida",
    r"(?:terminar|acabar|quitar) mi vida",
    r"morirme\b",
    r"""me (?:quiero|qiero|kiero|kero|quero|voy a|vo a|pienso|quisiera|queria|gustaria|dan ganas de|dieron ganas de|daban ganas de
        |tengo que|deberia|podria|quise|intente|trate de|he querido|quiero ya|voy|dan ganas|vienen ganas de) (?:sui[cs]idar|matar|quitar la vida|morir|ir de este mundo|ir para siempre|quitar de en medio)\b""",
    r"""{QUIERO} (?:\w+ )??(?:morir|morirme|matarme|sui[cs]idarme|desaparecer|dejar de existir|no existir|no estar aqui
        |no haber nacido|dormir para siempre|irme de este mundo|irme para siempre|acabar con todo|terminar con todo|acabar con mi vida
        |quitarme la vida|no despertar|estar muert[oa])\b(?! de )""",
    r"""(?:mejor|ojala|quisiera|seria mejor si|seria mejor|preferiria|prefiero|quiero) (?:(?:que|yo|ya|mejor|de una vez|simplemente|solo|nomas) ){0,2}(?:me muero|me muera|me muriera|muriera|morirme|morir|estar muert[oa]|estuviera muert[oa]|no despertar|no despierte|no despertara
        |no despertarme|no haber nacido|desaparecer|desaparezco|desapareciera|no estar(?: aqui| viv[oa]| en este mundo|{END})|no existir
        |no estuviera)\b(?! de )""",
    r"(?:mejor|preferible) muert[oa]\b",
    r"""(?:ya )?no (?:quiero|kiero|qiero|quisiera|deseo|tengo ganas de) (?:vivir|seguir viviendo|estar vivo|estar viva|existir
        |despertar|despertarme|estar aqui|seguir aqui|estar en este mundo|seguir en este mundo|vivir mas|vivir asi|seguir con vida
        |seguir|estar|vivir esta vida)\b(?! (?:en|cerca|lejos|con|de|por|pagando|esperando|llamando|con el|con la|la|el|los|las|un|una)\b)""",
    r"(?:no|nunca) (?:me )?(?:despierte|despertara|despertar|volver a despertar)(?: nunca| mas| manana| jamas)?{END}",
    r"y no despertar",
    r"(?:no (?:vale|tiene) (?:la pena|sentido|caso)|ya no (?:vale|tiene) (?:la pena|sentido|caso)) (?:vivir|seguir viviendo|seguir vivo|seguir viva|la vida|existir|estar aqui|seguir aqui|mi vida|seguir{END})",
    r"(?:la|mi) vida (?:ya )?no (?:tiene sentido|vale la pena|vale nada|tiene caso)",
    r"no le (?:encuentro|veo|hallo) (?:ningun )?(?:sentido|caso) a (?:la vida|mi vida|vivir|seguir|nada)",
    r"(?:estarian|estaria|estan|serian|seria|vivirian|quedarian|estarán|estaran|seran|van a estar) (?:\w+ ){0,2}mejor sin mi{END}",
    r"(?:todos|mi familia|mis hijos|ellos|el mundo) (?:\w+ )?mejor sin mi\b",
    r"nadie me (?:extranaria|va a extranar|extranara|echaria de menos|va a echar de menos|notaria|va a notar|extranaría)",
    r"nadie (?:notaria|se daria cuenta|lloraria) si (?:me muero|me muriera|desaparezco|desapareciera|no estoy)",
    r"si me muero (?:nadie|a nadie|no pasa nada|no importa)",
    r"(?:me siento|estoy|me he sentido|me e sentido|ando|me senti|sigo) (?:muy |un poco |bien |tan |medio )?suicida\b",
    r"""(?:tengo|tenia|he tenido|e tenido|estoy teniendo|me vienen|me llegan|tuve|vuelven|volvieron|regresaron|me dan)(?: \w+){0,2} (?:pensamientos|ideas|ideacion) (?:suicidas?|de (?:muerte|suicidio|matarme|morir|morirme|quitarme la vida))""",
    r"(?:pensamientos|ideas) (?:suicidas|de suicidio|de muerte) (?:otra vez|de nuevo|volvieron|regresaron|estan de vuelta)",
    r"(?:pienso|pensando|pensado|penso|piensa) (?:mucho |mucho mas |a veces |seguido |todo el tiempo |todos los dias )?en (?:la muerte|morir|morirme|el suicidio|suicidio|sui[cs]idarme|matarme|quitarme la vida|desaparecer|no despertar)",
    r"dejar de existir",
    r"(?:dormir|dormirme) (?:para siempre|y no (?:volver a )?despertar)",
    r"me (?:quiero|kiero|voy a|voy) morir(?! de )",
    r"(?:mejor|ojala|quisiera) (?:me )?(?:muero|muera|muriera)\b(?! de )",
    r"intente (?:matarme|sui[cs]idarme|quitarme la vida)",
    # en, broader forms
    r"(?:and|to|just|would|could|if i|i|then|forever and|off|of) (?:not|never) (?:wake|waking) up\b(?! (?:early|late|on time|in time|for|at))",
    r"""(?:only|best|easiest|last|one) (?:way out|way to (?:stop|end|escape)|option|answer|solution|choice|exit|thing left) (?:\w+ ){0,3}?(?:die
        |death|dying|suicide|kill myself)\b""",
    r"(?:plan|planning|planned|prepare|preparing|prepared|organizing|researching) (?:for |out )?(?:my|a) (?:suicide|exit)\b",
    r"(?:plan|planning|planned|prepare|preparing|prepared|organizing) (?:for |out )?my (?:own )?(?:death|funeral)\b",
    r"ending (?:everything|it all|my life|my own life)\b",
    r"(?:feel like|considering|contemplating|close to|near|thinking about|thinking of|thought about) ending (?:it|things)\b(?! with)",
    r"wish (?:i|id|i had|i would have|i d) never (?:been born|woke up|wake up|existed)",
    r"(?:want|wish for|long for|pray for|praying for|crave|craving|welcome|waiting for) death\b",
    r"""(?:death|dying|being dead|not existing|not being alive|not being here|suicide) (?:would be|seems|sounds|feels|is) (?:like )?(?:a relief
        |better|easier|peaceful|nice|the only|so much better|my only|the answer)""",
    r"want out of (?:this life|life|this world|existence)",
    r"""(?:easier|better|best|simpler) (?:\w+ ){0,3}?to (?:just )?(?:not be (?:here|alive|around)|not exist|disappear|die|not wake up|stop existing
        |end it all)\b""",
    r"(?:everyone|everybody|they|theyd|my family|the world|my kids|my children|people) (?:would|will|d) be (?:so much |much |a lot |way )?better off{END}",
    r"why (?:even )?bother (?:living|staying alive|going on|waking up|existing|being alive)\b",
    r"lo mejor (?:es|seria|sera|va a ser) (?:\w+ )?(?:desaparecer|morir|morirme|matarme|no estar|irme para siempre|quitarme la vida|no despertar)\b",
    r"(?:want|wanna|need) out{END}",
    r"""(?:everyone|everybody|they|theyd|theyll|my family|my kids|my children|the world|people|my husband|my wife|my parents|my partner
        |all of them|my friends|my mom|my dad) (?:\w+ ){0,2}?(?:would|will|d|are|be) (?:all |just )?(?:be )?(?:fine|ok|okay|better|happier|better off
        |relieved) without (?:me|someone like me|a (?:\w+ ){1,2}like me)\b""",
    # "I don't care if I die", "i hope i die": a first-person subject a few words before "die"
    r"i (?:{GAPW} ){0,3}?die\b(?! (?:for|of|from|laughing|trying|waiting|on hold|happy|old|a little|inside|of old age))",
    r"how to (?:end it\b(?! with)|end my life|die|kill myself|commit suicide|overdose|hang myself|do it painlessly)\b",
    r"(?:thinking (?:of|about)|considering|going to|gonna|want to|wanna|about to|ready to|might) (?:just )?(?:jumping|jump){END}",
    r"(?:its|it is) time for me to (?:leave this world|say goodbye|end it|end this){END}",
    r"my time (?:is up|has come)\b",
    r"if i (?:was|were) (?:dead|gone for good|gone forever|never born)\b",
    r"dejar de vivir",
    r"{INTENT} (?:just )?stop (?:existing|breathing|being alive|living{END}|living anymore|being here{END}|(?:feeling|being|thinking)(?: \w+)? (?:forever|for good|permanently))",
    r"""(?:looking up|looked up|look up|googling|googled|searching|searched|researching|researched|reading about|read about
        |watching videos on)(?: \w+){0,2} (?:ways to|how to|methods to|the best way to) (?:die|kill myself|end it|end my life|commit suicide|overdose|od|hang myself)""",
    r"(?:painless|quick|easy|quickest|easiest|fastest|best|surest) (?:way|ways|method|methods) to (?:die|end it|kill myself|end my life)",
    r"(?:suicide|suicide methods|methods of suicide) (?:methods|ways|instructions)",
    r"better off without (?:me|someone like me|a (?:\w+ ){1,2}like me|my (?:sorry|useless|stupid|worthless) (?:self|ass))\b",
    r"""(?:easier|better|happier|best|simpler|fine|lighter|relieved|glad|okay|ok|happy) (?:\w+ ){0,4}?if i (?:just )?(?:(?:wasnt|werent|was not|were not)(?: here| alive| around| born| in the picture)|disappeared|died|was gone|were gone|was dead|were dead|didnt exist|never existed|killed myself)\b""",
    r"""(?:no|dont see the|dont see any|cant see the|whats the|what is the|is there any|is there a|theres no|there is no|without a
        |lost the) point (?:in |of |to )?(?:living|life|being alive|going on|existing|being here|waking up|me being here|anything anymore|go on|live|staying alive|being around)\b""",
    r"""(?:care|cares|caring|notice|notices|matter|matters|would know) (?:\w+ ){0,2}?(?:if|whether) i (?:live or die|die|died|disappear|disappeared
        |was gone|were gone|killed myself|wasnt here|am alive|m alive)\b""",
    r"(?:le importa|le importaria|se daria cuenta|notaria) si (?:yo )?(?:vivo o muero|me muero|me muriera|desaparezco|desapareciera|me mato)",
    r"(?:mejor|mas facil|mas feliz|mas felices|mejor para todos) si (?:yo )?(?:no estuviera|no existiera|me muriera|desapareciera|me muero|me mato|ya no estoy)",
    r"mejor sin (?:una? (?:\w+ ){1,2}como yo|alguien como yo)\b",
    r"(?:hope|hoping|pray|praying) (?:that )?(?:a car|something|a bus|a truck|someone|somebody|a train) (?:hits|kills|runs over|will kill) me",
    r"(?:hope|hoping|pray|praying) (?:that )?i (?:get hit|crash|get cancer|dont survive|get killed|never wake)",
    # es, formas amplias
    r"(?:ojala|quisiera|mejor|preferiria|seria mejor|desearia|quiero) (?:que )?(?:yo )?no (?:exist\w*|estuv\w*|despert\w*|hubiera nacido|haber nacido|naciera)",
    r"ojala (?:que )?me (?:atropel\w*|mat\w*|muer\w*|muri\w*|pase algo|pasara algo|diera (?:un infarto|algo))",
    r"(?:mejor|mejor ya|ya mejor|si no|sino|asi que|hoy|esta noche|manana|de plano|neta|por eso) me mato\b(?! (?:de|trabajando|estudiando))",
    r"(?:colgarme|ahorcarme|envenenarme)\b",
    r"me (?:voy a|vo a|quiero|kiero|pienso|dan ganas de) (?:colgar|ahorcar|envenenar)\b(?! (?:el|la|los|las|y|ya|el telefono|la ropa))",
    r"(?:morir|morirme|la muerte|estar muert[oa]) (?:seria|es|suena|parece|seria como) (?:un alivio|mejor|mas facil|la unica (?:salida|opcion|solucion))",
    r"(?:salida|opcion|solucion) (?:\w+ ){0,3}(?:morir|la muerte|matarme|sui[cs]id\w+|quitarme la vida)\b",
    r"(?:me voy|irme|me quiero ir|me ire|me vaya|me fuera) (?:de este mundo|para siempre de aqui|de esta vida)",
    r"(?:planeando|planeo|planee|preparando|preparo) mi (?:muerte|suicidio|despedida)",
    r"{QUIERO} acabar con (?:mi|este|el) (?:sufrimiento|dolor)",
)

_SELF_HARM = (
    r"""(?:hurt|hurting|hurts|harm|harming|harmed|cut|cutting|cuts|burn|burned|burnt|burning|hit|hitting|punch|punching
        |punched|scratch|scratching|scratched|starve|starving|starved|choke|choking|strangle|strangling|beat|beating|bang
        |banging|slice|sliced|slicing|slit|slitting|stab|stabbed|stabbing|poison|poisoning|poisoned|drown|drowning|hang
        |hanging|hanged|bruise|bruising|mutilate|mutilating|pinch|pinching|bite|biting) {MYSELF}""",
    r"\bi (?:self ?harm|selfharm)",
    r"(?:been|started|start|starting|keep|kept|still|am|im|was|back to|relapsed on|relapsed into|relapse|relapsed with|relapsed) (?:self ?harm|selfharm)(?:ing|ed)?",
    r"(?:self ?harm|selfharm)(?:ing|ed)? (?:again|urges (?:are|came|have come|coming) back|is back|tonight|today|rn)",
    r"relapsed (?:on|into|with|and started|and|again with)? ?(?:self ?harm|cutting|cut|burning)",
    r"(?:urge|urges) to (?:cut|self ?harm|hurt|harm|burn|bleed)",
    r"""(?:started|start|been|keep|kept|back to|relapsed and|im|i am|was|still|stop) cutting\b(?! (?:back|down|it|class|corners
        |hair|the|my hair|out|off|ties|costs|coupons|classes|school|work|onions|vegetables|paper|grass|wood|in|my|our|their|his|her|your
        |sessions|appointments|hours|pay|benefits|staff|services|carbs|sugar))""",
    r"cutting (?:again|deeper|a lot|more)(?: lately| tonight| recently| than before| these days|{END})",
    r"(?:cut|cutting|burned|burning) (?:again|deeper|too deep) (?:tonight|today|last night|this morning|rn|right now)",
    r"(?:cut|cutting|slit|slitting|slice|slicing|sliced|burned|burning) (?:my|both) (?:wrist|wrists|arm|arms|leg|legs|thigh|thighs|skin|stomach)",
    r"cut (?:too )?deep\b",
    r"(?:trying|try|tried|struggling|fighting) (?:so hard |hard |really hard )?not to (?:hurt|harm|cut|kill|burn) {MYSELF}",
    r"(?:do|doing) (?:something|smth|sth|stuff|things|something bad) (?:to|bad to) {MYSELF}",
    r"i(?:ll|m|d)? (?:{GAPW} ){0,3}?do something (?:stupid|drastic|dangerous|bad|irreversible)",
    r"(?:voices|voice) (?:\w+ ){0,3}?(?:hurt|kill|harm|cut) {MYSELF}",
    # es
    r"(?:hacerme|hacerme mucho) dano",
    r"(?:lastimarme|herirme|autolesionarme|quemarme|golpearme|cortarme)\b",
    r"""me (?:voy a|quiero|dan ganas de|dieron ganas de|dio ganas de|puedo|pienso|vuelvo a|volvi a|he vuelto a|estoy|estuve|sigo|vuelvo|volvi|he estado|e estado)(?: a)? (?:hacer dano|haciendo dano|lastimar|lastimando|cortar|cortando|quemar|quemando|golpear|golpeando|herir|hiriendo|autolesionar|autolesionando|hacer algo|haciendo algo)\b""",
    r"me (?:corte|corto|lastime|lastimo|queme|quemo|golpeo|golpee|hice dano|hago dano|haria dano|hare dano|autolesione|autolesiono|heri|hiero|rasguno|arano)\b",
    r"autolesion(?:arme|ando|o|e|ado)\b",
    r"(?:ganas|impulsos|necesidad) de (?:cortarme|lastimarme|hacerme dano|quemarme|autolesionarme)",
    r"cortarme (?:las venas|los brazos|las munecas|las piernas)",
    r"me (?:voy|puedo|pueda|quiero|vaya|fuera) (?:a )?hacer algo(?: malo| a mi mism[oa])?{END}",
    r"hacerme algo(?: malo)?{END}",
    r"(?:pegarme|darme|me voy a dar|me voy a pegar|me quiero dar|me quiero pegar) un (?:tiro|balazo)",
    r"""(?:cut|cuts|cutting|carve|carved|carving|slice|sliced|slicing|scratch|scratched|scratching|scrape|scraped|burn|burned|burning
        |stab|stabbed) (?:into |up |at )?my (?:wrist|wrists|arm|arms|forearm|forearms|leg|legs|thigh|thighs|skin|stomach|hips|hip|body
        |chest|ankles|belly)\b""",
    r"until (?:i|it|they) (?:bleed|bleeds|bled|bleeding|bruise)",
    r"""(?:me hago|me hice|hacerme|me sigo haciendo|me estoy haciendo|me vuelvo a hacer|me volvi a hacer) (?:\w+ )?(?:cortadas|cortes|heridas
        |quemaduras|rasgunos)\b(?! en (?:el|un|mi) dedo)""",
    r"(?:cortadas|cortes|heridas|quemaduras) en (?:los|las|mis|el|la|mi) (?:brazos|piernas|munecas|muslos|piel|panza|estomago|muneca|brazo|pierna)",
    r"hasta (?:sangrar|que sangre|sacarme sangre)",
)

_HOPELESS = (
    r"""(?:cant|cannot|can not|couldnt|not able to) (?:go on(?: like this| anymore| any more| living| with life|{END})|do this (?:anymore|any more|no more|life)
        |do this{END}|take (?:it|this|this anymore|life|it any|much more)(?: {ANYMORE})|take (?:much|any) more|keep (?:going|living|doing this)
        |handle (?:it|this|life|anything) {ANYMORE}|live like this|live with this|cope (?:anymore|any more|with life|with anything)
        |bear (?:it|this|life) {ANYMORE}|bear it{END}|stand (?:it|this|life|living) {ANYMORE}|do it (?:anymore|any more))""",
    r"(?:no|theres no|there is no|dont see a|dont see any|cant see a|cant find a|i see no) way out(?: for me| of this (?:pain|life|hell|darkness|mess)|{END})",
    r"(?:lost all|lost|given up all|no more|theres no|there is no|without any|no) hope(?: left| for me| anymore|{END})",
    r"(?:feel|feeling|im|i am|so|completely|totally|utterly|just) hopeless",
    r"(?:give|giving|given|gave) up on (?:life|living|everything|myself|being alive)",
    r"(?:im|i am|i m|i feel like|feel like|feeling like|being|i feel|ive been|i have been) (?:\w+ ){0,2}?a burden\b",
    r"burden (?:to|on|for) (?:everyone|everybody|everyone around me|the people around me)",
    r"(?:tired|sick|exhausted) of (?:living|being alive|life|existing|being here|waking up|everything{END}|it all{END}|fighting{END})",
    r"(?:done|finished) with (?:life|living|being alive|this life|existing|this world|it all{END}|everything{END})",
    r"(?:want|wanna|need) (?:it all|everything|all of this|the pain|this pain|life|the suffering|my life) to (?:end|stop|be over|go away)",
    r"(?:want|wanna|need) it (?:all )?to (?:end|stop|be over)(?: forever| for good|{END})",
    r"wish (?:it|everything|this|life|it all) (?:would|could) (?:all )?(?:end|stop)",
    r"nothing matters (?:anymore|any more)",
    r"(?:my life is|my lifes|its all over for|it s all over for) (?:over|me)\b",
    r"(?:theres|there is) nothing left (?:for me|in me|to live for|to lose)",
    r"(?:whats|what is) (?:even )?the point (?:anymore|any more|of anything|of it all|in anything|of me|of trying anymore)",
    r"(?:whats|what is) (?:even )?the point{END}",
    # es
    # "no puedo más con el calor" is an idiom; "no puedo más con esta vida / con todo" is not
    r"(?:ya )?no (?:aguanto|soporto|puedo|resisto) (?:mas|esto|esta vida|este dolor|vivir|nada|la vida)\b(?! con (?!(?:esta|mi|la) vida\b|todo\b|esto\b))",
    r"ya no (?:aguanto|soporto|puedo|resisto){END}",
    r"no puedo seguir(?: (?:asi|viviendo|adelante|mas|con (?:esto|esta vida|la vida|mi vida))|{END})",
    r"(?:estoy|me siento|ando|ya estoy) (?:tan |muy |bien |super )?(?:cansad[oa]|hart[oa]|agotad[oa]) de (?:vivir|la vida|existir|todo(?! esto| lo de| el | la | este | esta )|estar viv[oa]|seguir{END}|despertar|luchar{END})",
    r"(?:ya )?(?:me canse|me harte) de (?:vivir|la vida|existir|estar viv[oa]|luchar{END}|despertar)",
    r"""(?:no tengo|sin|ya no tengo|no hay|no encuentro|no veo|ya no hay|ya no encuentro|me faltan|no me quedan) (?:\w+ )?(?:razon|razones|motivo|motivos|ganas|fuerzas|fuerza|energia) (?:para
        |de) (?:vivir|seguir viviendo|seguir aqui|seguir{END}|estar viv[oa]|despertar)""",
    r"(?:para que|de que sirve|que caso tiene|pa que|para que seguir) (?:seguir )?(?:vivir|viviendo|estar viv[oa]|seguir aqui|existir)\b",
    r"no (?:tengo|hay|veo|encuentro) (?:ninguna )?salida",
    r"(?:no (?:hay|tengo)|perdi (?:toda )?la|sin) esperanza\b",
    r"(?:nada|ya nada) (?:tiene sentido|vale la pena|importa ya|me importa ya)",
    r"no (?:vale la pena|tiene sentido) nada\b",
    r"(?:soy|me siento|siento que soy|ser) (?:\w+ )?(?:una carga|un estorbo)",
    r"(?:quiero|kiero|quisiera) que (?:todo|el dolor|la vida) (?:termine|se acabe|acabe|pare|se termine)",
    r"que se (?:acabe|termine) todo",
    r"(?:me rindo|ya me rendi|me quiero rendir) (?:con la vida|de vivir|con todo)",
)

_THIRD_PARTY = (
    r"""(?:wants|want|is going|s going|gonna|is planning|plans|planning|is threatening|threatens|is trying|is about|says he wants
        |says she wants|might|will|hell|shell|theyll|going|keeps saying he wants|keeps saying she wants) to (?:kill|hurt|harm|end) (?:himself|herself|themselves|themself|his life|her life|their life)""",
    r"(?:he|she|they|son|daughter|kid|child|friend|partner|husband|wife|brother|sister|mom|dad|mother|father) (?:is|s|are|re) (?:so |very |really |feeling |acting |being |actively |now |getting )?suicidal",
    r"(?:just|has just|is) (?:overdosed|overdosing|taken all (?:his|her|their) {PILLS})",
    r"(?:he|she|they) (?:just )?took (?:all|a bunch of|a bottle of|a whole bottle of|too many) (?:of )?(?:his|her|their)? ?{PILLS}",
    # es
    r"se (?:quiere|kiere|va a|piensa|queria|quiso) (?:matar|sui[cs]idar|quitar la vida|morir)\b",
    r"(?:quiere|va a|piensa|intenta|esta intentando) (?:matarse|sui[cs]idarse|quitarse la vida|morirse|hacerse dano|cortarse)\b",
    r"(?:esta|anda) (?:muy )?(?:suicida|pensando en (?:matarse|sui[cs]idarse|quitarse la vida))",
    r"se (?:tomo|acaba de tomar) (?:todas|un frasco|muchas|una caja) (?:de )?(?:las |sus )?{PASTILLAS}",
    r"""(?:he|she|they|son|daughter|kid|child|friend|partner|husband|wife|brother|sister|mom|dad|hijo|hija|esposo|esposa|hermano|hermana
        |amigo|amiga|mama|papa|pareja|novio|novia) (?:\w+ )?(?:tiene|has|is having|esta teniendo|anda con|keeps having) (?:\w+ )?(?:pensamientos suicidas
        |ideas suicidas|suicidal thoughts|suicidal ideation)""",
)

# Topic phrases fire on their own ("suicidal thoughts all day", "mis ideas
# suicidas otra vez") unless the words around them make them a topic:
# coverage, treatment, history ("therapy for suicidal thoughts", "my
# self-harm recovery"). Checked after every other family.
_TOPIC = (
    r"suicid(?:e|al) (?:thoughts|ideation|urges|feelings|ideas|thinking)",
    r"(?:self ?harm|selfharm)(?:ing)? (?:urges|thoughts)",
    r"my (?:self ?harm|selfharm|cutting|suicidal (?:thoughts|feelings|ideation))\b",
    r"(?:pensamientos|ideas|ideacion) (?:suicidas?|de (?:suicidio|muerte|matarme|morir|morirme|quitarme la vida))",
    r"mis? (?:autolesion\w*|ganas de morir|ganas de cortarme)",
    r"""suicidal\b(?! (?:thoughts|ideation|urges|feelings|ideas|thinking|patients|people|members|teens|kids|youth|behavior|behaviour
        |risk|crisis|hotline|prevention|clients|individuals|person|persons|cases|adolescents|adults|veterans))""",
)
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

_RESOURCE_REQUEST = (
    r"""(?:whats|what is|what s|give me|send me|i need|need|where is|wheres|how do i (?:call|reach|text|contact|get)|how can i (?:call|reach|text|contact|get)
        |how to (?:call|reach|text|contact|get)|number (?:for|of|to)|can you give me|looking for|find)(?: \w+){0,4} (?:suicide|crisis|988|suicide prevention|mental health crisis)(?: prevention)? (?:hotline|line|lifeline|number|text line|chat|phone)""",
    r"""(?:numero|telefono|cual es|dame|necesito|pasame|mandame|busco|como (?:llamo|contacto|me comunico|puedo llamar|le hablo))(?: \w+){0,5} (?:linea|numero|telefono) (?:de |para )?(?:la )?(?:crisis|prevencion del suicidio|suicidio|ayuda contra el suicidio|emergencias? de salud mental|crisis emocional)""",
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

_BODY = r"(?:rodilla|espalda|tobillo|pie|mano|brazo|cuello|hombro|dedo|muneca|pierna|cadera|rodillas|pies|manos|dedos)"
_MASK_SOURCES = (
    # en
    r"(?:die|died|dying|dead) (?:of|from) (?:embarrassment|laughter|laughing|shame|cringe|boredom|curiosity|hunger|thirst|cuteness)",
    r"ki?l(?:ing|in|ed)? {MYSELF} (?:laughing|trying|working|at work|studying|at the gym|to get|to make|to pay|to keep|for this job|over this job)",
    r"(?:hurt|hurting|burned|burnt|burn|cut|cutting|injured) {MYSELF} (?:at (?:work|the gym)|playing|lifting|while|working out|running|exercising|moving|cooking|shaving|chopping|on (?:the|a) (?:stove|iron|oven|pan|knife|can|paper)|with (?:the|a) (?:iron|stove|oven|pan|kitchen knife)|in a fall|falling|when i (?:fell|tripped|slipped))",
    r"beat(?:ing)? {MYSELF} up",
    r"(?:die|died|dying) laughing",
    r"(?:die|dying|died) (?:my|her|his|the|it|our) (?:hair|beard|roots|eyebrows|clothes|shirt|jeans|shoes)",  # "dye", misspelt
    r"(?:burned|burnt|burn|cut|scratched|scraped) my (?:\w+) (?:on (?:the|a|my)|while|cooking|at work|ironing|shaving|making|when i (?:fell|tripped|slipped))",
    r"""live (?:in|near|at|on|by|close to|far from|with (?:my|a) (?:parents|mom|dad|roommate|roommates|family|ex|in laws|sister|brother)|there)\b(?! (?:this|such|a world|pain|fear|misery|agony|hell|constant|the dark|darkness|shame)\b)""",
    # es
    r"""(?:morir|morirme|muero|muere|muera|muriendo|moria|morimos|murio|mori) de (?:la )?(?:risa|hambre|sueno|ganas|aburrimiento|frio|calor
        |verguenza|envidia|amor|cansancio|miedo|pena|nervios|sed|flojera|ansias|curiosidad|tristeza)""",
    r"(?:morir|morirme|muero|muere|muera|muriendo) de (?:la |los |las |el )(?:risa|hambre|ganas|aburrimiento|verguenza|envidia|nervios|ansias|curiosidad|emocion)",
    r"muert[oa]s? de (?:cansancio|hambre|sueno|risa|miedo|frio|calor|verguenza|nervios|sed|flojera)",
    r"(?:mato|mata|matan|matando|mataba|matar|matarme|mate) (?:de (?:risa|hambre|cansancio)|trabajando|estudiando|en el trabajo|en el gimnasio)",
    r"(?:va|van|iba|iban|vaya|vayan) a matarme|me (?:va|van|iba|iban|vaya|vayan) a matar",  # "mi mamá me va a matar": an idiom
    r"(?:puede|podria|pueden|podrian|va a|van a|iba a|le puede|me puede|te puede) hacerme dano",  # "¿puede hacerme daño tomar...?"
    r"(?:queme|quemo|quemar|quemarme|quemando|quemada|quemado) (?:con|por|en) el sol",
    r"(?:corte|corto|cortar|cortarme|cortarse|cortarte|cortando|cortaba) (?:el|los|las|la|mi|mis|su|sus) (?:pelo|cabello|fleco|flequillo|puntas|unas|barba|bigote|dedo|una)",
    r"(?:corte|corto|cortar|cortarme|cortando) (?:cocinando|picando|pelando|rasurandome|afeitandome|con (?:el|un|una) (?:papel|hoja|hoja de papel|lata|tijeras|cuchillo de cocina))",
    rf"(?:lastime|lastimo|lastimar|lastimarme|golpee|golpeo|queme|quemo|hice dano|hize dano) (?:el |la |los |las |mi |mis |en el |en la |en los |en las |en mi |en mis )?{_BODY}",
    r"(?:lastime|lastimo|hice dano|queme|golpee) (?:jugando|cargando|haciendo ejercicio|en el trabajo|en el gimnasio|al caer|al caerme|cuando me cai|cocinando|con (?:el|la|una|un) (?:sarten|plancha|aceite|estufa|horno|olla|cafe|puerta))",
    r"(?:hacer|hacerme|hice) dano (?:en|al|jugando|cargando)",
    r"""vivir (?:en|cerca de|lejos de|por|alla|aqui en|con mis (?:papas|padres|suegros)|con mi (?:mama|papa|suegra|ex))\b(?! (?:este mundo|esta vida|este infierno|este dolor|esta situacion|estas condiciones|la miseria|la tristeza)\b)""",
)
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


def _prefix_trie(words: set[str]) -> str:
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
        if op is _sre.LITERAL:
            part = frozenset({chr(av)})
        elif op is _sre.SUBPATTERN:
            part = _expansions(av[-1])
        elif op is _sre.BRANCH:
            branches = [_expansions(b) for b in av[1]]
            part = None if any(b is None for b in branches) else frozenset().union(*branches)
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
            parts = [_required(b, starts_word) for b in av[1]]
            if all(part is not None for part in parts):
                consider(frozenset().union(*parts))
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
        stems.update(_STEM_AT_WORD_START.search(a).group(0)[1:] for a in anchors)
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
