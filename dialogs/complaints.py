"""A filed case as the rights and the complaint see it: its facts, and the complaint text to send."""

from __future__ import annotations

from datetime import date, datetime

from dialogs.services import Services
from knowledge.complaint import Complaint, complaint_text
from knowledge.deadlines import CaseFacts, compute_deadline
from storage.models import Case


def case_facts(services: Services, case: Case, *, reported_at: datetime) -> CaseFacts:
    """What the deadline and the complaint are computed from, with the campaign's defaults for what is missing."""
    facility = services.campaign.facility(case.facility_id) if case.facility_id else None
    return CaseFacts(
        kind=case.kind or "other",
        urgency=case.urgency or "soon",
        appt_date=case.appt_date or services.today(reported_at),
        reported_on=services.today(reported_at),
        offered=case.offered or "nothing",
        offered_date=case.offered_date,
        facility_name=facility.name if facility else case.facility_text,
        reported_at=reported_at,
        notified=case.notified,
    )


def complaint_for(services: Services, case: Case, lang: str, *, late_on: date | None = None) -> Complaint:
    """The case's complaint text (its deadline counted from the day it was filed; with `late_on`, the
    version for after the deadline, dated that day)."""
    assert case.filed_at is not None, "a complaint is for a filed case"
    facts = case_facts(services, case, reported_at=case.filed_at)
    campaign = services.campaign
    return complaint_text(facts, compute_deadline(facts, campaign), campaign, lang, case.ref or "", late_on=late_on)
