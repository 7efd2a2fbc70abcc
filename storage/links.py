"""Clinic deep links: opaque codes for t.me/<bot>?start=<code>, and the /starts they bring (counted, nothing personal)."""

from __future__ import annotations

import re
import secrets
import sqlite3
import string
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from knowledge.campaign import Campaign, Facility
from storage.models import dt, to_iso

# Telegram allows 1-64 characters of A-Z a-z 0-9 _ - in a start payload.
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Letters and digits only: a code never contains "__", which the older
# "<facility>__<source>" payloads (dialogs/deeplink.py) use as a separator.
_CODE_ALPHABET = string.ascii_letters + string.digits
_CODE_LENGTH = 10
SOURCE_MAX = 64


@dataclass(frozen=True)
class Link:
    code: str
    facility_id: str | None
    source: str | None
    created_at: datetime


def new_code() -> str:
    """A fresh opaque code: 'c' and 10 random letters or digits (about 60 bits)."""
    return "c" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))


def create_link(db: Database, *, facility_id: str | None, source: str | None, now: datetime) -> str:
    """Store a new deep link for a clinic (and an optional source label such as 'flyer-lobby'); return its code."""
    source = (source or "").strip()[:SOURCE_MAX] or None
    while True:
        code = new_code()
        try:
            db.execute(
                "INSERT INTO links (code, facility_id, source, created_at) VALUES (?, ?, ?, ?)",
                [code, facility_id, source, to_iso(now)],
            )
            return code
        except sqlite3.IntegrityError:  # the same code twice: astronomically rare, draw again
            continue


def resolve(db: Database, code: str | None) -> Link | None:
    """The link with this code, or None (unknown or malformed code)."""
    if not code or not CODE_RE.match(code):
        return None
    row = db.execute("SELECT code, facility_id, source, created_at FROM links WHERE code = ?", [code]).fetchone()
    if row is None:
        return None
    return Link(code=row[0], facility_id=row[1], source=row[2], created_at=dt(row[3]))


def record_start(db: Database, code: str, now: datetime) -> bool:
    """Count one /start from this link (no member, no chat: a code and a time). False if the code is unknown."""
    if resolve(db, code) is None:
        return False
    db.execute("INSERT INTO link_starts (link_code, at) VALUES (?, ?)", [code, to_iso(now)])
    return True


def all_links(db: Database) -> list[Link]:
    """Every link, oldest first."""
    return [
        Link(code=r[0], facility_id=r[1], source=r[2], created_at=dt(r[3]))
        for r in db.execute("SELECT code, facility_id, source, created_at FROM links ORDER BY created_at, code")
    ]


def match_facility(campaign: Campaign, text: str | None) -> Facility | None:
    """The campaign facility whose id, name or alias is `text` (case-insensitive, exact), or None."""
    wanted = (text or "").strip().casefold()
    if not wanted:
        return None
    for f in campaign.facilities:
        if wanted == f.id.casefold() or wanted == f.name.casefold():
            return f
    for f in campaign.facilities:
        if any(wanted == a.casefold() for a in f.aliases):
            return f
    return None


def deep_link(bot_username: str, code: str) -> str:
    """The t.me deep link for a code (a placeholder username when none is configured)."""
    return f"https://t.me/{bot_username.lstrip('@') or '<bot_username>'}?start={code}"
