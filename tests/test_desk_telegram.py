"""The desk against Telegram as Telegram behaves: private notes, UTF-16 lengths, a group's 20 a minute,
429s that pause only their chat, and topic failures that fall back instead of looping."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from storage import escalations
from tests.flows import consent
from tests.test_desk import VOLUNTEER, card_for, claimed, start_desk_bot, wait_text


@pytest.fixture
async def desk(standin, tmp_path):
    bot, group = await start_desk_bot(standin, tmp_path)
    yield bot, group
    await bot.shutdown()


async def settled(bot, group, quiet: float) -> None:
    """Wait until the bot has stopped writing in the desk for `quiet` seconds (for a loop the dispatcher's
    passes would not show: `bot.quiet()` is the wait when what matters is that everything due was sent)."""
    while True:
        seen = bot.standin.activity(group.id)
        await asyncio.sleep(quiet)
        if bot.standin.activity(group.id) == seen:
            return


# ------------------------------------------------------------------ 1. notes cannot leak


async def test_a_note_typed_without_reply_after_add_note_never_reaches_the_member(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8101)
    vol = group.user(VOLUNTEER, "Dana")
    await vol.press("Add note", message=card)
    prompt = await wait_text(bot, group.id, "Note mode")
    assert (
        prompt.thread_id == card.thread_id
        and "won't see it" in prompt.text
        and any("Cancel note" in label for label in prompt.labels())
    )
    before = len(member.messages)
    # Typed in the topic like any message: no Telegram reply.
    await vol.send("PRIVATE: member seemed distressed, check back", thread_id=card.thread_id)
    await wait_text(bot, group.id, "Note saved")
    await bot.quiet()
    assert len(member.messages) == before
    assert not any("PRIVATE" in m.text for m in member.messages)
    assert [n["text"] for n in escalations.notes(bot.db, 1)] == ["PRIVATE: member seemed distressed, check back"]
    # The note-mode message says it ended; the next message goes to the member again.
    await bot.standin.wait_for(lambda: "Note mode ended" in prompt.text and not prompt.buttons, 10)
    await vol.send("Hi, I'm here with you", thread_id=card.thread_id)
    await wait_text(bot, member.id, "I'm here with you")


async def test_cancel_ends_note_mode_and_saves_nothing(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8102)
    vol = group.user(VOLUNTEER, "Dana")
    await vol.press("Add note", message=card)
    prompt = await wait_text(bot, group.id, "Note mode")
    await vol.press("Cancel note", message=prompt)
    await bot.standin.wait_for(lambda: "Nothing was saved" in prompt.text, 10)
    await vol.send("Are you safe right now?", thread_id=card.thread_id)
    await wait_text(bot, member.id, "Are you safe right now?")
    assert escalations.notes(bot.db, 1) == []


async def test_without_topics_the_next_message_after_add_note_is_the_note(standin, tmp_path):
    bot, group = await start_desk_bot(standin, tmp_path, forum=False)
    try:
        member, card = await claimed(bot, group, 8103)
        vol = group.user(VOLUNTEER, "Dana")
        await vol.press("Add note", message=card)
        await wait_text(bot, group.id, "Note mode")
        before = len(member.messages)
        await vol.send("she mentioned her sister can drive her")  # not a reply to anything
        await wait_text(bot, group.id, "Note saved")
        await bot.quiet()
        assert len(member.messages) == before
        assert [n["text"] for n in escalations.notes(bot.db, 1)] == ["she mentioned her sister can drive her"]
    finally:
        await bot.shutdown()


# ------------------------------------------------------------------ 2. lengths as Telegram counts them


async def test_a_volunteer_message_of_2040_emoji_reaches_the_member_whole_in_parts(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8104)
    await group.user(VOLUNTEER, "Dana").send("🌻" * 2040, thread_id=card.thread_id)
    await bot.standin.wait_for(lambda: sum(m.text.count("🌻") for m in member.messages) == 2040, 15, chat_id=member.id)
    parts = [m for m in member.messages if "🌻" in m.text]
    assert len(parts) == 2 and parts[0].text.endswith("(1/2)") and parts[1].text.endswith("(2/2)")
    assert not [e for e in bot.standin.errors if "too long" in e[2]]


async def test_a_4000_character_volunteer_message_is_not_cut(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8105)
    sentences = [f"Sentence number {i} says something useful." for i in range(100)]
    text = " ".join(sentences)
    assert len(text) > 4000
    await group.user(VOLUNTEER, "Dana").send(text, thread_id=card.thread_id)
    await bot.standin.wait_for(lambda: any("number 99 says" in m.text for m in member.messages), 15, chat_id=member.id)
    received = " ".join(m.text for m in member.messages if "Sentence number" in m.text)
    assert all(s in received for s in sentences)  # every sentence arrives, none cut in the middle


async def test_a_long_member_message_reaches_the_desk_whole(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8106)
    text = "\n\n".join("😢 " * 900 + f"paragraph {i}" for i in range(3))
    await member.send(text)
    await bot.standin.wait_for(lambda: any("paragraph 2" in m.text for m in group.in_topic(card.thread_id)), 15)
    relayed = [m for m in group.in_topic(card.thread_id) if "paragraph" in m.text]
    assert {f"paragraph {i}" for i in range(3)} <= {
        p for m in relayed for p in ("paragraph 0", "paragraph 1", "paragraph 2") if p in m.text
    }
    assert not bot.standin.errors


# ------------------------------------------------------------------ 2. topic failures: fall back, tell once, no loop


@pytest.mark.parametrize(
    "switch, notice",
    [
        ({"topic_rights": False}, "right to create topics"),
        ({"topics_method": False}, "doesn't support topics"),
    ],
)
async def test_when_topics_cannot_be_made_cases_come_as_plain_cards_and_admins_are_told_once(standin, tmp_path, switch, notice):
    standin.configure(**switch)
    bot, group = await start_desk_bot(standin, tmp_path, forum=True)
    try:
        first = bot.standin.user(8110)
        await consent(first)
        await first.ask("/cancel")
        await first.ask("/volunteer")
        card = await card_for(bot, group, "asked for a person", timeout=15)
        assert card.thread_id is None
        second = bot.standin.user(8111)
        await consent(second)
        await second.ask("I want to kill myself")
        await card_for(bot, group, "crisis", timeout=15)
        bot.clock.advance(timedelta(seconds=30))
        await settled(bot, group, quiet=1.5)  # a looping bot would keep calling createForumTopic meanwhile
        creates = [c for c, _ in standin.calls if c.lower() == "createforumtopic"]
        assert len(creates) <= 1
        notices = [m for m in group.messages if notice in m.text]
        assert len(notices) == 1
    finally:
        await bot.shutdown()


# ------------------------------------------------------------------ 2. a 429 pauses only its scope


async def test_a_429_at_the_desk_pauses_only_the_desk_and_members_replies_keep_flowing(standin, tmp_path):
    # Telegram's real window (20 a minute) against a bot told it may send 40: the desk gets a 429 with retry_after.
    standin.configure(enforce_limits=True, group_per_minute=20, group_window=60)
    bot, group = await start_desk_bot(standin, tmp_path, forum=False, rate_limit=1, group_rate="40/60")
    try:
        from storage import members as member_store

        with bot.db.atomic():
            for i in range(25):
                m = member_store.create(bot.db, chat_id=9100 + i, lang="en", source=None, now=bot.clock())
                escalations.raise_(bot.db, member_id=m.id, case_id=None, reason="volunteer", now=bot.clock())
        bot.core.materialize_desk()
        await standin.wait_for(lambda: standin.refused["429"] >= 1, 30)
        member = bot.standin.user(8120)
        await consent(member)
        reply = await member.tap("Individual therapy")
        # The member was answered while the desk's messages were still held back by the 429.
        assert "Yesterday" in reply.labels()
        assert len([s for s in group.messages if s.buttons]) < 25
        assert standin.refused["429"] == 1  # the desk waited out its retry_after instead of hammering
    finally:
        await bot.shutdown()


async def test_25_simultaneous_escalations_reach_the_desk_without_a_429(standin, tmp_path):
    # The group window shrunk to 3 s (Telegram's is 60 s): the same count, the same sliding rule.
    standin.configure(enforce_limits=True, group_per_minute=20, group_window=3)
    bot, group = await start_desk_bot(standin, tmp_path, forum=True, rate_limit=1, group_rate="20/3")
    try:
        from storage import members as member_store

        with bot.db.atomic():
            for i in range(25):
                m = member_store.create(bot.db, chat_id=9200 + i, lang="en", source=None, now=bot.clock())
                escalations.raise_(bot.db, member_id=m.id, case_id=None, reason="volunteer", now=bot.clock())
        bot.core.materialize_desk()
        member = bot.standin.user(8130)
        await consent(member)
        reply = await member.tap("Individual therapy")
        assert "Yesterday" in reply.labels()  # answered while the desk is still filling
        await standin.wait_for(lambda: len([s for s in group.messages if s.buttons]) >= 25, 60)
    finally:
        await bot.shutdown()
    assert len(group.topics) == 25
    assert standin.refused["429"] == 0 and not standin.errors
