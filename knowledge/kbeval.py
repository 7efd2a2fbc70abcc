"""Score the knowledge-base answerer on a frozen evaluation file (`carebot kb eval`).

A question counts as *right* when the first reply is an answer whose text holds
the labelled fact (the phone number, "30 days"...); an out-of-scope question
counts as *abstained* when the reply is the honest "not sure" (with a person
offered); a *confident wrong* answer is an article given where another one, or
none, was expected. Figures are per language of the question.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from knowledge.campaign import Campaign
from knowledge.kb import KnowledgeBase, placeholder_values
from knowledge.language import OTHER, detect_language
from knowledge.retrieval import Answer, Retriever, first_reply_body
from knowledge.text import fill_placeholders, normalize

EVAL_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "kb_eval.toml"


@dataclass(frozen=True)
class FirstReply:
    """What the member sees first: an article (lead passage first) or "not sure"."""

    lang: str  # the language the reply is in
    article_id: str | None
    text: str  # title and body, placeholders filled
    third_language: bool = False


def reply_language(text: str, mode: str, known_words: frozenset[str] = frozenset()) -> tuple[str, bool]:
    """(the language to answer in, whether the member wrote in a third language)."""
    found = detect_language(text, known_words)
    if found == OTHER:
        return mode, True
    return (found or mode), False


def answer_text(kb: KnowledgeBase, campaign: Campaign, answer: Answer, lang: str) -> tuple[str, str]:
    """(title, body) of the first reply for this answer: the lead passage, then the rest of the short answer."""
    if answer.article_id is None:  # nothing found: as kb.render does for an id it does not know
        raise KeyError(answer.article_id)
    rendered = kb.render(answer.article_id, lang, campaign)
    lead_text = None
    if answer.lead is not None:
        lead_text = fill_placeholders(answer.lead.text, placeholder_values(campaign, rendered.lang))
    return rendered.title, first_reply_body(rendered.answer, lead_text, answer.lead)


def first_reply(retriever: Retriever, campaign: Campaign, text: str, mode: str) -> FirstReply:
    """The first reply the bot gives to this question in a chat set to `mode`."""
    lang, third = reply_language(text, mode, retriever.vocabulary)
    if third:
        return FirstReply(lang, None, "", third_language=True)
    answer = retriever.answer(text, lang)
    if answer.article_id is None:
        return FirstReply(lang, None, "")
    title, body = answer_text(retriever.kb, campaign, answer, lang)
    return FirstReply(lang, answer.article_id, f"{title}\n\n{body}")


def load_eval(path: str | Path = EVAL_FILE, *, rounds: set[int] | None = None) -> list[dict]:
    """The evaluation questions (of these rounds; all when None)."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    qs = raw.get("q", [])
    return [q for q in qs if rounds is None or q.get("round", 1) in rounds]


def _has_fact(text: str, fact: str) -> bool:
    return normalize(fact) in normalize(text)


@dataclass
class Scores:
    answerable: Counter
    right: Counter
    out_of_scope: Counter
    abstained: Counter
    wrong: Counter
    total: Counter
    misses: list
    skipped: int = 0

    def rate(self, what: str, lang: str) -> float:
        num = getattr(self, what)[lang]
        den = {"right": self.answerable, "abstained": self.out_of_scope, "wrong": self.total}[what][lang]
        return num / den if den else 1.0 if what != "wrong" else 0.0


def learned_texts(retriever: Retriever) -> frozenset[str]:
    """Every question the retriever learned from (normalised): article examples, member questions, out-of-scope."""
    return frozenset(normalize(u.text) for u in retriever.units if u.kind in ("question", "oos"))


def score(retriever: Retriever, campaign: Campaign, questions: list[dict]) -> Scores:
    """Run every question through the first reply and count right facts, abstentions and confident wrongs.

    A question that is also one the retriever learned from (the same words) is not
    scored: it would measure memory, not understanding.
    """
    s = Scores(Counter(), Counter(), Counter(), Counter(), Counter(), Counter(), [])
    learned = learned_texts(retriever)
    for q in questions:
        if normalize(q["text"]) in learned:
            s.skipped += 1
            continue
        lang = q["lang"]
        reply = first_reply(retriever, campaign, q["text"], q.get("mode", lang))
        s.total[lang] += 1
        if q["expect"]:
            s.answerable[lang] += 1
            if reply.article_id and _has_fact(reply.text, q.get("fact", "")):
                s.right[lang] += 1
            else:
                s.misses.append((q, reply))
            if reply.article_id and reply.article_id != q["expect"]:
                s.wrong[lang] += 1
        else:
            s.out_of_scope[lang] += 1
            if reply.article_id is None:
                s.abstained[lang] += 1
            else:
                s.wrong[lang] += 1
                s.misses.append((q, reply))
    return s


def report_lines(s: Scores) -> list[str]:
    """The figures, one line per language."""
    lines = []
    for lang in sorted(s.total):
        lines.append(
            f"{lang}: right fact in first reply {s.right[lang]}/{s.answerable[lang]} ({s.rate('right', lang):.1%}); "
            f"abstained on out-of-scope {s.abstained[lang]}/{s.out_of_scope[lang]} ({s.rate('abstained', lang):.1%}); "
            f"confident wrong {s.wrong[lang]}/{s.total[lang]} ({s.rate('wrong', lang):.1%})"
        )
    if s.skipped:
        lines.append(f"({s.skipped} questions not scored: the same words as a question the retriever learned from)")
    return lines
