"""Deep-link payloads (t.me/<bot>?start=<payload>) that pre-fill a clinic."""

from __future__ import annotations

import re
from datetime import datetime

from sqlite_utils import Database

from knowledge.campaign import Campaign
from storage import links

# Telegram allows 1-64 characters of A-Z a-z 0-9 _ - in a start payload.
PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def parse_start_payload(payload: str, campaign: Campaign) -> dict:
    """{'facility': id, 'source': label} from a payload like 'los-angeles' or 'los-angeles__flyer3'.

    Anything unknown is ignored: a broken link must never stop a member from reporting.
    """
    payload = (payload or "").strip()
    if not PAYLOAD_RE.match(payload):
        return {}
    facility_part, _, source = payload.partition("__")
    out = {}
    if campaign.facility(facility_part):
        out["facility"] = facility_part
    if source:
        out["source"] = source[:32]
    return out


def prefill_from_payload(db: Database, campaign: Campaign, payload: str, now: datetime, *, count_start: bool) -> dict:
    """A clinic (and a source) from a /start payload: an opaque link code, or the older '<clinic>__<source>'."""
    link = links.resolve(db, payload)
    if link is not None:
        if count_start:
            links.record_start(db, link.code, now)
        out = {"link": link.code}
        if link.facility_id and campaign.facility(link.facility_id):
            out["facility"] = link.facility_id
        if link.source:
            out["source"] = link.source[:32]
        return out
    return parse_start_payload(payload, campaign)
