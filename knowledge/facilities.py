"""Which facility (or which button) a member meant, from what they typed.

Both matchers share one rule (style habit 10): every fuzzy comparison has a
``score_cutoff``, and when the best guess isn't clearly ahead the answer is
"not sure", never a confident wrong facility.

How a facility is scored (0-100):

- Text and targets (each facility's name and aliases) are normalised:
  lowercase, no accents or punctuation, filler words dropped ("kaiser", "the",
  "en", "el", "la", "de", "my", ...). "LA" becomes "los angeles" when it is an
  abbreviation (capitals, after "west", last word, or before "medical"), not
  when it is the Spanish article ("la de sunset"). A second, *core* form also
  drops generic place words ("medical center", "clinic", "clínica", "mental
  health", "office", ...): "Sunset clinic" and "Sunset" are the same core.
- Each run of the member's words is compared (``fuzz.ratio``, which forgives
  typos: "wodland hils", "bakersfeld") with each target and with each run of
  a target's words ("panorama" in "panorama city"). A part of a target counts
  for 90% of a whole one, and a match that leaves much of the member's text
  unexplained counts for less (60% + 40% x share of the text covered), so
  "north hollywood" is only a candidate for Hollywood's facility.
- ``exact`` is set when the text names one facility: its full name or an
  alias ("Los Angeles Medical Center", "kaiser sunset"), or a core that no
  other facility's names contain ("Fontana Medical Center").
- ``best`` is that facility, or else the top one if it scores at least
  ``CONFIDENT`` and leads the runner-up by ``MARGIN`` -- unless everything
  the member typed also appears word for word in another facility's names:
  "LA" / "los angeles" (Los Angeles Medical Center or West Los Angeles?) and
  "Baldwin" (Baldwin Park or Baldwin Hills-Crenshaw?) are questions, not
  answers. One wrong letter in a short name ("irvune": 83) is offered, not
  decided.
- ``candidates`` are the facilities scoring at least ``CANDIDATE_CUTOFF``,
  best first (campaign order on a tie), at most ``limit``; ``best``, when
  set, is first. Nonsense and text over ``MAX_CHARS`` give none.

``match_choice`` uses the same scoring on a step's button labels (without the
facility words), so a typed "terapia de grupo" or "2" picks a button.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

from rapidfuzz import fuzz, process

from knowledge.campaign import Campaign, Facility

CANDIDATE_CUTOFF = 70.0  # below this a facility isn't offered at all
CONFIDENT = 85.0  # a best guess must score this much...
MARGIN = 8.0  # ...and lead the runner-up by this much
PART_WEIGHT = 0.9  # "panorama" for "panorama city"
MAX_CHARS = 100  # longer text is a message, not a facility name
MAX_WORDS = 12  # words of the text looked at (after fillers are dropped)

# Words that say nothing about which facility. Removed everywhere.
_FILLERS = frozenset(
    """
    kaiser permanente kp the a an at in on of to for my our i im go goes going
    went is was it its one near by from and or
    en el la las de del al mi mis es era fue voy va que y o cerca por
    blvd boulevard ave avenue st street rd road dr drive
    """.split()
)
# Generic place words: dropped for the core form only. Multi-word ones first.
_GENERIC_PHRASES = (
    "medical center",
    "medical centre",
    "medical offices",
    "medical office building",
    "medical office",
    "mental health",
    "behavioral health",
    "salud mental",
    "centro medico",
    "salud del comportamiento",
)
_GENERIC_WORDS = frozenset(
    """
    clinic clinica clinics hospital office offices oficina oficinas center centre
    centro building edificio location facility psychiatry psiquiatria
    therapy terapia mob campus department departamento dept services servicios
    therapist therapists terapeuta psychologist psicologo psicologa psychiatrist
    psiquiatra counselor consejero consejera doctor doctora appointment appt cita
    """.split()
)
# For button answers only articles and politeness go: a label may be "Go back".
_CHOICE_FILLERS = frozenset("the a an el la los las un una de del my mi please por favor porfa plz".split())
_ABBREVIATIONS = {"w": "west", "wla": "west los angeles", "sd": "san diego"}


@dataclass(frozen=True)
class FacilityMatch:
    """What a member's text says about the facility: a confident one, or options."""

    best: Facility | None
    candidates: tuple[tuple[Facility, float], ...]
    exact: bool


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^\w]+|_", " ", text)


def _words(text: str, places: bool = True) -> list[str]:
    """Lowercase words, fillers dropped; for places, "LA" spelled out where it is an abbreviation."""
    raw = _fold(text).split()
    out: list[str] = []
    for i, word in enumerate(raw):
        low = word.lower()
        if not places:
            if low not in _CHOICE_FILLERS:
                out.append(low)
            continue
        if low == "la":
            after = raw[i + 1].lower() if i + 1 < len(raw) else ""
            before = out[-1] if out else ""
            if word == "LA" or before == "west" or not after or after.startswith("med"):
                out.extend(("los", "angeles"))
            continue  # the article
        if low in _ABBREVIATIONS:
            out.extend(_ABBREVIATIONS[low].split())
        elif low not in _FILLERS:
            out.append(low)
    return out


def _core(words: list[str]) -> list[str]:
    text = " ".join(words)
    for phrase in _GENERIC_PHRASES:
        text = re.sub(rf"\b{phrase}\b", " ", text)
    return [w for w in text.split() if w not in _GENERIC_WORDS]


@dataclass(frozen=True)
class _Index:
    """Target phrases for a set of keys (facility ids or choice ids)."""

    keys: tuple[str, ...]
    full: dict[str, frozenset[str]]  # key -> whole names/labels, filler-free
    cores: dict[str, frozenset[str]]  # key -> whole names/labels, core form
    phrases: tuple[str, ...]  # every target and every run of its words
    owners: tuple[tuple[str, bool], ...]  # (key, is_whole) for each phrase
    containers: dict[str, frozenset[str]]  # phrase -> keys having it among their words


def _runs(words: Sequence[str], max_len: int | None = None) -> Iterable[tuple[int, str]]:
    n = len(words)
    for size in range(1, min(n, max_len or n) + 1):
        for start in range(n - size + 1):
            yield size, " ".join(words[start : start + size])


def _build_index(labels: dict[str, Sequence[str]], generic: bool) -> _Index:
    full: dict[str, set[str]] = {}
    cores: dict[str, set[str]] = {}
    best_kind: dict[tuple[str, str], bool] = {}
    for key, names in labels.items():
        full[key], cores[key] = set(), set()
        for name in names:
            words = _words(name, places=generic)
            core = _core(words) if generic else words
            if not core:
                continue
            full[key].add(" ".join(words))
            cores[key].add(" ".join(core))
            for size, phrase in _runs(core):
                whole = size == len(core)
                best_kind[(phrase, key)] = best_kind.get((phrase, key), False) or whole
    pairs = tuple(best_kind.items())
    containers: dict[str, set[str]] = {}
    for phrase, key in best_kind:
        containers.setdefault(phrase, set()).add(key)
    return _Index(
        keys=tuple(labels),
        full={k: frozenset(v) for k, v in full.items()},
        cores={k: frozenset(v) for k, v in cores.items()},
        phrases=tuple(phrase for (phrase, _), _ in pairs),
        owners=tuple((key, whole) for (_, key), whole in pairs),
        containers={p: frozenset(k) for p, k in containers.items()},
    )


@dataclass(frozen=True)
class _Scored:
    ranked: tuple[tuple[str, float], ...]  # (key, score), best first, above the cutoff
    named: str | None  # the key the text names unambiguously, if any
    contained_in: frozenset[str]  # keys whose names contain all the text, word for word


def _score(text: str, index: _Index, generic: bool) -> _Scored:
    empty = _Scored((), None, frozenset())
    if len(text) > MAX_CHARS:
        return empty
    words = _words(text, places=generic)
    core = (_core(words) if generic else words)[:MAX_WORDS]
    if not core:
        return empty
    full_text, core_text = " ".join(words), " ".join(core)

    # Word for word: which keys name this text whole, and which contain it.
    contained = index.containers.get(core_text, frozenset())
    by_full = [k for k in index.keys if full_text in index.full[k]]
    by_core = [k for k in index.keys if core_text in index.cores[k]]
    named = None
    if len(by_full) == 1:
        named = by_full[0]
    elif len(by_core) == 1 and contained <= {by_core[0]}:
        named = by_core[0]

    scores: dict[str, float] = {}
    length = len(core_text)
    for _, run in _runs(core, max_len=4):
        coverage = 0.6 + 0.4 * min(1.0, len(run) / length)
        # Weights are at most 1, so a ratio under the cutoff can't reach it.
        hits = process.extract(run, index.phrases, scorer=fuzz.ratio, score_cutoff=CANDIDATE_CUTOFF, limit=None)
        for _, ratio, i in hits:
            key, whole = index.owners[i]
            score = ratio * (1.0 if whole else PART_WEIGHT) * coverage
            if score > scores.get(key, 0.0):
                scores[key] = score
    order = {k: n for n, k in enumerate(index.keys)}
    ranked = tuple(
        sorted(
            ((k, round(s, 1)) for k, s in scores.items() if s >= CANDIDATE_CUTOFF),
            key=lambda ks: (-ks[1], order[ks[0]]),
        )
    )
    return _Scored(ranked, named, contained)


def _confident(scored: _Scored) -> str | None:
    if scored.named:
        return scored.named
    if not scored.ranked:
        return None
    key, score = scored.ranked[0]
    if score < CONFIDENT:
        return None
    if scored.contained_in - {key}:
        return None  # all the text is also in another one's name
    if len(scored.ranked) > 1 and score - scored.ranked[1][1] < MARGIN:
        return None
    return key


@functools.lru_cache(maxsize=8)
def _facility_index(facilities: tuple[Facility, ...]) -> _Index:
    return _build_index({f.id: (f.name, *f.aliases) for f in facilities}, generic=True)


def match_facility(text: str, campaign: Campaign, *, limit: int = 3) -> FacilityMatch:
    """The facility a member named, if sure, and the likeliest ones."""
    index = _facility_index(campaign.facilities)
    scored = _score(text, index, generic=True)
    by_id = {f.id: f for f in campaign.facilities}
    best_id = _confident(scored)
    ranked = list(scored.ranked)
    if best_id and (not ranked or ranked[0][0] != best_id):
        # A name typed in full leads even if fuzzy scores tie with it.
        ranked = [(best_id, 100.0)] + [r for r in ranked if r[0] != best_id]
    return FacilityMatch(
        best=by_id[best_id] if best_id else None,
        candidates=tuple((by_id[k], s) for k, s in ranked[:limit]),
        exact=scored.named is not None,
    )


def matched_place(text: str, facility: Facility) -> str | None:
    """The alias (a town or neighbourhood) through which `text` found `facility`, so the member sees why:
    "harber city" -> "Harbor City" for South Bay. None when the name itself is the better match."""
    typed = " ".join(_core(_words(text)))
    if not typed or not facility.aliases:
        return None

    def score(name: str) -> float:
        return fuzz.ratio(typed, " ".join(_core(_words(name))))

    best = max(facility.aliases, key=score)
    return best if score(best) >= CANDIDATE_CUTOFF and score(best) > score(facility.name) else None


_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "uno": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "primero": 1,
    "primera": 1,
    "segundo": 2,
    "segunda": 2,
    "tercero": 3,
    "tercera": 3,
    "cuarto": 4,
    "cuarta": 4,
    "quinto": 5,
    "quinta": 5,
}
# "2", "#2", "2.", "2)", "option 2", "opción 2", "no. 2", "2nd", "dos", "the second"
_NUMBERED = re.compile(
    r"^(?:(?:option|opcion|number|numero|no|num|nr|el|la|the)\s+)*(?:(?P<d>\d{1,2})(?:st|nd|rd|th|o|a)?|(?P<w>[a-z]+))$"
)


def _choice_number(text: str, ids: Sequence[str]) -> str | None:
    m = _NUMBERED.match(" ".join(_fold(text).lower().split()))
    if not m:
        return None
    n = int(m["d"]) if m["d"] else _NUMBER_WORDS.get(m["w"])
    if n is None or not 1 <= n <= len(ids):
        return None
    return ids[n - 1]


def match_choice(
    text: str,
    labels: dict[str, list[str]],
    *,
    numbered: bool | Sequence[str] = False,
) -> str | None:
    """The choice id a typed answer means, only when sure; None otherwise.

    ``labels`` maps each choice id to its button labels and synonyms in every
    language. With ``numbered`` (True for the order of ``labels``, or the ids
    in button order) the answer may also be a choice's 1-based number: "2",
    "#2", "2.", "option 2", "opción 2", "dos", "second". A label typed exactly
    wins; otherwise the best fuzzy match must score ``CONFIDENT`` and lead the
    next choice by ``MARGIN``.
    """
    if len(text) > MAX_CHARS:
        return None
    if numbered:
        ids = list(labels) if numbered is True else list(numbered)
        if (chosen := _choice_number(text, ids)) is not None:
            return chosen
    index = _choice_index(tuple((k, tuple(v)) for k, v in labels.items()))
    return _confident(_score(text, index, generic=False))


@functools.lru_cache(maxsize=64)
def _choice_index(labels: tuple[tuple[str, tuple[str, ...]], ...]) -> _Index:
    return _build_index(dict(labels), generic=False)
