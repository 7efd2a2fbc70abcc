"""Checks on the knowledge-base files: complete, cited, current, short enough for a phone.

Besides the articles themselves, it reads two annotations kb.py doesn't need
for rendering: each source's `kind` and `supports` (the facts it backs) in
``knowledge/sources.toml``, and each article's `facts` (the facts it states).
From them it checks that every fact an article states is backed by a source
the article cites (a problem when not), and it warns when an article leans on
a secondary source for a fact a primary source backs (`source_warnings`).
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
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
SOURCE_KINDS = ("primary", "secondary", "carebot")
# Where a reviewer re-checks an article's facts: the file in this repository
# that lists each source, what kind it is and which facts it backs.
SOURCES_FILE = "knowledge/sources.toml"
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
    sources_path: str | Path | None = None,
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
                f"{aid}: last reviewed {article.reviewed}, more than {max_age_days} days ago; re-check it against its sources ({SOURCES_FILE})"
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
                    problems.append(f"{aid} [{lang}]: campaign {campaign.id} has no value for {', '.join(empty)}")

    for question, ids in owners.items():
        if len(ids) > 1:
            where = ", ".join(sorted(set(ids)))
            problems.append(f"example question {question!r} appears {len(ids)} times ({where})")
    problems += check_facts(kb, sources_path)
    return problems


# --- sources: primary or secondary, and which facts they back ------------------------


@dataclass(frozen=True)
class SourceMeta:
    """What kbcheck knows about one source beyond its label: its kind and the facts it backs."""

    kind: str  # "primary" | "secondary" | "carebot" | "" (not said)
    supports: tuple[str, ...]


def _sources_path(kb: KnowledgeBase, sources_path: str | Path | None) -> Path | None:
    if sources_path is not None:
        return Path(sources_path)
    # load_knowledge_base finds sources.toml beside the articles folder.
    for article in kb.articles:
        if article.path is not None:
            return article.path.parent.parent / "sources.toml"
    return None


def source_meta(kb: KnowledgeBase, sources_path: str | Path | None = None) -> dict[str, SourceMeta]:
    """Each source's kind and the facts it supports, read from sources.toml."""
    path = _sources_path(kb, sources_path)
    if path is None or not path.exists():
        return {}
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    meta: dict[str, SourceMeta] = {}
    for key, table in raw.items():
        if key == "labels" or not isinstance(table, dict):
            continue
        supports = table.get("supports", [])
        meta[key] = SourceMeta(
            kind=str(table.get("kind", "")),
            supports=tuple(str(s) for s in supports) if isinstance(supports, list) else (),
        )
    return meta


def article_facts(article) -> tuple[str, ...] | None:
    """The facts an article says it states (its `facts` list), or None when it doesn't say."""
    if article.path is None or not article.path.exists():
        return None
    with open(article.path, "rb") as fh:
        facts = tomllib.load(fh).get("facts")
    if not isinstance(facts, list):
        return None
    return tuple(str(f) for f in facts)


def _backers(meta: dict[str, SourceMeta]) -> dict[str, list[str]]:
    backers: dict[str, list[str]] = defaultdict(list)
    for key, m in meta.items():
        for fact in m.supports:
            backers[fact].append(key)
    return backers


def check_facts(kb: KnowledgeBase, sources_path: str | Path | None = None) -> list[str]:
    """Problems with the fact annotations: unknown kinds or facts, a stated fact no cited source backs."""
    meta = source_meta(kb, sources_path)
    backers = _backers(meta)
    problems: list[str] = []
    for key, m in meta.items():
        if m.kind and m.kind not in SOURCE_KINDS:
            problems.append(f"{SOURCES_FILE}: [{key}] kind {m.kind!r} should be one of {', '.join(SOURCE_KINDS)}")
    for article in kb.articles:
        facts = article_facts(article)
        if facts is None:
            continue
        for fact in facts:
            if fact not in backers:
                problems.append(f"{article.id}: states fact {fact!r}, which no source in {SOURCES_FILE} supports")
                continue
            if not set(backers[fact]) & set(article.sources):
                problems.append(f"{article.id}: states fact {fact!r} but cites none of its sources ({', '.join(backers[fact])})")
    return problems


def source_warnings(kb: KnowledgeBase, sources_path: str | Path | None = None) -> list[str]:
    """Warnings about sources: a secondary source where a primary one backs the same fact,
    a cited source that backs none of the article's facts, missing annotations."""
    meta = source_meta(kb, sources_path)
    backers = _backers(meta)
    primary = {f: [k for k in ks if meta[k].kind == "primary"] for f, ks in backers.items()}
    warnings: list[str] = []
    cited_anywhere = {k for a in kb.articles for k in a.sources}
    for key in sorted(cited_anywhere):
        m = meta.get(key)
        if m is not None and not m.kind:
            warnings.append(f"{SOURCES_FILE}: [{key}] says no kind (primary, secondary or carebot)")
        if m is not None and not m.supports:
            warnings.append(f"{SOURCES_FILE}: [{key}] lists no facts it supports")
    for article in kb.articles:
        facts = article_facts(article)
        if facts is None:
            warnings.append(f"{article.id}: lists no facts (facts = [...]), so its sources can't be checked")
            continue
        cited = [k for k in article.sources if k in meta]
        for fact in facts:
            backing = [k for k in cited if fact in meta[k].supports]
            better = [k for k in primary.get(fact, ()) if k not in backing]
            if backing and all(meta[k].kind == "secondary" for k in backing) and better:
                warnings.append(
                    f"{article.id}: fact {fact!r} rests on secondary source(s) {', '.join(backing)}; "
                    f"primary source {', '.join(better)} supports it: cite that"
                )
        for key in cited:
            used = [f for f in facts if f in meta[key].supports]
            if not used:
                warnings.append(f"{article.id}: cites {key} but states none of the facts it supports")
            elif meta[key].kind == "secondary" and all(
                any(meta[k].kind == "primary" and f in meta[k].supports for k in cited) for f in used
            ):
                warnings.append(
                    f"{article.id}: secondary source {key} backs only facts a cited primary source backs "
                    f"({', '.join(used)}): drop it"
                )
    return warnings
