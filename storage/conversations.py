"""Where each member is in a conversation: one JSON state per member."""

from __future__ import annotations

import json
from datetime import datetime

from sqlite_utils import Database

from storage.models import to_iso


def load(db: Database, member_id: str) -> dict | None:
    """The member's saved conversation state, or None."""
    row = db.execute("SELECT state FROM conversations WHERE member_id = ?", [member_id]).fetchone()
    return json.loads(row[0]) if row else None


def save(db: Database, member_id: str, state: dict, now: datetime) -> None:
    """Save the member's conversation state (inside the update's transaction)."""
    db.execute(
        "INSERT INTO conversations (member_id, state, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT(member_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
        [member_id, json.dumps(state, ensure_ascii=False, separators=(",", ":")), to_iso(now)],
    )
