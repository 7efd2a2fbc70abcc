"""Button presses the bot could never have produced are refused and audited, and change nothing."""

from __future__ import annotations

import logging

from storage import audit
from tests.flows import consent, file_case

ATTACKER = 6660001


def refused(db) -> list[tuple]:
    return [(e.actor, e.action, e.detail) for e in audit.entries(db) if not e.allowed]


async def forge_press(standin, member, *, data: str, presser: dict) -> None:
    """A callback query on the member's newest bot message, with any data, claimed to come from `presser`."""
    message = member.messages[-1]
    await standin.push_update(
        {
            "callback_query": {
                "id": f"forged{len(standin.calls)}",
                "from": presser,
                "chat_instance": str(member.id),
                "data": data,
                "message": standin._message_json(message),
            }
        }
    )


async def test_a_button_with_an_overlong_number_is_refused_without_an_error(running_bot, caplog):
    caplog.set_level(logging.INFO)
    standin, member = running_bot.standin, running_bot.standin.user(8701)
    await file_case(member)
    seen = len(member.messages)
    await forge_press(standin, member, data="cs:99999999999999999999999", presser=member.json())
    await standin.wait_for(lambda: refused(running_bot.db), 10)
    assert refused(running_bot.db) == [(8701, "button_refused", "malformed")]
    await standin.wait_for(lambda: any(a.get("callback_query_id", "").startswith("forged") for a in standin.callback_answers), 10)
    assert len(member.messages) == seen  # no "sorry, something went wrong"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_someone_else_pressing_a_button_in_a_members_chat_changes_nothing(running_bot):
    standin, member = running_bot.standin, running_bot.standin.user(8702)
    await consent(member)
    asked = member.last
    assert "Individual therapy" in asked.labels()
    attacker = {"id": ATTACKER, "is_bot": False, "first_name": "M", "language_code": "en"}
    await forge_press(standin, member, data=asked.button("Individual therapy")["callback_data"], presser=attacker)
    await standin.wait_for(lambda: refused(running_bot.db), 10)
    assert refused(running_bot.db) == [(ATTACKER, "button_refused", "not_the_chat_owner")]
    # The member's own press still works, as the first answer to that question.
    reply = await member.tap("Individual therapy")
    assert "When was the appointment?" in reply.text
    assert standin.bot_messages(ATTACKER) == []
