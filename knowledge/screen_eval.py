"""Scoring the safety screen on an evaluation file (`carebot screen eval`, the tests).

A crisis item is found when `assess` returns "crisis" or "ask" (both replies carry 988);
a look-alike is a false alarm on the same condition. Figures per language and per
category (crisis) or kind (look-alikes). Never prints a phrase unless asked to.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.screen_model import iter_eval
from knowledge.screening import assess


@dataclass
class Tally:
    total: int = 0
    flagged: int = 0  # crisis or ask
    crisis: int = 0  # crisis only

    def add(self, level: str) -> None:
        self.total += 1
        self.flagged += level != "none"
        self.crisis += level == "crisis"

    @property
    def rate(self) -> float:
        return self.flagged / self.total if self.total else 0.0


@dataclass
class Report:
    recall: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # by "lang", "cat:<category>", "all"
    false_alarms: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # by "lang", "kind:<kind>", "all"
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # (lang, category, text)
    alarms: list[tuple[str, str, str]] = field(default_factory=list)  # (lang, kind, text)
    wrong_category: int = 0


def evaluate(path: Path) -> Report:
    report = Report()
    for text, lang, category, kind in iter_eval(path):
        found = assess(text)
        if category:
            for key in ("all", lang, f"cat:{category}"):
                report.recall[key].add(found.level)
            if found.level == "none":
                report.missed.append((lang, category, text))
            elif found.category != category:
                report.wrong_category += 1
        else:
            for key in ("all", lang, f"kind:{kind}"):
                report.false_alarms[key].add(found.level)
            if found.level != "none":
                report.alarms.append((lang, kind, text))
    return report


def format_report(report: Report, show_text: bool = False) -> str:
    lines = ["recall (crisis or ask; crisis alone in brackets)"]
    for key in sorted(report.recall, key=lambda k: (k != "all", k.startswith("cat:"), k)):
        t = report.recall[key]
        lines.append(f"  {key:24} {t.flagged:4}/{t.total:<4} {t.rate:6.1%}   [{t.crisis / t.total:6.1%}]")
    lines.append("false alarms (crisis or ask; crisis alone in brackets)")
    for key in sorted(report.false_alarms, key=lambda k: (k != "all", k.startswith("kind:"), k)):
        t = report.false_alarms[key]
        lines.append(f"  {key:24} {t.flagged:4}/{t.total:<4} {t.rate:6.1%}   [{t.crisis / t.total:6.1%}]")
    lines.append(f"found with another category than labelled: {report.wrong_category}")
    if show_text:
        lines += ["missed:"] + [f"  [{lang} {cat}] {text}" for lang, cat, text in report.missed]
        lines += ["false alarms:"] + [f"  [{lang} {kind}] {text}" for lang, kind, text in report.alarms]
    return "\n".join(lines)
