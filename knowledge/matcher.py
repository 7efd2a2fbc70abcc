"""Answer a member's free-text question from the knowledge base, or say we're not sure.

The design, chosen by measurement (benchmarks/kb_match.py over
the labelled member questions (now knowledge/member_questions.toml); plain ``fuzz.WRatio`` or ``token_set_ratio``
over the raw questions reached only 70-85% top-1 and could not tell off-topic
chat from questions):

1. The question and every article's title and example questions, in English
   AND Spanish (members mix them), go through one pipeline: normalise
   (lowercase, no accents or punctuation), drop greetings and function words,
   fix typos against the knowledge-base vocabulary with rapidfuzz
   (``fuzz.ratio`` >= 85, words of 5+ letters: "cancled" -> "canceled").
2. Phrase score: rapidfuzz ``process.extract`` with ``fuzz.token_sort_ratio``
   and a score_cutoff over the examples' content words; each article keeps its
   best example.
3. Evidence score: each word is folded to a *term*, a concept shared by the
   words members use for one thing in either language ("appt", "cita",
   "session" -> APPOINTMENT; "queja", "grievance" -> COMPLAINT), else its first
   letters as a cheap stem. Terms are weighted by BM25's inverse document
   frequency over articles, so "kaiser" counts for little and "imr" for a lot;
   the evidence is the share of the question's weight an article's examples
   contain (capped, so long rambling messages aren't punished).
4. score = (2 * phrase + evidence) / 3, cut by NO_CONCEPT_FACTOR when the
   article shares no topic concept with the question. Below SCORE_CUTOFF the
   match is None: "not sure" beats a confidently wrong rights answer. The three
   closest articles are always returned as alternatives.

Precomputed once per Matcher; a match takes well under a millisecond.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from knowledge.kb import KnowledgeBase
from knowledge.text import normalize

# Tuned on the first part of knowledge/member_questions.toml (then tests/data/kb_questions.toml).
SCORE_CUTOFF = 45.0
# score = (PHRASE_WEIGHT * phrase + EVIDENCE_WEIGHT * evidence) / (sum of weights)
PHRASE_WEIGHT = 2.0
EVIDENCE_WEIGHT = 1.0
# Example questions less alike than this add nothing to the phrase score.
PHRASE_CUTOFF = 30.0
# Evidence is the share of the question's information (idf mass) an article
# explains, counting at most this much mass: a long, rambling message with two
# or three strong topic words is as answerable as a short one.
EVIDENCE_MASS_CAP = 6.0
# An article that shares no topic concept with the question (only ordinary
# words such as "time" or "today") keeps this share of its score: that is what
# keeps "what time is it" from landing on the timely-access article.
NO_CONCEPT_FACTOR = 0.7
# Typo fixing: only words this long, only to a known word at least this close.
TYPO_MIN_LENGTH = 5
TYPO_CUTOFF = 85.0
STEM_LENGTH = 6
ALTERNATIVES = 3

# Function words (English and Spanish) that say nothing about the topic.
STOPWORDS = frozenset(
    """
    a an the i im me my mine we our you your yours he she him his her it its they them their theyre
    is are was were be been being am do does did doing done have has had having to of in on at for from by
    with about as into than then so and or but if this that these those there here what whats which who whom
    whose when where why how can could would should will shall may might must just also very really too not
    no yes ok okay please hi hello hey thanks thank get got gonna like s t any some all
    because cause bc cuz basically actually literally
    el la los las un una unos unas de del al a en y o u que se me mi mis te tu tus su sus lo le les es son
    fue ser estoy esta estan por para con sin como cuando donde quien cual pero si no ya muy mas ha he
    hay hola gracias buenas buenos tengo tiene tienen puedo puede pueden hacer hago eso esto ese esa este
    algo alguien nos yo usted ustedes ella ellos oiga oye pues entonces bueno porque pq
    """.split()
)
# Greetings carry no topic, but their words do elsewhere ("dias" habiles).
GREETINGS = (
    "buenos dias",
    "buenas tardes",
    "buenas noches",
    "good morning",
    "good afternoon",
    "good evening",
)

# Words members use for the same thing, in either language, folded to one
# term. Entries match as word prefixes (longest first), a trailing "$" means
# the whole word only, and entries with a space are phrases. This is what lets
# an English example back a Spanish question, and "appt" find "appointment".
CONCEPTS: dict[str, tuple[str, ...]] = {
    "APPOINTMENT": ("appointment", "appt", "cita", "session", "sesion", "consulta", "visit"),
    "CANCEL": ("cancel", "cancl", "suspend", "called off"),
    "THERAPIST": ("therap", "terap", "counsel", "consejer", "psycholog", "psicolog", "clinician"),
    "PSYCHIATRIST": ("psychiat", "psiquiat", "psych", "meds", "medicat", "medicin"),
    "WAIT": ("wait", "espera", "tarda", "tardan", "demor"),
    "URGENT": ("urgent", "urgen", "asap", "expedit"),
    "SOON": ("soon", "fast", "quick", "pronto", "rapid", "how long", "cuanto tiempo"),
    "COMPLAINT": (
        "complain",
        "grievanc",
        "grievenc",
        "queja",
        "quejar",
        "reclam",
        "kueja",
        "denunci",
        "report",
        "formal",
    ),
    "STRIKE": ("strike", "striking", "huelga", "picket", "paro"),
    "STILL": ("still", "todavia", "over$", "ended$", "termin", "acab"),
    "OUTSIDE": ("outside", "afuera", "fuera", "extern", "network", "particular", "private", "privad"),
    "COVER": ("cover", "cubr", "cobertura"),
    "REIMBURSE": (
        "reimburs",
        "reembols",
        "refund",
        "devuelv",
        "repay",
        "money back",
        "bolsillo",
        "bolsa",
        "pocket",
    ),
    "PAY": ("pay", "paid", "pagar", "pague", "pago", "paga", "cost", "copay", "copag", "price", "precio", "cuest"),
    "STATE": ("state", "estado", "gobierno", "government", "dmhc", "managed", "administrad", "regul"),
    "IMR": (
        "imr",
        "independ",
        "review",
        "revision",
        "revis",
        "appeal",
        "apela",
        "denied",
        "deny",
        "nego$",
        "negar",
        "negaron",
        "medical review",
    ),
    "CRISIS": (
        "crisis",
        "suicid",
        "emergenc",
        "988",
        "hotline",
        "danger",
        "peligro",
        "hurt",
        "harm",
        "kill",
        "lastim",
        "dano",
        "matar",
        "morir",
        "not safe",
        "a salvo",
    ),
    "LANGUAGE": (
        "spanish",
        "espanol",
        "interpret",
        "translat",
        "traduct",
        "idioma",
        "language",
        "ingles",
        "english",
        "chinese",
        "vietnam",
    ),
    "FORM": ("form", "paperwork", "papeles", "papers", "llenar", "fill"),
    "FREE": ("free", "grat", "advocate"),
    "PRIVACY": (
        "data",
        "datos",
        "informac",
        "information",
        "info",
        "privac",
        "confiden",
        "delete",
        "borr",
        "erase",
        "remov",
        "quitar",
        "elimin",
        "share",
        "compart",
    ),
    "BOT": (
        "bot",
        "robot",
        "lawyer",
        "abogad",
        "real person",
        "persona real",
        "employee",
        "empleado",
        "trabajas",
        "medical advice",
        "consejo medico",
    ),
    "BUSINESS_DAY": (
        "business",
        "habil",
        "weekend",
        "fines de semana",
        "holiday",
        "festiv",
        "feriad",
        "sabad",
        "doming",
        "thanksgiving",
    ),
    "DEADLINE": ("deadline", "fecha limite", "calcul", "count", "cuent"),
    "FINE": (
        "fine",
        "fined",
        "multa",
        "settlement",
        "million",
        "millon",
        "punish",
        "castig",
        "penalt",
        "sanction",
        "sancion",
        "trouble",
    ),
    # "medical" is how many members spell Medi-Cal.
    "PLAN_TYPE": ("medicare", "medi cal", "medical$", "ppo", "senior advantage", "hicap", "insurance", "seguros"),
    "CALL": ("call", "llam", "phone", "telefon", "number", "numero", "line", "linea"),
    "SAY": ("say", "tell", "decir", "digo", "script", "guion", "words", "palabras"),
    "ASK": ("ask", "request", "pido", "pedir", "solicit", "refer"),
    "HELP": ("help", "ayud", "assist"),
    "LAW": ("law", "legal", "ley", "allowed", "permit", "rights", "derecho"),
}

_PHRASES = sorted(((p, c) for c, ps in CONCEPTS.items() for p in ps if " " in p), key=lambda pc: -len(pc[0]))
_PREFIXES = sorted(
    ((p, c) for c, ps in CONCEPTS.items() for p in ps if " " not in p and not p.endswith("$")),
    key=lambda pc: -len(pc[0]),
)
_WHOLE_WORDS = {p[:-1]: c for c, ps in CONCEPTS.items() for p in ps if p.endswith("$")}
# "sb855" -> "sb 855", "ab1429" -> "ab 1429": members write bill numbers both ways.
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")


@dataclass(frozen=True)
class Match:
    """The article that answers a question (None when not confident) and the closest others."""

    article_id: str | None
    score: float
    alternatives: tuple[str, ...]


def _prepare(text: str) -> str:
    """Normalised text with greetings dropped and multi-word concepts joined."""
    text = _LETTER_DIGIT.sub(" ", normalize(text))
    for greeting in GREETINGS:
        text = text.replace(greeting, " ")
    for phrase, concept in _PHRASES:
        if phrase in text:
            text = text.replace(phrase, f" {concept} ")
    return text


@lru_cache(maxsize=4096)
def _concept(word: str) -> str | None:
    if word.isupper():  # already a concept, joined by _prepare
        return word
    if word in _WHOLE_WORDS:
        return _WHOLE_WORDS[word]
    for prefix, concept in _PREFIXES:
        if word.startswith(prefix) and (len(prefix) >= 3 or word == prefix):
            return concept
    return None


class Matcher:
    """Matches free text to knowledge-base articles; build once, call match() per message."""

    def __init__(self, kb: KnowledgeBase, *, cutoff: float = SCORE_CUTOFF):
        if cutoff <= 0:
            raise ValueError("a matcher needs a positive score cutoff")
        self.kb = kb
        self.cutoff = cutoff
        self._ids = kb.ids
        examples = [
            (article.id, s) for article in kb.articles for text in article.texts.values() for s in (text.title, *text.questions)
        ]
        words = {w for _, s in examples for w in _prepare(s).split() if w not in STOPWORDS}
        # Every known word, for typo fixing.
        self._vocabulary = sorted(w for w in words if not w.isupper())
        self._known = frozenset(self._vocabulary)
        self._fix_typo = lru_cache(maxsize=8192)(self._fix_typo_uncached)

        # Precomputed once: each example's content words (for rapidfuzz) and
        # each article's terms (for the evidence score).
        self._example_words: list[str] = []
        self._example_owner: list[str] = []
        docs: dict[str, set[str]] = {aid: set() for aid in self._ids}
        for aid, s in examples:
            words_ = self._content_words(s, fix_typos=False)
            if not words_:
                continue
            self._example_words.append(" ".join(words_))
            self._example_owner.append(aid)
            docs[aid].update(self._terms_of(words_))
        self._docs = {aid: frozenset(terms) for aid, terms in docs.items()}
        n = max(1, len(self._ids))
        df = Counter(t for terms in self._docs.values() for t in terms)
        # BM25's idf: a term in every article is worth ~0, one in a single article the most.
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        # An unknown word weighs as much as the rarest known one: it is evidence
        # the question is about something the knowledge base doesn't cover.
        self._unknown_idf = math.log(1 + (n - 0.5) / 0.5)

    def _fix_typo_uncached(self, word: str) -> str:
        if word in self._known or len(word) < TYPO_MIN_LENGTH or _concept(word) or not self._vocabulary:
            return word
        best = process.extractOne(word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return best[0] if best else word

    def _content_words(self, text: str, *, fix_typos: bool = True) -> list[str]:
        out: list[str] = []
        seen: set[str] = set()
        for word in _prepare(text).split():
            # A word said twice adds nothing, and repeated filler must not
            # drown the words that say what the message is about.
            if word in STOPWORDS or word in seen:
                continue
            seen.add(word)
            if fix_typos:
                if word.isdigit() and word not in self._known:
                    continue  # "3 times", "8 weeks": numbers we have no article about
                word = self._fix_typo(word)
            out.append(word)
        return out

    @staticmethod
    def _terms_of(words: list[str]) -> list[str]:
        return [_concept(w) or w[:STEM_LENGTH] for w in words]

    def terms(self, text: str) -> list[str]:
        """The terms a text is matched on: concepts, or the first letters of other words."""
        return self._terms_of(self._content_words(text))

    def scores(self, text: str) -> dict[str, float]:
        """Every article's score (0-100) for this text."""
        result = dict.fromkeys(self._ids, 0.0)
        words = self._content_words(text)
        if not words:
            return result
        terms = set(self._terms_of(words))
        weight = {t: self._idf.get(t, self._unknown_idf) for t in terms}
        mass = min(sum(weight.values()), EVIDENCE_MASS_CAP)
        concepts = {t for t in terms if t.isupper()}

        phrase: dict[str, float] = {}
        for _, score, idx in process.extract(
            " ".join(words),
            self._example_words,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=PHRASE_CUTOFF,
            limit=None,
        ):
            aid = self._example_owner[idx]
            if score > phrase.get(aid, 0.0):
                phrase[aid] = score

        total = PHRASE_WEIGHT + EVIDENCE_WEIGHT
        for aid, doc in self._docs.items():
            evidence = min(100.0, 100.0 * sum(weight[t] for t in terms & doc) / mass)
            score = (PHRASE_WEIGHT * phrase.get(aid, 0.0) + EVIDENCE_WEIGHT * evidence) / total
            if not concepts & doc:
                score *= NO_CONCEPT_FACTOR
            result[aid] = score
        return result

    def match(self, text: str, lang: str = "en") -> Match:
        """The best article for this question, or article_id None when below the cutoff.

        `lang` is accepted for symmetry with the rest of the bot; examples in
        both languages are always searched, because members mix them.
        """
        if not self._ids:
            return Match(article_id=None, score=0.0, alternatives=())
        scores = self.scores(text)
        ranked = sorted(self._ids, key=lambda aid: (-scores[aid], aid))
        best = ranked[0]
        score = round(scores[best], 1)
        return Match(
            article_id=best if score >= self.cutoff else None,
            score=score,
            alternatives=tuple(ranked[:ALTERNATIVES]),
        )
