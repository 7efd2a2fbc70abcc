"""Each chat's replies come in the order the member wrote; chats run side by side, CAREBOT_MAX_CONCURRENT_UPDATES at once."""

from __future__ import annotations

import asyncio
import random

from bot import dispatch
from bot.dispatch import Dispatcher
from tests.fault_helpers import faulty_bot
from tests.flows import consent

ROUNDS = 40


async def test_help_then_privacy_come_back_in_order_in_40_of_40_rounds(standin, tmp_path, monkeypatch):
    # The Bot API answers each call after a few milliseconds, not always the same: as over a real network.
    jitter = random.Random(12)
    send = dispatch.send_item

    async def over_a_network(bot, item):
        await asyncio.sleep(jitter.uniform(0, 0.01))
        return await send(bot, item)

    monkeypatch.setattr(dispatch, "send_item", over_a_network)
    async with faulty_bot(standin, tmp_path):
        members = [standin.user(8300 + i) for i in range(3)]
        for member in members:
            await consent(member)

        def answers(member, since: int) -> list[str]:
            # A reminder of the report in progress may follow each answer: only the answers count here.
            heads = [m.text.split("\n", 1)[0] for m in member.messages[since:]]
            return [h for h in heads if h in ("How I can help", "Your privacy")]

        async def rounds(member) -> list[str]:
            seen = []
            for _ in range(ROUNDS):
                before = len(member.messages)
                await member.command("help")
                await member.command("privacy")  # sent at once, before the first reply
                await standin.wait_for(lambda: len(answers(member, before)) >= 2, 15, chat_id=member.id)
                seen.append(" / ".join(answers(member, before)))
            return seen

        results = await asyncio.gather(*(rounds(m) for m in members))
    for seen in results:
        assert seen == ["How I can help / Your privacy"] * ROUNDS


async def test_no_more_updates_at_once_than_the_setting_allows_and_other_chats_go_on(standin, tmp_path, monkeypatch):
    running, most = 0, 0
    original = Dispatcher.deliver_now

    async def counted(self, ids):
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            await asyncio.sleep(0.02)  # a slow Bot API: replies overlap if they are allowed to
            await original(self, ids)
        finally:
            running -= 1

    monkeypatch.setattr(Dispatcher, "deliver_now", counted)
    async with faulty_bot(standin, tmp_path, max_concurrent_updates=2):
        members = [standin.user(8400 + i) for i in range(8)]
        for member in members:
            await member.command("start")
        await standin.wait_for(lambda: all(m.messages for m in members), 15)
    assert most == 2  # chats in parallel, but never more than CAREBOT_MAX_CONCURRENT_UPDATES
