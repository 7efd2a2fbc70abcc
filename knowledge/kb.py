"""The knowledge base: cited rights articles in English and Spanish, loaded from data files.

Each article is one TOML file in ``knowledge/articles/``; the sources it cites
are tables in ``knowledge/sources.toml``, which also holds the member-facing
labels ("Source", "Last reviewed", ...) so that no member-facing word lives in
Python code. Facts come only from ``shared/facts.md``; ``kbcheck`` validates
the files and the tests measure the matcher against them.

Article text may use these placeholders, filled from the campaign file when
an article is rendered (see ``PLACEHOLDERS``)::

    {plan} {plan_name} {region} {union}
    {phone_member_services} {phone_tty} {phone_mh_24_7}
    {phone_medi_cal} {phone_medicare} {portal_complaint_path}
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from babel.dates import format_date as _babel_format_date

from knowledge import languages
from knowledge.text import fill_placeholders, placeholders

if TYPE_CHECKING:  # pragma: no cover
    from knowledge.campaign import Campaign

logger = logging.getLogger(__name__)

KNOWLEDGE_DIR = Path(__file__).parent
LANGUAGES = languages.CODES
DEFAULT_LANGUAGE = languages.DEFAULT

# Placeholder name -> where its value comes from. `placeholder_values` fills
# exactly these; kbcheck rejects any other {name} in an article.
PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "plan": "campaign plan_short, e.g. 'Kaiser'",
        "plan_name": "campaign plan_name, e.g. 'Kaiser Permanente'",
        "region": "campaign region (region_es in Spanish)",
        "union": "campaign union, e.g. 'NUHW'",
        "phone_member_services": "[phones] member_services",
        "phone_tty": "[phones] member_services_tty",
        "phone_mh_24_7": "[phones] mental_health_24_7, with mental_health_24_7_letters first when present",
        "phone_medi_cal": "[phones] member_services_medi_cal",
        "phone_medicare": "[phones] member_services_medicare",
        "portal_complaint_path": "campaign portal_complaint_path (portal_complaint_path_es in Spanish)",
    }
)

# Keys every [labels.<lang>] table of sources.toml must have.
LABEL_KEYS = ("source", "sources", "reviewed", "date_format", "more_sources")


class KnowledgeBaseError(ValueError):
    """A knowledge-base file can't be read at all (bad TOML, no articles)."""


@dataclass(frozen=True)
class Source:
    """One cited source: a key of sources.toml with its URL and labels."""

    key: str
    url: str
    label: str
    label_es: str = ""
    also: tuple[str, ...] = ()

    def label_for(self, lang: str) -> str:
        """The label in this language (English when there is no translation)."""
        if lang == "es" and self.label_es:
            return self.label_es
        return self.label

    @property
    def domain(self) -> str:
        """The site the source is on ("opa.ca.gov"), or '' without a URL."""
        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")

    def cite(self, lang: str) -> str:
        """ "Label (domain)" as shown to members."""
        label = self.label_for(lang)
        return f"{label} ({self.domain})" if self.domain else label


@dataclass(frozen=True)
class ArticleText:
    """An article in one language."""

    title: str
    answer: str
    detail: str = ""
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """One rights article: its texts per language, the sources it cites, its review date."""

    id: str
    reviewed: date | None
    sources: tuple[str, ...]
    texts: Mapping[str, ArticleText] = field(hash=False)
    # Resolved at load time so an article can cite itself (render_article needs
    # no knowledge-base argument); keys with no source are simply absent here.
    cited: tuple[Source, ...] = field(default=(), compare=False, repr=False)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False, repr=False, hash=False)
    path: Path | None = field(default=None, compare=False, repr=False)

    def text(self, lang: str) -> ArticleText:
        """The text in this language, falling back to English."""
        return self.texts.get(lang) or self.texts.get(DEFAULT_LANGUAGE) or next(iter(self.texts.values()))


@dataclass(frozen=True)
class KnowledgeBase:
    """All articles, the sources they cite and the labels used around them."""

    articles: tuple[Article, ...]
    sources: Mapping[str, Source] = field(hash=False)
    labels: Mapping[str, Mapping[str, str]] = field(hash=False)
    # Problems found while reading (wrong types, unreadable dates); kbcheck reports them.
    load_problems: tuple[str, ...] = ()

    def get(self, article_id: str) -> Article | None:
        """The article with this id, or None."""
        for article in self.articles:
            if article.id == article_id:
                return article
        return None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.articles)

    def render(self, article_id: str, lang: str, campaign: Campaign) -> RenderedArticle:
        """Render the article with this id (KeyError if there is none)."""
        article = self.get(article_id)
        if article is None:
            raise KeyError(article_id)
        return render_article(article, lang, campaign)


@dataclass(frozen=True)
class RenderedArticle:
    """An article ready to show a member: placeholders filled, sources and review date labelled."""

    id: str
    lang: str
    title: str
    answer: str
    detail: str
    source_line: str
    reviewed: date | None
    reviewed_line: str
    source_urls: tuple[str, ...]
    # The first source and how many more: what fits under a short answer on a phone.
    source_line_short: str = ""


def _str(value, where: str, problems: list[str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(f"{where} should be text")
        return str(value)
    return value.strip()


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeBaseError(f"{path}: {exc}") from exc


def _load_sources(path: Path, problems: list[str]) -> tuple[dict[str, Source], dict[str, dict[str, str]]]:
    raw = _read_toml(path) if path.exists() else {}
    if not raw:
        problems.append(f"{path.name}: no sources")
    labels: dict[str, dict[str, str]] = {}
    for lang, table in raw.get("labels", {}).items():
        labels[lang] = {str(k): str(v) for k, v in table.items()}
    sources: dict[str, Source] = {}
    for key, table in raw.items():
        if key == "labels":
            continue
        if not isinstance(table, dict):
            problems.append(f"{path.name}: {key} should be a table")
            continue
        where = f"{path.name}: [{key}]"
        also = table.get("also", ())
        sources[key] = Source(
            key=key,
            url=_str(table.get("url"), f"{where} url", problems),
            label=_str(table.get("label"), f"{where} label", problems),
            label_es=_str(table.get("label_es"), f"{where} label_es", problems),
            also=tuple(str(u) for u in also) if isinstance(also, list) else (),
        )
    return sources, labels


def _load_article(path: Path, sources: Mapping[str, Source], labels, problems: list[str]) -> Article:
    raw = _read_toml(path)
    name = path.name
    article_id = raw.get("id", path.stem)
    if not isinstance(article_id, str):
        problems.append(f"{name}: id should be text")
        article_id = path.stem
    reviewed = raw.get("reviewed")
    if isinstance(reviewed, str):
        try:
            reviewed = date.fromisoformat(reviewed)
        except ValueError:
            reviewed = None
    if not isinstance(reviewed, date) or hasattr(reviewed, "hour"):
        if "reviewed" in raw:
            problems.append(f"{name}: reviewed should be a date like 2026-11-28")
        reviewed = None
    keys = raw.get("sources", [])
    if not isinstance(keys, list):
        problems.append(f"{name}: sources should be a list of keys")
        keys = []
    keys = tuple(str(k) for k in keys)
    texts: dict[str, ArticleText] = {}
    for lang, table in raw.items():
        if not isinstance(table, dict):
            continue
        where = f"{name} [{lang}]"
        questions = table.get("questions", [])
        if not isinstance(questions, list):
            problems.append(f"{where} questions should be a list")
            questions = []
        texts[lang] = ArticleText(
            title=_str(table.get("title"), f"{where} title", problems),
            answer=_str(table.get("answer"), f"{where} answer", problems),
            detail=_str(table.get("detail"), f"{where} detail", problems),
            questions=tuple(str(q).strip() for q in questions),
        )
    return Article(
        id=article_id,
        reviewed=reviewed,
        sources=keys,
        texts=MappingProxyType(texts),
        cited=tuple(sources[k] for k in keys if k in sources),
        labels=labels,
        path=path,
    )


def load_knowledge_base(path: str | Path | None = None, *, sources: str | Path | None = None) -> KnowledgeBase:
    """Read all articles and sources (the shipped knowledge base when path is None).

    `path` is a folder holding ``sources.toml`` and ``articles/``, or the
    articles folder itself (then sources.toml is looked for beside it).
    """
    root = Path(path) if path else KNOWLEDGE_DIR
    articles_dir = root / "articles" if (root / "articles").is_dir() else root
    if sources is not None:
        sources_path = Path(sources)
    elif (root / "sources.toml").exists():
        sources_path = root / "sources.toml"
    else:
        sources_path = articles_dir.parent / "sources.toml"
    problems: list[str] = []
    source_map, labels = _load_sources(sources_path, problems)
    frozen_labels = MappingProxyType({k: MappingProxyType(v) for k, v in labels.items()})
    files = sorted(articles_dir.glob("*.toml"))
    if not files:
        raise KnowledgeBaseError(f"{articles_dir}: no article files")
    articles = tuple(_load_article(f, source_map, frozen_labels, problems) for f in files)
    logger.debug("loaded %d articles and %d sources", len(articles), len(source_map))
    return KnowledgeBase(
        articles=articles,
        sources=MappingProxyType(source_map),
        labels=frozen_labels,
        load_problems=tuple(problems),
    )


def _phone_with_letters(campaign: Campaign, name: str) -> str:
    digits = campaign.phone(name)
    letters = campaign.phone(f"{name}_letters")
    if digits and letters:
        return f"{letters} ({digits})"
    return digits or letters


def placeholder_values(campaign: Campaign, lang: str) -> dict[str, str]:
    """The value of every placeholder in PLACEHOLDERS for this campaign and language."""
    es = lang == "es"
    return {
        "plan": campaign.plan_short,
        "plan_name": campaign.plan_name,
        "region": campaign.region_es if es else campaign.region,
        "union": campaign.union,
        "phone_member_services": campaign.phone("member_services"),
        "phone_tty": campaign.phone("member_services_tty"),
        "phone_mh_24_7": _phone_with_letters(campaign, "mental_health_24_7"),
        "phone_medi_cal": campaign.phone("member_services_medi_cal"),
        "phone_medicare": campaign.phone("member_services_medicare"),
        "portal_complaint_path": campaign.portal_complaint_path_es if es else campaign.portal_complaint_path,
    }


def _labels_for(article: Article, lang: str) -> Mapping[str, str]:
    return article.labels.get(lang) or article.labels.get(DEFAULT_LANGUAGE) or {}


def render_article(article: Article, lang: str, campaign: Campaign) -> RenderedArticle:
    """The article in `lang` (English if unknown), with campaign values and a source line."""
    if lang not in article.texts:
        lang = DEFAULT_LANGUAGE
    text = article.text(lang)
    values = placeholder_values(campaign, lang)
    used = placeholders(text.title + text.answer + text.detail)
    empty = sorted(name for name in used if not values.get(name, "x"))
    if empty:
        # Still render: a missing phone is better shown as a gap than as no answer.
        logger.warning("article %s: campaign %s has no value for %s", article.id, campaign.id, ", ".join(empty))
    labels = _labels_for(article, lang)
    label = labels.get("sources" if len(article.cited) > 1 else "source", "")
    cites = "; ".join(s.cite(lang) for s in article.cited)
    reviewed_line = ""
    if article.reviewed is not None:
        pattern = labels.get("date_format", "yyyy-MM-dd")
        when = _babel_format_date(article.reviewed, pattern, locale=lang)
        reviewed_line = f"{labels.get('reviewed', '')}: {when}"
    short = ""
    if article.cited:
        first = article.cited[0].cite(lang)
        rest = len(article.cited) - 1
        more = " " + labels.get("more_sources", "+{n}").format(n=rest) if rest else ""
        short = f"{labels.get('source', '')}: {first}{more}"
    urls: list[str] = []
    for s in article.cited:
        urls.extend(u for u in (s.url, *s.also) if u)
    return RenderedArticle(
        id=article.id,
        lang=lang,
        title=fill_placeholders(text.title, values),
        answer=fill_placeholders(text.answer, values),
        detail=fill_placeholders(text.detail, values),
        source_line=f"{label}: {cites}" if cites else "",
        source_line_short=short,
        reviewed=article.reviewed,
        reviewed_line=reviewed_line,
        source_urls=tuple(urls),
    )
