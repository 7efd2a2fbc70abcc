"""The safety screen's one entry point: `assess(text)`, for every message and caption.

Layers (design.md, guarantee 5), combined recall-first (any layer is enough):
1. the precise self-harm rules in `knowledge.crisis` (English and Spanish);
2. the precise rules in `knowledge.screen_rules`: someone else in danger now, fear of
   hurting someone, domestic violence, a child in danger, and crisis keywords in other
   scripts and languages;
3. the learned layer (`knowledge.screen_model`): a classifier over multilingual sentence
   embeddings (`knowledge.embedding`) and character n-grams, which generalises over
   wording, typos and languages. Its score sets the tier: at or above the "crisis"
   threshold it is a crisis, in the band down to the "ask" threshold the dialog asks.
The dialogs see only an `Assessment`: how sure we are (`level`) and what kind of danger
it is (`category`), never the text.

Levels:
- "crisis": resources at once and an escalation;
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

The learned layer is loaded once (`load()`, call it at startup); if it cannot be loaded,
`load()` and `assess()` raise `EmbeddingUnavailable` with a clear message: carebot never
screens with the rules alone without saying so.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal

from knowledge import crisis, screen_rules
from knowledge.embedding import EmbeddingUnavailable, embedder
from knowledge.text import script_language

__all__ = ["Assessment", "CATEGORIES", "LEVELS", "EmbeddingUnavailable", "assess", "foreign_language", "load", "rules_fire"]

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
    score: float = 0.0  # the learned layer's probability (1.0 when a rule fired)

    @property
    def needs_help(self) -> bool:
        return self.level != "none"


NOTHING = Assessment("none")

_layer = None
_layer_lock = threading.Lock()


def load():
    """Load the embedding model and the trained classifier (once); raise EmbeddingUnavailable if either fails."""
    global _layer
    if _layer is None:
        with _layer_lock:
            if _layer is None:
                encoder = embedder()  # raises EmbeddingUnavailable with its own message
                try:
                    from knowledge.screen_model import load_model

                    model = load_model()
                except Exception as exc:
                    raise EmbeddingUnavailable(
                        f"The safety screen's trained classifier could not be loaded ({type(exc).__name__}). "
                        "Reinstall carebot, or run `carebot screen train` in a checkout."
                    ) from exc
                _layer = (model, encoder)
    return _layer


def rules_fire(text: str) -> tuple[str, str] | None:
    """(category, source) when a precise rule fires, else None."""
    found = crisis.screen(text)
    if found.is_crisis:
        return _RULE_CATEGORY.get(found.signal or "", "self_harm"), f"rules:{found.signal}"
    category = screen_rules.screen_categories(text)
    if category:
        return category, f"rules:{category}"
    return None


def assess(text: str) -> Assessment:
    """Screen one message or caption (any language, any script)."""
    text = text or ""
    model, encoder = load()  # before the rules: a missing model is an error even when a rule would fire
    fired = rules_fire(text)
    if fired:
        return Assessment("crisis", fired[0], fired[1], 1.0)
    if not text.strip():
        return NOTHING
    prediction = model.predict(text, encoder.encode)
    if prediction.danger >= model.crisis_threshold:
        return Assessment("crisis", prediction.category, "model", prediction.danger)
    if prediction.danger >= model.ask_threshold:
        return Assessment("ask", prediction.category, "model", prediction.danger)
    return Assessment("none", None, None, prediction.danger)


def foreign_language(text: str) -> bool:
    """Whether a message is written in a language carebot does not speak (not English or Spanish).

    By script (any letters outside Latin: Chinese, Korean, Russian, Armenian, Arabic, ...) and,
    for Latin script, by Vietnamese letters or common Tagalog words. Short or mixed messages with
    English or Spanish in them count as ours. Cheap (no model)."""
    return script_language(text) not in (None, "en", "es")
