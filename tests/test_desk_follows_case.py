"""The desk follows the member's case: /delete withdraws it, a case closed by the member stops the desk's timers,
resolved topics offer to reopen, /case finds resolved cases, and media arrive after the line that announces them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage import escalations, followups
from storage.export import export_cases
from tests.flows import file_case
from tests.test_desk import VOLUNTEER, card_for, claimed, start_desk_bot, wait_text
from tests.test_followups import wait_checkin


@pytest.fixture
async def desk(standin, tmp_path):
    bot, group = await start_desk_bot(standin, tmp_path)
    yield bot, group
    await bot.shutdown()


async def case_at_desk(bot, group, chat_id):
    """A member with a filed case who asked for a person: the case's card is in the desk."""
    member = bot.standin.user(chat_id)
    ref = await file_case(member)
    await member.ask("/volunteer")
    card = await card_for(bot, group, ref)
    return member, ref, card


async def test_delete_withdraws_the_case_stops_checkins_and_the_card_says_the_member_withdrew(desk):
    bot, group = desk
    member, ref, card = await case_at_desk(bot, group, 8201)
    assert "Clinic:" in card.text
    await member.ask("/delete")
    assert "withdraws your open cases" in member.last.text
    await member.tap("Yes, erase my data")
    await bot.standin.wait_for(lambda: "withdrew and erased their data" in card.text, 10)
    assert "Clinic:" not in card.text and "Language" not in card.text
    row = next(bot.db.query("SELECT status, close_reason, member_id FROM cases WHERE ref = ?", [ref]))
    assert row == {"status": "closed", "close_reason": "deleted", "member_id": None}
    assert followups.count_by_status(bot.db).get("pending", 0) == 0
    esc = escalations.get(bot.db, 1)
    assert (esc.status, esc.closed_because) == ("withdrawn", "deleted")
    # Time passes: nobody is asked to claim a case that no longer exists.
    bot.clock.advance(timedelta(hours=2))
    await bot.quiet()  # every update handled, then full dispatcher passes: what was due is sent
    assert not any("unclaimed" in m.text for m in group.messages)
    # The organizers' export doesn't carry it; its dictionary says why.
    export = export_cases(bot.db, bot.core.campaign, today=bot.clock().date())
    assert export.rows == 0 and ref.encode() not in export.content
    assert b"/delete" in export.dictionary


async def test_privacy_says_the_username_is_kept_for_members_who_agree_to_be_contacted(desk):
    bot, group = desk
    member = bot.standin.user(8202)
    await file_case(member)
    text = (await member.ask("/privacy")).text
    assert "@username" in text and "agree to be contacted" in text
    assert "never your name or Telegram account" not in text


async def test_a_member_who_was_seen_closes_the_case_and_the_desk_stops_asking(desk):
    bot, group = desk
    member, ref, card = await case_at_desk(bot, group, 8203)
    bot.clock.advance(timedelta(days=2, minutes=5))
    checkin = await wait_checkin(bot, member)
    await member.tap("I was seen: care restored", message=checkin)
    await member.tap("Yes, close it")
    await bot.standin.wait_for(lambda: "they were seen" in card.text, 10)
    await wait_text(bot, group.id, "Its reminders have stopped")
    assert not card.buttons
    bot.clock.advance(timedelta(hours=3))
    await bot.quiet()  # every update handled, then full dispatcher passes: what was due is sent
    late = [m for m in group.messages if "unclaimed" in m.text and m.date >= card.date]
    closed_at = next(i for i, m in enumerate(group.messages) if "reminders have stopped" in m.text)
    assert all(group.messages.index(m) < closed_at for m in late)


async def test_writing_in_a_resolved_topic_offers_to_reopen_and_reopen_puts_it_back_in_the_queue(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8204)
    vol = group.user(VOLUNTEER, "Dana")
    await vol.press("Resolve", message=card)
    await bot.standin.wait_for(lambda: "Why is it resolved?" in card.text, 10)
    await vol.press("Referred / helped", message=card)
    await bot.standin.wait_for(lambda: group.topics[card.thread_id].startswith("✅"), 10)
    await wait_text(bot, member.id, "ended the conversation")
    before = len(member.messages)
    await vol.send("one more thing", thread_id=card.thread_id)
    offer = await wait_text(bot, group.id, "is resolved")
    assert "nothing was sent" in offer.text and any("Reopen" in label for label in offer.labels())
    assert "Only the volunteer who claimed" not in offer.text
    await vol.press("Reopen", message=offer)
    await wait_text(bot, group.id, "reopened")
    await bot.standin.wait_for(lambda: "open" in group.topics[card.thread_id] and any("Claim" in b for b in card.labels()), 10)
    assert len(member.messages) == before
    assert escalations.get(bot.db, 1).status == "open"


async def test_case_finds_a_resolved_case_for_the_volunteer_who_had_it(desk):
    bot, group = desk
    member, ref, card = await case_at_desk(bot, group, 8205)
    vol = group.user(VOLUNTEER, "Dana")
    await vol.press("Claim", message=card)
    await wait_text(bot, member.id, "has joined")
    await vol.press("Resolve", message=card)
    await bot.standin.wait_for(lambda: "Why is it resolved?" in card.text, 10)
    await vol.press("Care restored", message=card)
    await bot.standin.wait_for(lambda: "Resolved: Care restored" in card.text, 10)
    await vol.send(f"/case {ref}")
    await bot.standin.wait_for(lambda: any(m is not card and "Resolved: Care restored" in m.text for m in group.messages), 10)
    found = next(m for m in group.messages if m is not card and "Resolved: Care restored" in m.text)
    assert ref in found.text
    # Someone who never had it gets the same answer as before: not at the desk.
    await group.user(501, "Eli").send(f"/case {ref}")
    await wait_text(bot, group.id, "No case with that reference")


async def test_a_members_photo_arrives_after_the_line_announcing_it(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8206)
    await member.photo()
    await bot.standin.wait_for(
        lambda: any(s.document and s.document.get("copied_from") == member.id for s in group.in_topic(card.thread_id)), 10
    )
    topic = group.in_topic(card.thread_id)
    line = next(i for i, s in enumerate(topic) if "sent a photo" in s.text)
    photo = next(i for i, s in enumerate(topic) if s.document and s.document.get("copied_from") == member.id)
    assert line < photo
