"""The harm screen: is a member telling us that missed care is hurting them?

A match raises a "harm" escalation so a volunteer reaches out (see dialogs/core.py).
The crisis screen (knowledge/crisis.py) always runs first; this one is for harm
short of a crisis: "I'm getting worse", "I ended up in the ER", "me quedé sin mis
pastillas". The concepts are data, in knowledge/harm.toml; the rules are here:

- a clause that asks or supposes ("what if I run out of meds?") is never harm;
- deterioration said outright, or "worse" with the member or a symptom in the message;
- a symptom coming back or coming often ("panic attacks daily now");
- emergency care that happened ("spent the night in the psych hospital"), unless the
  hospital is only where an appointment was;
- going without medication ("my meds ran out", "no tengo medicina");
- drinking or using again, or out of control (not "taking my pills again");
- harm on its own: relapsed, can't sleep, lost my job, can't function;
- but a clause that tells history ("hospitalized in 2019", "years ago", "hace 5 anos",
  "used to") or a worry ("afraid it will get worse", "tengo miedo de que empeore") is at
  most a "maybe": it is not harm that happened from missed care now.

Hard feelings or symptoms said of themselves, short of those ("I'm so overwhelmed",
"estoy muy ansiosa") are a "maybe": the member is offered a volunteer, not sent one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.text import normalize

HARM_FILE = Path(__file__).with_name("harm.toml")
MAX_CHARS = 5000  # longer texts are screened on their first 5,000 characters
_CLAUSE_BREAKS = re.compile(r"[.,;:!?¿¡\n]+|\s[-–—]\s|\b(?:but|pero|and then|y luego|and now|y ahora|now)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Concepts:
    strong: re.Pattern[str]
    worse: re.Pattern[str]
    self: re.Pattern[str]
    symptom: re.Pattern[str]
    recur: re.Pattern[str]
    acute: re.Pattern[str]
    event: re.Pattern[str]
    event_weak: re.Pattern[str]
    place: re.Pattern[str]
    meds_lacking: re.Pattern[str]
    substance: re.Pattern[str]
    meds: re.Pattern[str]
    alone: re.Pattern[str]
    distress: re.Pattern[str]
    question: re.Pattern[str]
    negated: re.Pattern[str]
    history: re.Pattern[str]
    worry: re.Pattern[str]
    not_recur: re.Pattern[str]


def _words(fragments: list[str]) -> str:
    return "(?:" + "|".join(fragments) + ")"


@lru_cache(maxsize=1)
def _concepts() -> _Concepts:
    data = tomllib.loads(HARM_FILE.read_text(encoding="utf-8"))

    def bounded(name: str) -> re.Pattern[str]:
        return re.compile(r"\b" + _words(data[name]) + r"\b")

    meds = _words(data["meds"])
    lacking = (
        r"\b"
        + _words(data["lack_before"])
        + r" (?:\w+ ){0,2}"
        + meds
        + r"\b"
        + r"|\b"
        + meds
        + r" (?:\w+ ){0,2}"
        + _words(data["lack_after"])
        + r"\b"
    )
    return _Concepts(
        strong=bounded("strong"),
        worse=bounded("worse"),
        self=bounded("self"),
        symptom=bounded("symptom"),
        recur=bounded("recur"),
        acute=bounded("acute"),
        event=bounded("event"),
        event_weak=bounded("event_weak"),
        place=bounded("place"),
        meds_lacking=re.compile(lacking),
        substance=bounded("substance"),
        meds=re.compile(r"\b" + meds + r"\b"),
        alone=bounded("alone"),
        distress=bounded("distress"),
        question=re.compile(_words(data["question"])),
        negated=re.compile(_words(data["negated"])),
        history=bounded("history"),
        worry=re.compile(_words(data["worry"])),
        not_recur=bounded("not_recur"),
    )


def _clauses(text: str) -> list[str]:
    """The message's clauses, normalized, without those that ask or suppose."""
    c = _concepts()
    out = []
    for part in _CLAUSE_BREAKS.split(text):
        clause = normalize(part)
        if clause and not c.question.search(clause):
            out.append(clause)
    return out


def _told_as_history_or_worry(clause: str, c: _Concepts) -> bool:
    """A clause about long ago ("hospitalized in 2019", "hace 5 anos") or a fear of what may come
    ("worried it will get worse"): not harm that happened from missed care."""
    return c.history.search(clause) is not None or c.worry.search(clause) is not None


def _clause_reports_harm(clause: str, about_themselves: bool, c: _Concepts) -> bool:
    clause = c.not_recur.sub(" ", clause)
    if c.alone.search(clause) or c.meds_lacking.search(clause):
        return True
    has_symptom = c.symptom.search(clause) is not None
    if (c.strong.search(clause) or (c.worse.search(clause) and not c.negated.search(clause))) and (
        about_themselves or has_symptom
    ):
        return True
    if has_symptom and c.recur.search(clause):
        return True
    if c.acute.search(clause) and (c.event.search(clause) or (c.event_weak.search(clause) and not c.place.search(clause))):
        return True
    more = re.search(r"\b(more|mas|a lot|mucho)\b", clause) is not None
    if c.substance.search(clause) and not c.meds.search(clause) and (c.recur.search(clause) or c.strong.search(clause) or more):
        return True
    return False


def screen_harm(text: str) -> str | None:
    """ "harm" when the member tells of harm from missed care, "maybe" when they tell of hard
    feelings or symptoms (offer a volunteer), else None. Never logs or keeps the text."""
    if not text:
        return None
    c = _concepts()
    clauses = _clauses(text[:MAX_CHARS])
    if not clauses:
        return None
    about_themselves = any(c.self.search(clause) for clause in clauses)
    told = [_told_as_history_or_worry(clause, c) for clause in clauses]
    if any(_clause_reports_harm(clause, about_themselves, c) for clause, past in zip(clauses, told) if not past):
        return "harm"
    if any(_clause_reports_harm(clause, about_themselves, c) for clause, past in zip(clauses, told) if past):
        return "maybe"
    if about_themselves and any(c.distress.search(clause) or c.symptom.search(clause) for clause in clauses):
        return "maybe"
    return None


def reports_harm(text: str) -> bool:
    """Whether the message clearly tells of harm from missed care."""
    return screen_harm(text) == "harm"
