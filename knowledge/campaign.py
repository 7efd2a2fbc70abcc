"""The campaign file: one strike described as data (plan, region, phones, facilities)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

SAMPLE_CAMPAIGN = Path(__file__).parent / "campaigns" / "kaiser_socal.toml"


@dataclass(frozen=True)
class Facility:
    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Campaign:
    id: str
    plan_name: str
    plan_short: str
    region: str
    region_es: str
    union: str
    strike_start: date
    timezone: str
    reference_prefix: str
    portal_name: str
    portal_complaint_path: str
    portal_complaint_path_es: str
    phones: dict[str, str]
    facilities: tuple[Facility, ...]
    holidays: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def facility(self, facility_id: str | None) -> Facility | None:
        """The facility with this id, or None."""
        for f in self.facilities:
            if f.id == facility_id:
                return f
        return None

    def phone(self, name: str) -> str:
        """A phone number from the campaign's [phones] table ('' if absent)."""
        return self.phones.get(name, "")


class CampaignError(ValueError):
    """The campaign file is missing something or contradicts itself."""


def load_campaign(path: str | Path | None = None) -> Campaign:
    """Read and validate a campaign TOML file (the sample when path is None)."""
    path = Path(path) if path else SAMPLE_CAMPAIGN
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    c = raw.get("campaign", {})
    required = ["id", "plan_name", "plan_short", "region", "strike_start", "reference_prefix"]
    missing = [k for k in required if k not in c]
    if missing:
        raise CampaignError(f"{path}: [campaign] lacks {', '.join(missing)}")
    facilities = tuple(
        Facility(id=f["id"], name=f["name"], aliases=tuple(f.get("aliases", ()))) for f in raw.get("facilities", ())
    )
    if not facilities:
        raise CampaignError(f"{path}: no [[facilities]]")
    ids = [f.id for f in facilities]
    if len(set(ids)) != len(ids):
        raise CampaignError(f"{path}: facility ids repeat")
    prefix = c["reference_prefix"]
    if not (prefix.isascii() and prefix.isalpha() and prefix.isupper() and len(prefix) <= 4):
        raise CampaignError(f"{path}: reference_prefix must be 1-4 capital letters")
    return Campaign(
        id=c["id"],
        plan_name=c["plan_name"],
        plan_short=c["plan_short"],
        region=c["region"],
        region_es=c.get("region_es", c["region"]),
        union=c.get("union", ""),
        strike_start=c["strike_start"],
        timezone=c.get("timezone", "America/Los_Angeles"),
        reference_prefix=prefix,
        portal_name=c.get("portal_name", ""),
        portal_complaint_path=c.get("portal_complaint_path", ""),
        portal_complaint_path_es=c.get("portal_complaint_path_es", c.get("portal_complaint_path", "")),
        phones=dict(raw.get("phones", {})),
        facilities=facilities,
        holidays=dict(raw.get("holidays", {})),
        raw=raw,
    )
