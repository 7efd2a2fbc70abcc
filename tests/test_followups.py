"""Follow-ups until care is restored: durable, one-tap check-ins at Telegram's speed limit."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone


from bot.app import build_core
from storage import followups
from tests.conftest import FakeClock, bot_settings, start_bot
from tests.durability_helpers import kill_9, start_bot_process
from tests.flows import consent, file_case, file_case_in_spanish
from tests.seed import campaign_without_quiet_hours, checkins_in, seed_due_checkins

LA_10AM_TUE = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)


async def with_new_appointment(bot, chat_id: int, when: str):
    """A member files a case, and at the first check-in (two days later) says they have a new appointment."""
    member = bot.standin.user(chat_id)
    await file_case(member)
    bot.clock.set(LA_10AM_TUE + timedelta(days=2, minutes=5))
    checkin = await wait_checkin(bot, member)
    await member.tap("I have a new appointment", message=checkin)
    await member.ask(when)
    return member


async def were_you_seen(bot, member, at: datetime):
    bot.clock.set(at)
    await bot.standin.wait_for(lambda: "Were you seen?" in member.last.text, 10, chat_id=member.id)
    return member.last


async def wait_checkin(bot, member, count=1, timeout=10):
    await bot.standin.wait_for(lambda: len(checkins_in(bot.standin, member.id)) >= count, timeout, chat_id=member.id)
    await bot.quiet(passes=0)  # the pass that sent it has recorded it as sent (its buttons are live)
    return checkins_in(bot.standin, member.id)[-1]


async def test_the_full_life_of_a_case_from_filing_to_care_restored(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7001)
    await file_case(member)
    # Two days later, the first check-in (and none before).
    clock.set(LA_10AM_TUE + timedelta(days=2, minutes=5))
    checkin = await wait_checkin(running_bot, member)
    assert "Has Kaiser offered you care yet?" in checkin.text and "Thursday, December 10" in checkin.text
    assert "📅 I have a new appointment" in checkin.labels()
    asked = await member.tap("I have a new appointment", message=checkin)
    assert "When is your new appointment?" in asked.text
    saved = await member.ask("Dec 2")
    assert "Noted: your new appointment is on" in saved.text and "December 2" in saved.text
    # The day after the appointment: were you seen?
    clock.set(datetime(2026, 12, 3, 18, 5, tzinfo=timezone.utc))
    await running_bot.standin.wait_for(lambda: "Were you seen?" in member.last.text, 10, chat_id=member.id)
    seen = member.last
    confirm = await member.tap("Yes, I was seen", message=seen)
    assert "Shall I close case" in confirm.text
    closed = await member.tap("Yes, close it")
    assert "is closed" in closed.text
    row = next(running_bot.db.query("SELECT status, restored_on, new_appt_date, close_reason FROM cases"))
    assert row == {"status": "closed", "restored_on": "2026-12-03", "new_appt_date": "2026-12-02", "close_reason": "restored"}
    # Weeks go by: no further check-in.
    before = len(member.messages)
    clock.set(datetime(2026, 12, 31, 18, 0, tzinfo=timezone.utc))
    await running_bot.quiet()
    assert len(member.messages) == before
    assert followups.count_by_status(running_bot.db).get("pending", 0) == 0
    answers = [r["value"] for r in running_bot.db.query("SELECT value FROM case_events WHERE kind = 'checkin_answer'")]
    assert answers == ["checkin:new", "seen:yes", "seen:close"]


async def test_no_checkin_in_quiet_hours_it_waits_for_the_morning(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7002)
    await file_case(member)
    # Due Thursday 10:00, but it is 22:30 that night before anything ran: moved to 08:00.
    clock.set(datetime(2026, 11, 27, 6, 30, tzinfo=timezone.utc))
    await running_bot.quiet()
    assert checkins_in(running_bot.standin, member.id) == []
    clock.set(datetime(2026, 11, 27, 16, 1, tzinfo=timezone.utc))  # 08:01 in Los Angeles
    await wait_checkin(running_bot, member)


async def test_pause_holds_checkins_and_resume_brings_them_back(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7003)
    await file_case(member)
    await member.ask("/pause")
    paused = await member.tap("1 week")
    assert "paused until" in paused.text and "December 1" in paused.text
    listing = await member.ask("/mycases")
    assert "check-ins paused until" in listing.text
    clock.set(LA_10AM_TUE + timedelta(days=5, minutes=5))
    await running_bot.quiet()
    assert checkins_in(running_bot.standin, member.id) == []
    resumed = await member.ask("/resume")
    assert "Check-ins are back on" in resumed.text
    listing = await member.ask("/mycases")
    assert "next check-in" in listing.text


async def test_a_closed_cases_pending_checkin_is_never_sent_and_its_old_button_says_so(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7004)
    ref = await file_case(member)
    clock.set(LA_10AM_TUE + timedelta(days=2, minutes=5))
    checkin = await wait_checkin(running_bot, member)
    await member.tap("I was seen: care restored", message=checkin)
    await member.tap("Yes, close it")
    before = len(checkins_in(running_bot.standin, member.id))
    clock.set(LA_10AM_TUE + timedelta(days=20))
    await running_bot.quiet()
    assert len(checkins_in(running_bot.standin, member.id)) == before
    # The old check-in still shows its buttons on the phone: pressing one is answered kindly.
    checkin.buttons = checkin.raw["reply_markup"]["inline_keyboard"]
    reply = await member.tap("Still waiting", message=checkin)
    assert f"{ref}" in reply.text and "already closed" in reply.text


async def test_still_waiting_before_the_deadline_reassures_with_the_date(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7005)
    await file_case(member)
    clock.set(LA_10AM_TUE + timedelta(days=2, minutes=5))
    checkin = await wait_checkin(running_bot, member)
    await member.tap("Still waiting", message=checkin)
    reply, how = member.messages[-2:]
    assert "still has until" in reply.text and "December 10" in reply.text
    assert "How are you holding up" in how.text and how.labels() == ["I'm managing", "It's getting harder"]
    noted = await member.tap("I'm managing", message=how)
    assert "Thank you for telling me" in noted.text
    assert list(running_bot.db.query("SELECT * FROM escalations")) == []


async def test_still_waiting_past_the_deadline_gives_the_next_step_and_an_escalation(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7006)
    await file_case(member)
    clock.set(datetime(2026, 12, 10, 18, 5, tzinfo=timezone.utc))  # the deadline's check-in
    await wait_checkin(running_bot, member)
    clock.set(datetime(2026, 12, 11, 18, 5, tzinfo=timezone.utc))
    checkin = checkins_in(running_bot.standin, member.id)[-1]
    await member.tap("Still waiting", message=checkin)
    texts = "\n".join(m.text for m in member.messages[-4:])
    assert "has passed" in texts and "1-888-466-2219" in texts and "1374.72" in texts
    row = next(running_bot.db.query("SELECT reason FROM escalations"))
    assert row["reason"] == "past_deadline"


async def test_typed_answers_to_a_checkin_are_understood(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7007, "Luz", "es")
    await file_case_in_spanish(member)
    clock.set(LA_10AM_TUE + timedelta(days=2, minutes=5))
    await wait_checkin(running_bot, member)
    await member.ask("todavia nada")
    reply, how = member.messages[-2:]
    assert "todavía tiene hasta" in reply.text and "¿Cómo se siente" in how.text
    reply = await member.ask("ya me dieron cita para el 3 de diciembre")
    assert "su cita nueva es el" in reply.text and "3 de diciembre" in reply.text
    row = next(running_bot.db.query("SELECT new_appt_date FROM cases"))
    assert row["new_appt_date"] == "2026-12-03"
    unclear = await member.ask("mmm banana")
    assert "No le entendí bien" in unclear.text and unclear.labels()


async def test_a_checkin_button_for_someone_elses_case_is_refused(running_bot):
    clock = running_bot.clock
    alice, bob = running_bot.standin.user(7008), running_bot.standin.user(7009)
    await file_case(alice)
    await file_case(bob)
    clock.set(LA_10AM_TUE + timedelta(days=2, minutes=5))
    alice_checkin = await wait_checkin(running_bot, alice)
    await wait_checkin(running_bot, bob)
    data = alice_checkin.button("I was seen: care restored")["callback_data"]
    bobs = checkins_in(running_bot.standin, bob.id)[-1]
    bobs.buttons = [[{"text": "Forged", "callback_data": data}]]
    reply = await bob.tap("Forged", message=bobs)
    assert "earlier" in reply.text
    assert [r["status"] for r in running_bot.db.query("SELECT status FROM cases")] == ["open", "open"]


async def test_a_member_who_blocked_the_bot_is_marked_unreachable_and_gets_no_more_checkins(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7010)
    await file_case(member)
    running_bot.standin.configure(blocked={member.id})
    clock.set(LA_10AM_TUE + timedelta(days=2, minutes=5))
    await running_bot.standin.wait_for(lambda: running_bot.standin.refused["403"] >= 1, 10)
    await running_bot.quiet(passes=0)  # the pass that got the 403 has marked the member
    row = next(running_bot.db.query("SELECT unreachable_at FROM members"))
    assert row["unreachable_at"] is not None
    assert followups.count_by_status(running_bot.db).get("pending", 0) == 0
    clock.set(LA_10AM_TUE + timedelta(days=15))
    await running_bot.quiet()
    assert running_bot.standin.refused["403"] == 1


async def deliver_due_checkins(standin, tmp_path, n: int, *, timeout: float, http_timeout: float = 10, **switches):
    """n check-ins due now, the real bot at Telegram's limits, the stand-in set by `switches`: wait for all."""
    settings = bot_settings(standin, tmp_path / "carebot.db", rate_limit=1, http_timeout=http_timeout)
    core = build_core(settings)
    core.clock = FakeClock(LA_10AM_TUE)
    chats = seed_due_checkins(core.db, n, now=LA_10AM_TUE)
    standin.configure(enforce_limits=True, **switches)
    bot = await start_bot(standin, settings, core=core)
    try:
        await standin.wait_for(lambda: all(checkins_in(standin, c) for c in chats), timeout)
    finally:
        await bot.shutdown()
    return core, chats


async def test_all_due_checkins_arrive_through_5xx_timeouts_and_429s(standin, tmp_path):
    n = 60  # about 12 refused at this failure rate, half of them dropped after hanging past the bot's timeout
    core, chats = await deliver_due_checkins(standin, tmp_path, n, timeout=90, http_timeout=1, fail_rate=0.2, hang_seconds=1.5)
    assert all(len(checkins_in(standin, c)) == 1 for c in chats)
    assert standin.refused["5xx"] > 0 and standin.refused["timeout"] > 0
    print("refused by the stand-in:", standin.refused)
    sent = followups.count_by_status(core.db)
    assert sent.get("sent") == n


async def test_kill_9_with_500_checkins_due_delivers_each_once_except_those_in_flight(standin, tmp_path):
    from knowledge.campaign import load_campaign  # noqa: F401 - the campaign file must load
    from storage.db import open_db

    db_path = tmp_path / "carebot.db"
    now = datetime.now(timezone.utc)
    db = open_db(db_path)
    chats = seed_due_checkins(db, 500, now=now)
    db.conn.close()
    campaign = campaign_without_quiet_hours(tmp_path)
    proc = await start_bot_process(standin, db_path, tmp_path, extra_env={"CAREBOT_CAMPAIGN": str(campaign)})
    try:
        await standin.wait_for(lambda: sum(bool(checkins_in(standin, c)) for c in chats) >= 120, 30)
        kill_9(proc)
        await proc.wait()
        con = sqlite3.connect(db_path)
        in_flight = {r[0] for r in con.execute("SELECT chat_id FROM outbox WHERE status = 'sending'")}
        con.close()
        delivered_at_kill = sum(bool(checkins_in(standin, c)) for c in chats)
        assert delivered_at_kill < 500, "the kill came too late to test anything"
        proc = await start_bot_process(standin, db_path, tmp_path, extra_env={"CAREBOT_CAMPAIGN": str(campaign)})
        await standin.wait_for(lambda: all(checkins_in(standin, c) for c in chats), 60)
        # Then until the restarted bot has nothing left to send: a second copy would have gone out by then.
        await standin.until(lambda: nothing_left_to_send(db_path), 30, "the outbox drained", recheck=0.05)
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()
    twice = {c for c in chats if len(checkins_in(standin, c)) > 1}
    assert all(len(checkins_in(standin, c)) <= 2 for c in chats)
    assert twice <= in_flight, (twice, in_flight)


async def test_a_member_tapping_through_a_report_under_telegrams_limits_is_never_refused(standin, tmp_path):
    # Each tap edits the old message (its buttons go) and sends the next question: edits don't
    # count against the one-message-a-second-per-chat limit, on Telegram or on the stand-in.
    from tests.flows import filed_ref, report_in_english

    settings = bot_settings(standin, tmp_path / "carebot.db", rate_limit=1)
    core = build_core(settings)
    core.clock = FakeClock(LA_10AM_TUE)
    standin.configure(enforce_limits=True)
    bot = await start_bot(standin, settings, core=core)
    try:
        member = standin.user(7301, "M", "en")
        await report_in_english(member)
        await member.tap("Confirm")  # settles once the filing's messages, paced a second apart, are all sent
        assert filed_ref(member)
    finally:
        await bot.shutdown()
    assert standin.refused["429"] == 0


def nothing_left_to_send(db_path) -> bool:
    """No check-in still due and no message waiting or in flight (read from the bot process's database)."""
    con = sqlite3.connect(db_path)
    try:
        due = con.execute(
            "SELECT count(*) FROM followups WHERE status = 'pending' AND due_at <= ?", [datetime.now(timezone.utc).isoformat()]
        ).fetchone()[0]
        unsent = con.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()[0]
    finally:
        con.close()
    return due == 0 and unsent == 0


def escalation_reasons(bot):
    return [r["reason"] for r in bot.db.query("SELECT reason FROM escalations")]


async def test_an_urgent_case_still_without_an_appointment_after_48_hours_goes_to_the_desk(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7401)
    await file_case(member, urgency="It's urgent", when="Today")
    assert escalation_reasons(running_bot) == []  # the member has the urgent routes; the desk isn't needed yet
    clock.set(LA_10AM_TUE + timedelta(hours=47))
    await running_bot.quiet()
    assert escalation_reasons(running_bot) == []
    clock.set(LA_10AM_TUE + timedelta(hours=48, minutes=2))
    await running_bot.standin.wait_for(lambda: escalation_reasons(running_bot) == ["urgent_no_appointment"], 10)
    clock.set(LA_10AM_TUE + timedelta(hours=60))
    await running_bot.quiet()
    assert escalation_reasons(running_bot) == ["urgent_no_appointment"]  # once, not every minute


async def test_an_urgent_case_that_got_a_new_appointment_in_time_is_not_escalated(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7402)
    await file_case(member, urgency="It's urgent", when="Today")
    clock.set(LA_10AM_TUE + timedelta(hours=24, minutes=5))
    checkin = await wait_checkin(running_bot, member)
    await member.tap("I have a new appointment", message=checkin)
    await member.ask("tomorrow")
    clock.set(LA_10AM_TUE + timedelta(hours=49))
    await running_bot.quiet()
    assert escalation_reasons(running_bot) == []


async def test_waiting_that_gets_harder_is_one_tap_and_reaches_the_volunteer_desk(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7403, "M", "es")
    await consent(member, "es")
    await member.ask("/cancel")
    await file_case_in_spanish(member, start=False)
    clock.set(LA_10AM_TUE + timedelta(days=2, minutes=5))
    checkin = await wait_checkin(running_bot, member)
    await member.tap("Sigo esperando", message=checkin)
    how = member.messages[-1]
    assert "¿Cómo se siente mientras espera?" in how.text
    await member.tap("Cada vez me cuesta más", message=how)
    told = member.messages[-1]
    assert "voluntaria le escribirá aquí" in told.text and "988" in told.text
    assert [r["reason"] for r in running_bot.db.query("SELECT reason FROM escalations")] == ["harm"]
    assert "wellbeing" in [r["kind"] for r in running_bot.db.query("SELECT kind FROM case_events")]


async def test_a_reply_that_fails_once_is_retried_and_arrives(running_bot):
    member = running_bot.standin.user(7501)
    await consent(member)
    await member.ask("/cancel")
    running_bot.standin.configure(fail_rate=1.0, hang_seconds=0.2)  # Telegram answers 5xx or drops the request
    await member.send("/help")
    await running_bot.standin.wait_for(lambda: sum(running_bot.standin.refused.values()) > 0, 10)
    running_bot.standin.configure(fail_rate=0.0)
    await running_bot.standin.wait_for(
        lambda: "/report" in member.last.text and "/delete" in member.last.text, 20, chat_id=member.id
    )

    def unfinished():
        return [
            r["status"]
            for r in running_bot.db.query(
                "SELECT status FROM outbox WHERE chat_id = ? AND status IN ('pending', 'sending')", [member.id]
            )
        ]

    await running_bot.standin.wait_for(lambda: unfinished() == [], 10)  # the send that got through is marked sent
    assert len([m for m in member.messages if "How I can help" in m.text]) == 1  # and went out once


async def test_a_reply_left_unsent_by_a_crash_goes_out_in_order_after_the_restart(running_bot):
    from storage import outbox

    member = running_bot.standin.user(7502)
    await consent(member)
    before = len(member.messages)
    member_id = next(running_bot.db.query("SELECT id FROM members"))["id"]
    written = running_bot.clock() - timedelta(seconds=30)  # committed, then the process died before sending
    with running_bot.db.atomic():
        for text in ("first part", "second part"):
            outbox.enqueue(
                running_bot.db,
                chat_id=member.id,
                member_id=member_id,
                action="send",
                payload={"text": text, "buttons": []},
                now=written,
            )
    await running_bot.standin.wait_for(lambda: len(member.messages) >= before + 2, 10, chat_id=member.id)
    assert [m.text for m in member.messages[before:]] == ["first part", "second part"]


async def test_resume_keeps_were_you_seen_for_the_day_after_the_appointment(running_bot):
    clock, member = running_bot.clock, await with_new_appointment(running_bot, 7503, "Dec 20")
    await member.ask("/pause")
    await member.tap("Until I resume")
    await member.ask("/resume")
    clock.set(datetime(2026, 12, 18, 18, 0, tzinfo=timezone.utc))
    await running_bot.quiet()
    assert not any("Were you seen?" in m.text for m in member.messages)
    seen = await were_you_seen(running_bot, member, datetime(2026, 12, 21, 18, 5, tzinfo=timezone.utc))
    assert "December 20" in seen.text


async def test_typed_english_answers_to_check_ins_are_read_the_way_they_were_meant(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7504)
    await file_case(member)
    clock.set(LA_10AM_TUE + timedelta(days=2, minutes=5))
    await wait_checkin(running_bot, member)
    await member.ask("they called me on monday but nothing")
    assert next(running_bot.db.query("SELECT new_appt_date FROM cases"))["new_appt_date"] is None
    await member.ask("out of network?")  # a question, not an answer
    assert next(running_bot.db.query("SELECT oon_offered_on FROM cases"))["oon_offered_on"] is None
    await member.ask("not yet")
    assert any("still has until" in m.text for m in member.messages[-3:])
    await member.ask("they gave me an appointment for Dec 2")
    await were_you_seen(running_bot, member, datetime(2026, 12, 3, 18, 5, tzinfo=timezone.utc))
    not_seen = await member.ask("I wasn't seen, they canceled again")
    assert "Shall I close" not in not_seen.text and "didn't happen" in not_seen.text
    assert next(running_bot.db.query("SELECT status FROM cases"))["status"] == "open"


async def test_yes_typed_to_were_you_seen_closes_after_the_confirmation(running_bot):
    member = await with_new_appointment(running_bot, 7505, "Dec 2")
    await were_you_seen(running_bot, member, datetime(2026, 12, 3, 18, 5, tzinfo=timezone.utc))
    confirm = await member.ask("yes")
    assert "Shall I close case" in confirm.text


async def test_still_waiting_on_an_urgent_case_past_its_48_hours_gives_the_next_step(running_bot):
    clock, member = running_bot.clock, running_bot.standin.user(7506)
    await file_case(member, urgency="It's urgent", when="Today")
    clock.set(LA_10AM_TUE + timedelta(hours=24, minutes=5))
    checkin = await wait_checkin(running_bot, member)
    clock.set(LA_10AM_TUE + timedelta(hours=50))  # the same day's deadline time has passed
    await member.tap("Still waiting", message=checkin)
    texts = "\n".join(m.text for m in member.messages[-4:])
    assert "has passed" in texts and "still has until" not in texts


def test_a_pause_takes_back_a_checkin_still_waiting_in_the_outbox(tmp_path, standin):
    from storage import followups as fu, outbox

    core = build_core(bot_settings(standin, tmp_path / "carebot.db"))
    core.clock = FakeClock(LA_10AM_TUE)
    chats = seed_due_checkins(core.db, 1, now=LA_10AM_TUE)
    assert core.materialize_due() == 1  # handed to the outbox, not sent yet (a backlog)
    case_id = next(core.db.query("SELECT case_id FROM followups"))["case_id"]
    with core.db.atomic():
        assert fu.unqueue(core.db, case_id, LA_10AM_TUE + timedelta(days=7)) == 1
    assert [r["status"] for r in core.db.query("SELECT status FROM outbox WHERE chat_id = ?", [chats[0]])] == ["canceled"]
    row = next(core.db.query("SELECT status, due_at FROM followups"))
    assert row["status"] == "pending" and row["due_at"].startswith("2026-12-01")
    assert outbox.count_by_status(core.db).get("pending", 0) == 0


async def test_pause_with_a_number_of_days_pauses_that_long_without_asking(running_bot):
    member = running_bot.standin.user(7507)
    await file_case(member)
    reply = await member.ask("/pause 10")
    assert "paused until" in reply.text and "December 4" in reply.text


async def test_when_telegram_answers_429_each_checkin_waits_its_retry_after_and_arrives_once(standin, tmp_path):
    # Telegram is stricter today than the limits carebot keeps to: it answers 429 with retry_after.
    n = 24  # three times what the stand-in takes in a second: 429s on every burst
    core, chats = await deliver_due_checkins(standin, tmp_path, n, timeout=60, overall_per_second=8)
    assert standin.refused["429"] > 0
    assert all(len(checkins_in(standin, c)) == 1 for c in chats)
    assert followups.count_by_status(core.db).get("sent") == n
