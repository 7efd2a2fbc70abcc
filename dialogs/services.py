"""What the core's collaborators share, declared in one place: the database, the campaign, the catalog,
the clock and the other injectable pieces (tests swap the clock, the tokens and the safety screen).

Each collaborator takes the `Services` (and the other collaborators it calls) in its constructor,
so what it depends on is written down rather than found on `self` at run time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from sqlite_utils import Database

from dialogs.catalog import Catalog
from dialogs.clock import utcnow
from dialogs.engine import Ctx
from dialogs.followup_schedule import Schedule
from dialogs.parsing import parse_date
from knowledge.campaign import Campaign
from knowledge.facilities import match_choice, match_facility
from knowledge.kb import KnowledgeBase, load_knowledge_base
from knowledge.retrieval import Retriever
from knowledge.screening import Assessment, assess


def campaign_catalog(campaign: Campaign) -> Catalog:
    """The catalogs, with the campaign's names filled in wherever a text mentions them."""
    return Catalog.load(
        defaults={
            "plan": campaign.plan_short,
            "plan_name": campaign.plan_name,
            "region": campaign.region,
            "portal": campaign.portal_name,
        }
    )


@dataclass
class Services:
    """The storage, texts, knowledge and time every part of the core works with."""

    db: Database
    campaign: Campaign
    catalog: Catalog
    clock: Callable[[], datetime] = utcnow
    token: Callable[[], str] = field(default=lambda: secrets.token_hex(2))
    screen: Callable[[str], Assessment] = assess  # the safety screen: every text and caption passes it first
    kb: KnowledgeBase = field(init=False)
    retriever: Retriever = field(init=False)
    schedule: Schedule = field(init=False)

    def __post_init__(self) -> None:
        self.kb = load_knowledge_base()
        self.retriever = Retriever(self.kb)
        self.schedule = Schedule(self.campaign)

    def today(self, now: datetime | None = None) -> date:
        """Today's date where the campaign is."""
        return (now or self.clock()).astimezone(self.campaign.tz).date()

    def ctx(self, now: datetime) -> Ctx:
        """What the dialog engine needs to know about the world for one turn."""
        return Ctx(
            today=self.today(now),
            campaign=self.campaign,
            catalog=self.catalog,
            parse_date=parse_date,
            match_facility=match_facility,
            match_choice=match_choice,
        )
