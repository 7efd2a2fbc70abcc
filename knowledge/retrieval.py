"""Answer a member's question from the knowledge base, by the fact that answers it, or say we're not sure.

Hybrid retrieval, built once when the knowledge base loads:

- *passages*: the sentences of each article's short answer and the bullets of its
  detail, in every language it has (`passages_of`);
- *examples*: each article's title and example questions, the labelled member
  questions of ``knowledge/member_questions.toml``, and the out-of-scope examples
  (``knowledge/out_of_scope.toml`` and the member questions labelled ""), which
  form one more pseudo-topic: lawsuits, copays, transport, work, medication...

Signals, per article:

1. semantic: the shared multilingual sentence embeddings (``knowledge.embedding``,
   one model shared with the crisis screen); the mean cosine similarity of the
   question to the article's three closest examples;
2. concepts and typos: the rapidfuzz matcher of ``knowledge.matcher`` (typo fixing
   against the vocabulary, words members use for one thing in either language,
   phrase similarity to the example questions);
3. lexical: BM25 (``rank-bm25``) over Snowball-stemmed words (``snowballstemmer``),
   one index per language, normalised by what the question's words could score
   at most. Cross-validation gave it no weight in choosing the article; it helps
   choose the passage that leads.

The fused score is a weighted sum. The answer is withheld ("not sure") when the
best article is below a floor, too close to the second-best (unless it is a
strong match), or the question is closer to the out-of-scope examples. Weights
and thresholds come from 5-fold cross-validation over the member questions
(``python benchmarks/kb_match.py --calibrate``), never from the evaluation file
(tests/data/kb_eval.toml, scored by ``carebot kb eval``).

Within the chosen article the passage closest to the question leads the first
reply; the rest of the short answer follows and the detail stays one tap away.
New articles need no code change: their passages come from their answer and
detail, their example questions join the examples.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import snowballstemmer
from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process

from knowledge.kb import KNOWLEDGE_DIR, PLACEHOLDERS, KnowledgeBase
from knowledge.matcher import Matcher
from knowledge.text import fill_placeholders, normalize

logger = logging.getLogger(__name__)

__all__ = ["Answer", "OUT_OF_SCOPE", "Passage", "Retriever", "Weights", "passages_of"]

OUT_OF_SCOPE = "_out_of_scope"
OUT_OF_SCOPE_FILE = KNOWLEDGE_DIR / "out_of_scope.toml"
MEMBER_QUESTIONS_FILE = KNOWLEDGE_DIR / "member_questions.toml"
ALTERNATIVES = 3
MAX_CHARS = 1000
# A long message is matched on its start and on its end (the question is usually in one of
# them), whichever matches better: the filler in between would drown it.
WINDOW_CHARS = 300
TYPO_MIN_LENGTH = 5
TYPO_CUTOFF = 85
SEMANTIC_TOP_K = 3
NEIGHBOURS = 5  # nearest example questions that vote on "out of scope"


@dataclass(frozen=True)
class Weights:
    """How the signals are fused and when to abstain (chosen on the validation questions)."""

    semantic: float = 0.5
    lexical: float = 0.0  # measured: adds nothing to the article choice once concepts are in; it picks the lead
    concept: float = 0.5
    floor: float = 0.41  # the best article must score at least this
    margin: float = 0.03  # ... and beat the second-best article by this,
    sure: float = 0.7  # ... unless it scores at least this (then a close second doesn't make it doubtful)
    oos_margin: float = 0.05  # ... and its examples be no further from the question than the out-of-scope ones, less this
    oos_share: float = 0.8  # ... and at most this share of the question's nearest examples be out-of-scope ones
    lead_bonus: float = 0.03  # a sentence of the short answer leads unless a detail bullet is clearly closer
    lead_lexical: float = 0.2  # words of the question found in a passage (BM25) help pick the lead


DEFAULT_WEIGHTS = Weights()

# Function words: they carry no topic, and in BM25 they would let "how do i" match everything.
STOPWORDS = frozenset(
    """a an the i im me my we our you your u ur it its is are was were be been am do does did doing have has had
    to of in on at for from with by about as and or but if so than then that this these those there here what whats
    which who whom how when where why can could would should will shall may might must just really pls please
    hi hello hey ok okay thanks thank yes no not dont cant wont isnt arent get got go going
    el la los las un una unos unas de del al a en y o u que qu q como cuando donde quien cual cuales por para con
    sin mi mis me te se le les lo su sus tu tus yo es son esta estan estoy ser fue era hay tiene tengo tienen puedo
    puede pueden hola gracias si no ya muy mas pero porque pq pa""".split()
)

_ENGLISH_STEM = snowballstemmer.stemmer("english")
_SPANISH_STEM = snowballstemmer.stemmer("spanish")
_STEMMERS = {"en": _ENGLISH_STEM, "es": _SPANISH_STEM}


@lru_cache(maxsize=16384)
def _stem(word: str, lang: str) -> str:
    return _STEMMERS[lang].stemWord(word)


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡\"“{0-9])")
# "sb855" -> "sb 855": members write bill numbers both ways.
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")

# What each placeholder reads as when indexing (the real values are filled in at render time).
_INDEX_VALUES = {name: "" for name in PLACEHOLDERS} | {
    "plan": "plan",
    "plan_name": "health plan",
    "union": "union",
    "phone_member_services": "phone number",
    "phone_mh_24_7": "phone line",
    "portal_complaint_path": "online website",
}


@dataclass(frozen=True)
class Passage:
    """One fact of an article: a sentence of its short answer or a bullet of its detail."""

    article_id: str
    lang: str
    text: str  # as written in the article, placeholders unfilled
    part: str  # "answer" or "detail"
    index: int  # position within its part


@dataclass(frozen=True)
class Answer:
    """What the retriever found: an article and the passage to lead with, or None when not sure."""

    article_id: str | None
    score: float
    alternatives: tuple[str, ...]
    lead: Passage | None = None
    out_of_scope: bool = False
    scores: dict[str, float] = field(default_factory=dict, compare=False, repr=False)


def split_sentences(text: str) -> list[str]:
    """The sentences of a short answer (dots inside "kp.org" or "§1300.67" don't end one)."""
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def split_detail(text: str) -> list[str]:
    """The bullets of a detail text; lines that are not bullets stay together as one passage."""
    out: list[str] = []
    loose: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("•"):
            if loose:
                out.append(" ".join(loose))
                loose = []
            out.append(line.lstrip("• ").strip())
        elif line:
            loose.append(line)
        elif loose:
            out.append(" ".join(loose))
            loose = []
    if loose:
        out.append(" ".join(loose))
    return [p for p in out if p]


def passages_of(kb: KnowledgeBase) -> list[Passage]:
    """Every article's passages, in every language it has."""
    out: list[Passage] = []
    for article in kb.articles:
        for lang, text in article.texts.items():
            for i, s in enumerate(split_sentences(text.answer)):
                out.append(Passage(article.id, lang, s, "answer", i))
            for i, s in enumerate(split_detail(text.detail)):
                out.append(Passage(article.id, lang, s, "detail", i))
    return out


def load_out_of_scope(path: Path = OUT_OF_SCOPE_FILE) -> list[tuple[str, str]]:
    """(lang, question) pairs the knowledge base has no reliable answer to."""
    if not path.exists():
        return []
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    return [(lang, str(q)) for lang, qs in raw.items() if isinstance(qs, list) for q in qs]


# Unit text -> vector, per model: every Core builds a retriever, the texts are the same, and
# encoding a thousand texts takes seconds on a busy machine.
_VECTORS: dict[tuple[int, str], np.ndarray] = {}


def _encode_cached(embed, texts: list[str]) -> np.ndarray:
    missing = list(dict.fromkeys(t for t in texts if (id(embed), t) not in _VECTORS))
    if missing:
        for t, v in zip(missing, embed.encode(missing)):
            _VECTORS[(id(embed), t)] = v
    if not texts:
        return np.zeros((0, 512), np.float32)
    return np.stack([_VECTORS[(id(embed), t)] for t in texts])


def load_member_questions(path: Path = MEMBER_QUESTIONS_FILE) -> list[dict]:
    """Labelled member questions ({text, lang, expect}; expect "" = off-topic) that train the retriever."""
    if not path.exists():
        return []
    with open(path, "rb") as fh:
        return [q for q in tomllib.load(fh).get("q", []) if isinstance(q, dict) and q.get("text")]


def _index_text(text: str) -> str:
    return fill_placeholders(text, _INDEX_VALUES)


def _words(text: str) -> list[str]:
    return _LETTER_DIGIT.sub(" ", normalize(text)).split()


@dataclass(frozen=True)
class _Unit:
    owner: str  # article id or OUT_OF_SCOPE
    lang: str
    kind: str  # "title", "question", "passage", "oos"
    text: str


# Words about dying that say nothing about a crisis: a dying idiom ("me muero de la pena",
# "dying of embarrassment") or a crisis said not to be there ("no estoy pensando en
# suicidarme", "i'm not suicidal"). The safety screen runs before the retriever and has
# already judged them; left in, they pull the question to the crisis article, so the
# retriever answers the rest of the message ("solo quiero mi cita") when there is a rest.
_NOT_ABOUT_CRISIS = re.compile(
    r"\b(?:(?:me )?(?:muero|muera|morir|morirme|muriendo|muert[oa]s?|quiero morir|quiero morirme)"
    r" de (?:la |el |los |las )?(?:pena|risa|verg[uü]enza|tristeza|hambre|sue[nñ]o|cansancio|ganas|aburrimiento|nervios|flojera|calor|fr[ií]o)"
    r"|(?:die|dying|died|dead) (?:of|from) (?:embarrassment|laughter|laughing|shame|cringe|boredom|hunger)"
    r"|(?:no|ni) (?:estoy|ando|ando con|me)? ?(?:pensando en |con ideas de |ideas de )?(?:suicidarme|matarme|morirme|quitarme la vida|suicida)"
    r"|(?:no|ni) (?:me )?quiero (?:matar|suicidar|morir)(?:me)?"
    r"|(?:i ?'?m|i am|im) not (?:suicidal|in crisis|going to (?:kill|hurt) myself|thinking (?:of|about) (?:suicide|killing myself))"
    r"|not suicidal"
    # a dated past attempt ("tried to kill myself in 2012", "intente matarme hace 8 anos"): the
    # screen lets it pass only when the member says they are well now
    r"|(?:i )?(?:attempted|tried to|tried) (?:suicide|to kill myself|kill myself|to end my life|end my life|to take my life|overdos\w*)"
    r"(?: \w+){0,2} (?:(?:in|back in|around) (?:19|20)\d\d|\w+ (?:years?|yrs) ago)"
    r"|(?:intent[eé]|trat[eé] de|quise) (?:suicidarme|matarme|quitarme la vida)(?: \w+){0,2} (?:hace \w+(?: \w+)? a[nñ]os|en (?:el )?(?:19|20)\d\d))\b",
    re.IGNORECASE,
)


def without_crisis_look_alikes(text: str) -> str:
    """The message without dying idioms and denied crisis words, when something else is left."""
    rest = _NOT_ABOUT_CRISIS.sub(" ", text).strip(" ,.;:!?¡¿-")
    return rest if rest != text and len(_words(rest)) >= 2 else text


class Retriever:
    """Hybrid retrieval over the knowledge base; build once, call answer() per message."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        embed=None,
        weights: Weights = DEFAULT_WEIGHTS,
        out_of_scope: Sequence[tuple[str, str]] | None = None,
        member_questions: Sequence[dict] | None = None,
    ):
        if weights.floor <= 0:
            raise ValueError("a retriever needs a positive floor: below it, it must say it is not sure")
        if embed is None:
            from knowledge.embedding import embedder

            embed = embedder()
        self.kb = kb
        self.weights = weights
        self._embed = embed
        self._ids = kb.ids
        self.passages = passages_of(kb)
        units: list[_Unit] = []
        for article in kb.articles:
            for lang, text in article.texts.items():
                if text.title:
                    units.append(_Unit(article.id, lang, "title", _index_text(text.title)))
                units.extend(_Unit(article.id, lang, "question", q) for q in text.questions if q)
        members = load_member_questions() if member_questions is None else list(member_questions)
        known = set(self._ids)
        units.extend(_Unit(q["expect"], q.get("lang", "en"), "question", q["text"]) for q in members if q.get("expect") in known)
        first_passage = len(units)
        units.extend(_Unit(p.article_id, p.lang, "passage", _index_text(p.text)) for p in self.passages)
        oos = load_out_of_scope() if out_of_scope is None else list(out_of_scope)
        oos += [(q.get("lang", "en"), q["text"]) for q in members if not q.get("expect")]
        units.extend(_Unit(OUT_OF_SCOPE, lang, "oos", q) for lang, q in oos)
        self._units = units
        self._owners = sorted({u.owner for u in units})
        owner_index = {o: i for i, o in enumerate(self._owners)}
        self._unit_owner = np.array([owner_index[u.owner] for u in units], dtype=np.int32)

        # Semantic: one embedding per unit, computed once (about a second for a thousand short texts).
        self._vectors = _encode_cached(embed, [u.text for u in units])
        self._passage_rows = {p: i for i, p in enumerate(self.passages)}
        self._passage_vectors = self._vectors[first_passage : first_passage + len(self.passages)]
        self._first_passage = first_passage

        # Typos: every word the knowledge base uses.
        vocabulary = {w for u in units for w in _words(u.text) if w not in STOPWORDS}
        self._vocabulary = sorted(vocabulary)
        self._known = frozenset(vocabulary)
        self._fix = lru_cache(maxsize=8192)(self._fix_uncached)

        # Lexical: one BM25 index per language over stemmed words.
        self._bm25: dict[str, tuple[BM25Okapi, np.ndarray, float]] = {}
        for lang in _STEMMERS:
            # Passages only: BM25 picks the lead passage (cross-validation gave it no say in the article).
            rows = [i for i, u in enumerate(units) if u.lang == lang and u.kind == "passage"]
            if not rows:
                continue
            docs = [self._stems(u.text, lang) or ["_"] for u in (units[i] for i in rows)]
            bm25 = BM25Okapi(docs)
            self._bm25[lang] = (bm25, np.array(rows), max(bm25.idf.values(), default=1.0))

        # Semantic neighbours: each owner's example questions and title (and the out-of-scope examples).
        self._owner_index = owner_index
        self._question_rows = [
            np.array([i for i, u in enumerate(units) if u.owner == o and u.kind != "passage"], dtype=np.int64)
            for o in self._owners
        ]
        self._example_rows = np.array([i for i, u in enumerate(units) if u.kind != "passage"], dtype=np.int64)
        self._oos_index = owner_index.get(OUT_OF_SCOPE, -1)
        # Concepts and typos: the rapidfuzz matcher (words members use for one thing in
        # either language, typo fixing, phrase similarity to the example questions).
        self._concepts = Matcher(kb)
        logger.debug("retriever: %d units, %d passages, %d words", len(units), len(self.passages), len(vocabulary))

    # ------------------------------------------------------------ text

    def _fix_uncached(self, word: str) -> str:
        if word in self._known or len(word) < TYPO_MIN_LENGTH or word.isdigit() or not self._vocabulary:
            return word
        best = process.extractOne(word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return best[0] if best else word

    def _content(self, text: str, *, fix: bool = True) -> list[str]:
        out: list[str] = []
        for w in _words(text):
            if w in STOPWORDS:
                continue
            out.append(self._fix(w) if fix else w)
        return list(dict.fromkeys(out))

    def _stems(self, text: str, lang: str, *, fix: bool = False) -> list[str]:
        return [_stem(w, lang) for w in self._content(text, fix=fix)]

    # ------------------------------------------------------------ scoring

    def signals(self, text: str) -> dict:
        """Each owner's semantic, lexical and concept score (arrays in `owners` order) and the question's vector."""
        text = text[:MAX_CHARS]
        n = len(self._owners)
        sem = np.zeros(n, np.float32)
        lex = np.zeros(n, np.float32)
        concept = np.zeros(n, np.float32)
        content = self._content(text)
        if not content:
            return {"semantic": sem, "lexical": lex, "concept": concept, "vector": None, "units": None, "oos_share": 0.0}
        vector = self._embed.encode([text])[0]
        sims = self._vectors @ vector
        # Semantic: the mean of an article's three closest example questions (one lucky
        # neighbour is weaker evidence than several).
        for o, rows in enumerate(self._question_rows):
            if len(rows):
                top = np.partition(sims[rows], -min(SEMANTIC_TOP_K, len(rows)))[-SEMANTIC_TOP_K:]
                sem[o] = float(top.mean())
        unit_lex = np.zeros(len(self._units), np.float32)
        for lang, (bm25, rows, max_idf) in self._bm25.items():
            stems = list(dict.fromkeys(_stem(w, lang) for w in content))
            bound = sum(max(bm25.idf.get(s, max_idf), 0.0) for s in stems) or 1.0
            scores = bm25.get_scores(stems) / bound
            unit_lex[rows] = np.maximum(unit_lex[rows], scores)
        np.maximum.at(lex, self._unit_owner, np.minimum(unit_lex, 1.0))
        for aid, score in self._concepts.scores(text).items():
            concept[self._owner_index[aid]] = score / 100.0
        # Out-of-scope vote: how many of the nearest example questions are out-of-scope examples.
        nearest = self._example_rows[np.argpartition(-sims[self._example_rows], NEIGHBOURS)[:NEIGHBOURS]]
        share = float(np.mean(self._unit_owner[nearest] == self._oos_index)) if self._oos_index >= 0 else 0.0
        return {"semantic": sem, "lexical": lex, "concept": concept, "vector": vector, "units": unit_lex, "oos_share": share}

    @property
    def units(self) -> tuple[_Unit, ...]:
        """Everything indexed: titles, example questions, passages, out-of-scope examples."""
        return tuple(self._units)

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every word the knowledge base's articles, examples and passages use (normalised)."""
        return self._known

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(self._owners)

    def fuse(self, signals: dict[str, np.ndarray], weights: Weights | None = None) -> np.ndarray:
        w = weights or self.weights
        return w.semantic * signals["semantic"] + w.lexical * signals["lexical"] + w.concept * signals["concept"]

    def decide(self, signals: dict, weights: Weights | None = None) -> tuple[str | None, float, tuple[str, ...], bool]:
        """(article or None, its score, the closest articles, whether the out-of-scope examples won)."""
        w = weights or self.weights
        fused = self.fuse(signals, w)
        scores = {o: float(s) for o, s in zip(self._owners, fused) if o != OUT_OF_SCOPE}
        ranked = sorted(scores, key=lambda o: (-scores[o], o))
        if not ranked:
            return None, 0.0, (), False
        best = ranked[0]
        top = scores[best]
        second = scores[ranked[1]] if len(ranked) > 1 else 0.0
        alternatives = tuple(ranked[:ALTERNATIVES])
        if top < w.floor:
            return None, top, alternatives, False
        sem = signals["semantic"]
        oos = float(sem[self._owner_index[OUT_OF_SCOPE]]) if OUT_OF_SCOPE in self._owner_index else 0.0
        if float(sem[self._owner_index[best]]) + w.oos_margin < oos or signals.get("oos_share", 0.0) > w.oos_share:
            return None, top, alternatives, True
        if top - second < w.margin and top < w.sure:
            return None, top, alternatives, False
        return best, top, alternatives, False

    def lead(self, article_id: str, lang: str, vector: np.ndarray | None, unit_lexical=None) -> Passage | None:
        """The passage of this article, in this language, closest to the question."""
        own = [p for p in self.passages if p.article_id == article_id and p.lang == lang]
        if not own:
            own = [p for p in self.passages if p.article_id == article_id]
        if not own:
            return None
        if vector is None:
            return own[0]
        rows = [self._passage_rows[p] for p in own]
        sims = self._passage_vectors[rows] @ vector
        bonus = np.array([self.weights.lead_bonus if p.part == "answer" else 0.0 for p in own])
        if unit_lexical is not None:
            bonus = bonus + self.weights.lead_lexical * unit_lexical[[self._first_passage + r for r in rows]]
        return own[int(np.argmax(sims + bonus))]

    def answer(self, text: str, lang: str = "en") -> Answer:
        """The article and passage that answer this question in `lang`, or article_id None when not sure."""
        if len(text) > WINDOW_CHARS:
            # A sentence said again adds nothing ("please help. please help. ...").
            text = " ".join(dict.fromkeys(re.split(r"(?<=[.!?])\s+", text[: MAX_CHARS * 5])))
        text = without_crisis_look_alikes(text[:MAX_CHARS])
        signals = self.signals(text)
        if len(text) > WINDOW_CHARS:
            ends = [self.signals(text[:WINDOW_CHARS]), self.signals(text[-WINDOW_CHARS:])]
            signals = max([signals, *ends], key=lambda s: float(np.max(self.fuse(s), initial=0.0)))
        fused = self.fuse(signals)
        article_id, score, alternatives, oos = self.decide(signals)
        lead = self.lead(article_id, lang, signals["vector"], signals["units"]) if article_id else None
        return Answer(
            article_id=article_id,
            score=round(score, 3),
            alternatives=alternatives,
            lead=lead,
            out_of_scope=oos,
            scores={o: float(s) for o, s in zip(self._owners, fused)},
        )


def first_reply_body(answer_text: str, lead_text: str | None, lead: Passage | None) -> str:
    """The short answer with the passage that answers the question first.

    `answer_text` and `lead_text` are rendered (placeholders filled). A lead from
    the detail goes before the whole short answer; a lead from the short answer
    moves to its front; the first sentence leading changes nothing.
    """
    if lead is None or not lead_text:
        return answer_text
    if lead.part == "answer":
        sentences = split_sentences(answer_text)
        if lead.index == 0 or lead.index >= len(sentences):
            return answer_text
        rest = [s for i, s in enumerate(sentences) if i != lead.index]
        return " ".join([sentences[lead.index], *rest])
    return f"{lead_text}\n\n{answer_text}"
