"""A process that heals: transient faults are waited out and the bot answers again by itself."""

from __future__ import annotations

import logging
import sqlite3
import time

from tests.fault_helpers import faulty_bot, wait_until

PHONE = "+1 555 867 5309"
NAME = "Quarantinia"


async def test_member_is_answered_after_getupdates_says_429_then_409(standin, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    standin.fail_get_updates(429, 2, retry_after=7)
    standin.fail_get_updates(409, 3)
    async with faulty_bot(standin, tmp_path) as bot:
        member = standin.user(8101)
        await member.command("start")
        await standin.wait_for(lambda: bool(member.messages), 10)
        assert "Choose your language" in member.last.text
        assert standin.api_faults_served == 5
        # 429: waited at least what Telegram asked, twice.
        first_429, second_429, *conflicts = bot.intake.poll_backoff.waits
        assert first_429 >= 7 and second_429 >= 7  # as long as Telegram asked, at least
        assert len(conflicts) == 3 and conflicts[0] < conflicts[2]  # growing backoff, not a tight loop
        assert bot.intake.counters["poll_429"] == 2 and bot.intake.counters["poll_409"] == 3
    conflicts = [r for r in caplog.records if "409 Conflict" in r.getMessage() and r.levelno == logging.ERROR]
    assert len(conflicts) == 1 and "only one carebot may run per token" in conflicts[0].getMessage().lower()


async def test_429_waits_retry_after_and_the_backoff_starts_over_after_success(standin, tmp_path):
    async with faulty_bot(standin, tmp_path) as bot:
        standin.fail_get_updates(429, 1, retry_after=9)
        await wait_until(lambda: bot.intake.counters["poll_429"] == 1)
        member = standin.user(8102)
        await member.command("start")
        await standin.wait_for(lambda: bool(member.messages), 10)
        standin.fail_get_updates(502, 3)
        await wait_until(lambda: bot.intake.counters["poll_network"] == 3)
        await member.command("help")
        await standin.wait_for(lambda: len(member.messages) >= 2, 10)
        poll_backoff_waits = list(bot.intake.poll_backoff.waits)
    assert any(w >= 9 for w in poll_backoff_waits)
    # After the 429 succeeded, the three 502s start again from the first step (0.25 to 0.5 s), then grow.
    network = poll_backoff_waits[-3:]
    assert 0.25 <= network[0] <= 0.5 and network[0] < network[2] <= 2.0


async def test_bot_started_while_the_api_is_down_answers_once_it_is_back(standin, tmp_path):
    await standin.go_down()
    async with faulty_bot(standin, tmp_path, wait_ready=False) as bot:
        await wait_until(lambda: len(bot.backoff.waits) + sum(len(b.waits) for b in bot.backoff.children) >= 3)
        await standin.come_back()
        member = standin.user(8103)
        await member.command("start")
        await standin.wait_for(lambda: bool(member.messages), 15)
        assert "Choose your language" in member.last.text
        # Down again while running, a message waiting at Telegram meanwhile: answered after.
        before = standin.activity(member.id)
        await standin.go_down()
        await wait_until(lambda: bot.intake.counters["poll_network"] >= 2)
        await member.press("English")
        await standin.come_back()
        await standin.wait_for(lambda: standin.activity(member.id) > before, 15)
        assert "Choose your language" not in member.last.text


async def test_an_unreadable_update_is_set_aside_and_the_next_member_is_answered(standin, tmp_path, caplog):
    # Everything carebot logs at DEBUG; the library at INFO, as `configure_logging` allows at most.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="telegram")
    async with faulty_bot(standin, tmp_path) as bot:
        sender = standin.user(8104, NAME)
        poll_id = await standin.push_update(
            {
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": 8104, "type": "private", "first_name": NAME},
                    "from": sender.json(),
                    # A poll as an older self-hosted Bot API server sends it (no allows_revoting): the library can't read it.
                    "poll": {
                        "id": "1",
                        "question": f"call me at {PHONE}",
                        "options": [{"text": "a", "voter_count": 0}],
                        "total_voter_count": 0,
                        "is_closed": False,
                        "is_anonymous": True,
                        "type": "regular",
                        "allows_multiple_answers": False,
                    },
                }
            }
        )
        member = standin.user(8105)
        await member.command("start")
        await standin.wait_for(lambda: bool(member.messages), 10)
        assert "Choose your language" in member.last.text
        await standin.wait_for(lambda: standin.confirmed_offset > poll_id, 10)
        rows = list(bot.core.db.query("SELECT update_id, chat_id, reason FROM quarantined_updates"))
        assert rows == [{"update_id": poll_id, "chat_id": 8104, "reason": "TypeError"}]
        assert bot.intake.counters["quarantined"] == 1
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PHONE not in logged and NAME not in logged and "Error while parsing updates" not in logged


async def test_a_database_locked_by_another_process_is_waited_out(standin, tmp_path):
    def short_busy_wait(core):
        core.db.execute("PRAGMA busy_timeout=50")  # the bot gives up on the lock quickly, and backs off

    async with faulty_bot(standin, tmp_path, core_setup=short_busy_wait) as bot:
        other = sqlite3.connect(bot.settings.db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        member = standin.user(8106)
        await member.command("start")
        await wait_until(lambda: bot.intake.counters["poll_db"] >= 3)
        assert not member.messages
        other.execute("COMMIT")
        other.close()
        await standin.wait_for(lambda: bool(member.messages), 10)
        assert "Choose your language" in member.last.text


async def test_a_full_disk_is_waited_out(standin, tmp_path, monkeypatch):
    async with faulty_bot(standin, tmp_path) as bot:
        core = bot.core
        original = type(core).record_update
        failures = []

        def disk_full(self, update_id, payload):
            if len(failures) < 4:
                failures.append(update_id)
                raise sqlite3.OperationalError("database or disk is full")  # what SQLite raises on ENOSPC
            return original(self, update_id, payload)

        monkeypatch.setattr(type(core), "record_update", disk_full)
        member = standin.user(8107)
        await member.command("start")
        await standin.wait_for(lambda: bool(member.messages), 10)
        assert "Choose your language" in member.last.text
        assert len(failures) == 4 and bot.intake.counters["poll_db"] == 4


async def test_replies_held_back_by_an_outage_go_out_as_soon_as_the_api_answers_again(standin, tmp_path, monkeypatch):
    from datetime import timedelta

    from telegram.error import NetworkError

    from bot import dispatch

    outage = {"on": True}
    send = dispatch.send_item

    async def unreachable_while_out(bot, item):
        if outage["on"]:
            raise NetworkError("aiohttp.ClientConnectorError: cannot connect")
        return await send(bot, item)

    monkeypatch.setattr(dispatch, "send_item", unreachable_while_out)
    async with faulty_bot(standin, tmp_path) as bot:
        core, first = bot.core, standin.user(8108)
        await first.command("start")

        def attempts() -> int:
            row = core.db.execute("SELECT max(attempts) FROM outbox WHERE chat_id = ?", [first.id]).fetchone()
            return row[0] or 0

        # A long outage: each retry fails and the reply's backoff grows to half a minute.
        while attempts() < 7:
            seen = attempts()
            core.clock.advance(timedelta(seconds=70))
            await wait_until(lambda: attempts() > seen, 10)
        waiting = core.db.execute(
            "SELECT not_before FROM outbox WHERE chat_id = ? AND status = 'pending'", [first.id]
        ).fetchone()[0]
        assert waiting > (core.clock() + timedelta(seconds=20)).isoformat()
        outage["on"] = False
        second = standin.user(8109)
        await second.command("start")  # the first message through after the outage...
        await standin.wait_for(lambda: bool(second.messages), 10)
        await standin.wait_for(lambda: bool(first.messages), 10)  # ...and the held reply follows, not 30 s later
        assert "Choose your language" in first.last.text


async def test_a_turn_that_meets_a_locked_database_is_tried_again_and_the_member_gets_the_real_answer(
    standin, tmp_path, monkeypatch
):
    async with faulty_bot(standin, tmp_path) as bot:
        core = bot.core
        original = type(core).handle
        locked = []

        def locked_twice(self, ev):
            if ev.kind == "command" and len(locked) < 2:
                locked.append(ev.update_id)
                raise sqlite3.OperationalError("database is locked")  # past SQLite's own 5 s wait
            return original(self, ev)

        monkeypatch.setattr(type(core), "handle", locked_twice)
        member = standin.user(8110)
        await member.command("start")
        await standin.wait_for(lambda: bool(member.messages), 10)
        assert "Choose your language" in member.last.text  # not "something went wrong"
        assert len(locked) == 2 and len(member.messages) == 1


async def test_a_reply_sent_while_the_database_is_locked_is_recorded_once_and_never_sent_again(standin, tmp_path, monkeypatch):
    async with faulty_bot(standin, tmp_path) as bot:
        core = bot.core
        original = type(core).mark_sent
        locked = []

        def locked_twice(self, item_id, message_id=None):
            if len(locked) < 2:  # e.g. Litestream holding the write lock past SQLite's own 5 s wait
                locked.append(item_id)
                raise sqlite3.OperationalError("database is locked")
            return original(self, item_id, message_id)

        monkeypatch.setattr(type(core), "mark_sent", locked_twice)
        member = standin.user(8111)
        await member.command("start")
        await standin.wait_for(lambda: bool(member.messages), 10)
        await wait_until(lambda: not list(core.db.query("SELECT id FROM outbox WHERE status != 'sent'")), 10)
        assert len(locked) == 2
        assert [m.text for m in member.messages].count(member.messages[0].text) == 1  # sent once, recorded as sent
