"""A member's place in a conversation, saved as JSON after every update."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

STATE_VERSION = 1


@dataclass(frozen=True)
class State:
    """Where the member is. Answers hold JSON values (dates as ISO text)."""

    lang: str = "en"
    dialog: str | None = None  # the dialog being run, e.g. "report"
    step: str | None = None  # the step waiting for an answer
    run: str = ""  # token of this dialog run: buttons from other runs are old
    answers: dict[str, Any] = field(default_factory=dict)
    case_id: int | None = None  # the draft case holding the answers
    editing: bool = False  # the member came from the summary to change one answer
    view: dict[str, Any] = field(default_factory=dict)  # step-local: calendar month, clinic candidates
    prefill: dict[str, Any] = field(default_factory=dict)  # from a deep link: facility_id, source
    pending: str | None = None  # a confirmation waiting for a tap, e.g. "delete"
    pending_token: str = ""
    stash: dict[str, Any] = field(default_factory=dict)  # a dialog set aside for a short one (a check-in date)
    harm_offered_on: str | None = None  # the day a volunteer was last offered for hard feelings (ISO date)
    lang_offered: bool = False  # the member wrote in another language and was offered, once, to switch

    def to_json(self) -> dict:
        return {"v": STATE_VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict | None, *, lang: str = "en") -> "State":
        if not data:
            return cls(lang=lang)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def with_(self, **changes) -> "State":
        return replace(self, **changes)

    def left_dialog(self) -> "State":
        """The state after a dialog ends (filed, canceled); a dialog set aside comes back."""
        if self.stash:
            return replace(self, **self.stash, stash={})
        return replace(self, dialog=None, step=None, run="", answers={}, case_id=None, editing=False, view={}, prefill={})

    def set_aside(self) -> "State":
        """Keep the current dialog to come back to after a short one."""
        if not self.dialog:
            return self
        keep = {k: getattr(self, k) for k in ("dialog", "step", "run", "answers", "case_id", "editing", "view", "prefill")}
        return replace(self, stash=keep)
