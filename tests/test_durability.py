"""Nothing a member told the bot is lost, and nothing is done twice (guarantees 1 and 2)."""

from __future__ import annotations

import asyncio
import sqlite3


from tests.flows import answer_report, consent

from tests.durability_helpers import kill_9, process_idle, start_bot_process


async def test_member_continues_at_the_same_step_after_kill_9(standin, tmp_path):
    db_path = tmp_path / "carebot.db"
    proc = await start_bot_process(standin, db_path, tmp_path)
    member = standin.user(3001)
    try:
        await consent(member)
        await member.tap("Psychiatry / medication")
        await member.tap("Yesterday")
        await member.ask("rivrside")
        notified_question = await member.tap("Riverside")
        assert "How did you find out" in notified_question.text
        kill_9(proc)
        await proc.wait()

        proc = await start_bot_process(standin, db_path, tmp_path)
        offered = await member.tap("At the clinic", message=notified_question)
        assert "Did Kaiser offer you anything instead?" in offered.text
        for label in ("Nothing", "I need to be seen soon", "Skip"):
            await member.tap(label)
        await member.tap("No, keep it private")
        summary = await member.tap("No, thanks")
        for kept in ("Psychiatry / medication", "Riverside", "At the clinic"):
            assert kept in summary.text
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()


async def test_answer_sent_as_the_bot_is_killed_is_not_lost(standin, tmp_path):
    """Kill -9 right after the member answers, at a few different moments; after the restart the answer counts once."""
    db_path = tmp_path / "carebot.db"
    proc = await start_bot_process(standin, db_path, tmp_path)
    member = standin.user(3002)
    try:
        await consent(member)
        await member.tap("Individual therapy")
        for delay in (0.0, 0.01, 0.03):
            date_question = member.last
            assert "When was the appointment?" in date_question.text
            await member.press("Yesterday", message=date_question)
            await asyncio.sleep(delay)
            kill_9(proc)
            await proc.wait()
            proc = await start_bot_process(standin, db_path, tmp_path)
            await standin.wait_for(lambda: "Which Kaiser clinic" in member.last.text, 20)
            await process_idle(standin, db_path)
            # The answer was taken exactly once: the next question is there, the evidence log has one date.
            con = sqlite3.connect(db_path)
            dates = con.execute("SELECT count(*) FROM case_events WHERE field = 'appt_date'").fetchone()[0]
            con.close()
            assert dates == 1
            # Go back to the date question for the next round.
            await member.ask("/cancel")
            await member.ask("/report")
            await member.tap("Individual therapy")
            con = sqlite3.connect(db_path)
            con.execute("DELETE FROM case_events WHERE field = 'appt_date'")
            con.commit()
            con.close()
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()


async def test_redelivered_update_files_no_second_case(running_bot):
    standin = running_bot.standin
    member = standin.user(3003)
    await consent(member)
    await member.tap("Group therapy")
    typed = await member.send("today")
    await member.settle()
    await answer_report(member, running_bot.core, {"kind": "group", "urgency": "can_wait"}, from_step="facility")
    confirm = await member.press("Confirm and file")
    await member.settle()
    seen = len(member.messages)
    for update in (confirm, typed):
        await standin.redeliver(update)
        await standin.wait_for(lambda: standin.confirmed_offset > update["update_id"] and not standin._updates, 10)
    await running_bot.quiet()
    assert len(member.messages) == seen
    assert len(list(running_bot.db.query("SELECT * FROM cases WHERE status = 'open'"))) == 1
    assert running_bot.db.execute("SELECT count(*) FROM case_events WHERE field = 'appt_date'").fetchone()[0] == 1


async def test_update_recorded_before_a_crash_is_handled_at_restart(standin, tmp_path):
    """An update the bot had recorded but not handled is handled when it comes back, even if Telegram forgot it."""
    from bot.app import build_core
    from tests.conftest import bot_settings, start_bot

    settings = bot_settings(standin, tmp_path / "carebot.db")
    core = build_core(settings)
    member = standin.user(3004)
    await member.command("start")
    update = member.sent_updates[-1]
    core.record_update(update["update_id"], update)  # received, then the process died
    standin._updates.clear()  # and Telegram considers it delivered
    bot = await start_bot(standin, settings, core=core)
    try:
        await standin.wait_for(lambda: bool(member.messages), 10)
        assert "Choose your language" in member.last.text
    finally:
        await bot.shutdown()


async def test_a_bug_in_the_middle_of_a_step_says_sorry_and_keeps_the_answers(running_bot, monkeypatch):
    member = running_bot.standin.user(3005)
    await consent(member)
    await member.tap("Group therapy")
    core = running_bot.core
    original = type(core)._text

    def broken_once(self, turn):
        monkeypatch.setattr(type(core), "_text", original)
        raise RuntimeError("a bug")

    monkeypatch.setattr(type(core), "_text", broken_once)
    sorry = await member.ask("yesterday")
    assert "something went wrong on my side" in sorry.text and "saved" in sorry.text
    retried = await member.ask("yesterday")
    assert "Which Kaiser clinic" in retried.text
    assert next(running_bot.db.query("SELECT kind FROM cases"))["kind"] == "group"
