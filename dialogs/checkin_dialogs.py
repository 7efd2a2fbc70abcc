"""The short dialogs a check-in may open: one date question each, then done."""

from __future__ import annotations

from dialogs.engine import Dialog, Step

# Short dialogs a check-in may open (each one date question, then done).
NEW_APPT = Dialog(
    "new_appt",
    (Step("new_appt_date", "date", quick=("today", "tomorrow", "coming", "pick"), next=None, past_days=60, future_days=365),),
)
OON_APPT = Dialog(
    "oon_appt",
    (Step("oon_date", "date", quick=("tomorrow", "coming", "pick"), optional=True, next=None, past_days=60, future_days=365),),
)
SHORT_DIALOGS = {d.name: d for d in (NEW_APPT, OON_APPT)}
