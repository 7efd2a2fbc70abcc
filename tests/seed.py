"""Members with filed cases and due check-ins, written straight into a database (for follow-up tests)."""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

from knowledge.campaign import SAMPLE_CAMPAIGN
from storage import cases, followups, members


def seed_due_checkins(db, n: int, *, now: datetime, first_chat: int = 900_000, lang: str = "en") -> list[int]:
    """`n` members, each with one open case and a check-in due a minute ago. Returns their chat ids."""
    chats = []
    with db.atomic():
        for i in range(n):
            chat_id = first_chat + i
            member = members.create(db, chat_id=chat_id, lang=lang, source=None, now=now - timedelta(days=3))
            draft = cases.create_draft(
                db, member_id=member.id, campaign_id="kp-socal", lang=lang, source=None, now=now - timedelta(days=3)
            )
            case = cases.file(
                db,
                draft.id,
                {
                    "kind": "individual",
                    "appt_date": date(2026, 11, 20),
                    "facility_id": "fontana",
                    "notified": "call",
                    "offered": "nothing",
                    "urgency": "soon",
                    "share_ok": True,
                },
                prefix="KP",
                now=now - timedelta(days=3),
            )
            cases.set_deadline(db, case.id, standard="followup_10bd", due_date=(now + timedelta(days=10)).date(), due_at=None)
            followups.schedule(db, case.id, "checkin", now - timedelta(minutes=1), now - timedelta(days=3))
            chats.append(chat_id)
    return chats


def campaign_without_quiet_hours(tmp_path: Path) -> Path:
    """The sample campaign with no quiet hours, for tests on the real clock (any hour of the day)."""
    text = SAMPLE_CAMPAIGN.read_text(encoding="utf-8")
    quiet = re.compile(r'^(quiet_start|quiet_end) = "[0-9:]+"', re.MULTILINE)
    assert len(quiet.findall(text)) == 2, "the sample campaign's [followups] table sets the quiet hours"
    path = tmp_path / "campaign.toml"
    path.write_text(quiet.sub(lambda m: f'{m.group(1)} = "00:00"', text), encoding="utf-8")
    table = tomllib.loads(path.read_text(encoding="utf-8"))["followups"]
    assert table["quiet_start"] == table["quiet_end"] == "00:00"
    return path


def checkins_in(standin, chat_id: int) -> list:
    """The check-in messages the bot sent into a chat."""
    return [
        m for m in standin.bot_messages(chat_id) if "Checking in on your case" in m.text or "Le escribo por su caso" in m.text
    ]
