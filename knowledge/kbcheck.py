"""Checks on the knowledge-base files: complete, cited, current, short enough for a phone."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from knowledge.kb import LABEL_KEYS, LANGUAGES, PLACEHOLDERS, KnowledgeBase, placeholder_values
from knowledge.text import count_sentences, normalize, placeholders

if TYPE_CHECKING:  # pragma: no cover
    from knowledge.campaign import Campaign

# A tired person reads the answer on a phone: the answer first, in a few sentences.
ANSWER_MAX_CHARS = 600
ANSWER_MAX_SENTENCES = 5  # "2-4 sentences", with room for one short closing pointer
DETAIL_MAX_CHARS = 1500
# Titles double as "did you mean" button labels.
TITLE_MAX_CHARS = 60
MIN_QUESTIONS = 8  # the matcher learns a topic from its examples

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HTML = re.compile(r"<[A-Za-z/!]")


def _check_text(article_id: str, lang: str, text, problems: list[str]) -> None:
    where = f"{article_id} [{lang}]"
    if not text.title:
        problems.append(f"{where}: no title")
    elif len(text.title) > TITLE_MAX_CHARS:
        problems.append(f"{where}: title is {len(text.title)} characters (at most {TITLE_MAX_CHARS})")
    if not text.answer:
        problems.append(f"{where}: no answer")
    else:
        if len(text.answer) > ANSWER_MAX_CHARS:
            problems.append(
                f"{where}: answer is {len(text.answer)} characters (at most {ANSWER_MAX_CHARS}); move detail to 'detail'"
            )
        n = count_sentences(text.answer)
        if n > ANSWER_MAX_SENTENCES:
            problems.append(f"{where}: answer has {n} sentences (2-4 read best on a phone)")
    if len(text.detail) > DETAIL_MAX_CHARS:
        problems.append(f"{where}: detail is {len(text.detail)} characters (at most {DETAIL_MAX_CHARS})")
    if len(text.questions) < MIN_QUESTIONS:
        problems.append(f"{where}: {len(text.questions)} example questions (at least {MIN_QUESTIONS})")
    for part in ("title", "answer", "detail"):
        value = getattr(text, part)
        if _HTML.search(value):
            problems.append(f"{where}: {part} looks like HTML; write plain text (the bot escapes it)")
        unknown = placeholders(value) - PLACEHOLDERS.keys()
        if unknown:
            problems.append(f"{where}: {part} uses unknown placeholder(s) {', '.join(sorted(unknown))}")
        if value.count("{") != value.count("}"):
            problems.append(f"{where}: {part} has unbalanced braces")
    for q in text.questions:
        if placeholders(q) or not normalize(q):
            problems.append(f"{where}: example question {q!r} is empty or has a placeholder")


def check_knowledge_base(
    kb: KnowledgeBase,
    *,
    today: date,
    max_age_days: int = 180,
    campaign: Campaign | None = None,
) -> list[str]:
    """Human-readable problems with the knowledge base (an empty list means it's fine).

    With a campaign, also reports placeholders that campaign would leave empty.
    """
    problems: list[str] = list(kb.load_problems)

    for lang in LANGUAGES:
        missing = [k for k in LABEL_KEYS if not kb.labels.get(lang, {}).get(k)]
        if missing:
            problems.append(f"sources.toml: [labels.{lang}] lacks {', '.join(missing)}")
    for key, source in kb.sources.items():
        if not source.label:
            problems.append(f"sources.toml: [{key}] has no label")
        if source.url and not source.url.startswith(("http://", "https://")):
            problems.append(f"sources.toml: [{key}] url should start with http(s)://")

    seen_ids: set[str] = set()
    # normalised question -> the article ids that use it
    owners: dict[str, list[str]] = defaultdict(list)
    for article in kb.articles:
        aid = article.id
        if not _ID.match(aid):
            problems.append(f"{aid}: id should be kebab-case (lowercase words joined by '-')")
        if aid in seen_ids:
            problems.append(f"{aid}: id used by more than one article")
        seen_ids.add(aid)
        if article.path is not None and article.path.stem != aid:
            problems.append(f"{aid}: file is named {article.path.name}; name it {aid}.toml")

        if not article.sources:
            problems.append(f"{aid}: cites no sources")
        for key in article.sources:
            if key not in kb.sources:
                problems.append(f"{aid}: cites unknown source {key!r} (not in sources.toml)")
        if len(set(article.sources)) != len(article.sources):
            problems.append(f"{aid}: cites a source twice")

        if article.reviewed is None:
            problems.append(f"{aid}: no reviewed date")
        elif article.reviewed > today:
            problems.append(f"{aid}: reviewed date {article.reviewed} is in the future")
        elif (today - article.reviewed).days > max_age_days:
            problems.append(
                f"{aid}: last reviewed {article.reviewed}, more than {max_age_days} days ago; re-check it against facts.md"
            )

        for lang in LANGUAGES:
            text = article.texts.get(lang)
            if text is None:
                problems.append(f"{aid}: no [{lang}] text")
                continue
            _check_text(aid, lang, text, problems)
            for q in text.questions:
                owners[normalize(q)].append(aid)
        extra = set(article.texts) - set(LANGUAGES)
        if extra:
            problems.append(f"{aid}: unknown language table(s) {', '.join(sorted(extra))}")

        if campaign is not None:
            for lang in LANGUAGES:
                text = article.texts.get(lang)
                if text is None:
                    continue
                values = placeholder_values(campaign, lang)
                used = placeholders(text.title + text.answer + text.detail)
                empty = sorted(n for n in used if n in values and not values[n])
                if empty:
                    problems.append(
                        f"{aid} [{lang}]: campaign {campaign.id} has no value for {', '.join(empty)}"
                    )

    for question, ids in owners.items():
        if len(ids) > 1:
            where = ", ".join(sorted(set(ids)))
            problems.append(f"example question {question!r} appears {len(ids)} times ({where})")
    return problems
