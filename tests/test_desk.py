"""The volunteer desk: escalations posted to a supergroup, a person in the loop, roles that keep data safe."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import build_core
from storage import audit, escalations, roles
from tests.conftest import TUESDAY_MORNING, FakeClock, bot_settings, start_bot
from tests.flows import answer_report, consent, file_case

DESK = -1001234567
ADMIN, VOLUNTEER, OTHER_VOLUNTEER, STRANGER = 1, 500, 501, 666


async def start_desk_bot(standin, tmp_path, *, forum=True, **overrides):
    group = standin.group(DESK, forum=forum)
    settings = bot_settings(standin, tmp_path / "carebot.db", desk_chat_id=str(DESK), admin_ids=str(ADMIN), **overrides)
    core = build_core(settings)
    core.clock = FakeClock(TUESDAY_MORNING)
    for user in (VOLUNTEER, OTHER_VOLUNTEER):
        with core.db.atomic():
            roles.grant(core.db, user, "volunteer", by=ADMIN, now=TUESDAY_MORNING)
    return await start_bot(standin, settings, core=core), group


@pytest.fixture
async def desk(standin, tmp_path):
    bot, group = await start_desk_bot(standin, tmp_path)
    yield bot, group
    await bot.shutdown()


async def card_for(bot, group, fragment="#", timeout=10):
    await bot.standin.wait_for(lambda: any(fragment in s.text and s.buttons for s in group.messages), timeout, chat_id=group.id)
    return next(s for s in reversed(group.messages) if fragment in s.text and s.buttons)


async def escalated(bot, group, chat_id, *, lang="en"):
    """A member who asked for a person: their card is in the desk."""
    member = bot.standin.user(chat_id, "M", lang)
    await consent(member, lang)
    await member.ask("/cancel")
    await member.ask("/volunteer")
    return member, await card_for(bot, group)


async def claimed(bot, group, chat_id):
    """...and a volunteer (Dana) has claimed it."""
    member, card = await escalated(bot, group, chat_id)
    await group.user(VOLUNTEER, "Dana").press("Claim", message=card)
    await wait_text(bot, member.id, "has joined")
    return member, card


async def wait_text(bot, chat_id, fragment, timeout=10):
    await bot.standin.wait_for(
        lambda: any(fragment in s.text for s in bot.standin.bot_messages(chat_id)), timeout, chat_id=chat_id
    )
    return next(s for s in reversed(bot.standin.bot_messages(chat_id)) if fragment in s.text)


async def test_crisis_to_desk_claim_talk_note_and_resolve(desk):
    bot, group = desk
    member = bot.standin.user(8001, "Rosa", "es")
    await consent(member, "es")
    await member.ask("no quiero vivir")
    # The card arrives in a topic of its own, within a dispatcher tick.
    card = await card_for(bot, group)
    thread = card.thread_id
    assert thread is not None and group.topics[thread].startswith("🔴")
    assert "crisis" in card.text and "Spanish" in card.text and "Rosa" not in card.text
    # Unclaimed for five minutes: announced again.
    bot.clock.advance(timedelta(minutes=6))
    await wait_text(bot, group.id, "unclaimed for")
    # A volunteer claims it; the others see who.
    vol = group.user(VOLUNTEER, "Dana")
    await vol.press("Claim", message=card)
    await wait_text(bot, group.id, "Dana claimed")
    await bot.standin.wait_for(lambda: "Claimed by Dana" in card.text and "claimed" in group.topics[thread], 10)
    joined = await wait_text(bot, member.id, "persona voluntaria del equipo de monitoreo")
    assert "Dana" not in joined.text
    # The volunteer writes in the topic: the member reads it, without the volunteer's name.
    await vol.send("Hola Rosa, estoy aquí. ¿Está segura ahora?", thread_id=thread)
    relayed = await wait_text(bot, member.id, "estoy aquí")
    assert relayed.text.startswith("💬 Una persona voluntaria del equipo de monitoreo:") and "Dana" not in relayed.text
    # The member answers: it appears in the topic.
    await member.send("sí, gracias por escribir")
    await wait_text(bot, group.id, "sí, gracias por escribir")
    assert group.in_topic(thread)[-1].text.startswith("👤 Member:")
    # A note stays in the desk.
    before = len(member.messages)
    await vol.send("!note she has a safety plan", thread_id=thread)
    await wait_text(bot, group.id, "Note saved")
    assert len(member.messages) == before
    assert [n["text"] for n in escalations.notes(bot.db, 1)] == ["she has a safety plan"]
    # Resolve with a one-tap reason.
    await vol.press("Resolve", message=card)
    await bot.standin.wait_for(lambda: "Why is it resolved?" in card.text, 10)
    await vol.press("Care restored", message=card)
    await bot.standin.wait_for(lambda: group.topics[thread].startswith("✅"), 10)
    await wait_text(bot, member.id, "terminó la conversación")
    row = next(bot.db.query("SELECT status, resolution, claimed_by FROM escalations"))
    assert row == {"status": "resolved", "resolution": "restored", "claimed_by": VOLUNTEER}
    actions = [e.action for e in audit.entries(bot.db)]
    assert {"claim", "relay_to_member", "relay_to_desk", "note", "resolve"} <= set(actions)


async def test_someone_without_the_role_in_the_desk_is_refused_and_audited(desk):
    bot, group = desk
    member, card = await escalated(bot, group, 8002)
    intruder = group.user(STRANGER, "Mallory")
    await intruder.press("Claim", message=card)
    await bot.standin.wait_for(lambda: any(a.get("show_alert") for a in bot.standin.callback_answers), 10)
    assert "Only volunteers" in bot.standin.callback_answers[-1]["text"]
    await intruder.send("/case #1", thread_id=card.thread_id)
    await wait_text(bot, group.id, "Only volunteers can do that")
    # Forged callback data for the same or another escalation: refused too.
    card.buttons = [[{"text": "Forged", "callback_data": "d:1:r_restored"}]]
    await intruder.press("Forged", message=card)
    await bot.quiet()
    row = next(bot.db.query("SELECT status, claimed_by FROM escalations"))
    assert row == {"status": "open", "claimed_by": None}
    refused = [e for e in audit.entries(bot.db) if not e.allowed]
    assert len(refused) >= 3 and all(e.actor == STRANGER for e in refused)
    # Writing in the topic reaches no member.
    before = len(member.messages)
    await intruder.send("hello?", thread_id=card.thread_id)
    await bot.quiet()
    assert len(member.messages) == before


async def test_a_member_cannot_reach_desk_actions_or_another_members_case(desk):
    bot, group = desk
    alice, bob = bot.standin.user(8003), bot.standin.user(8004)
    for m in (alice, bob):
        await consent(m)
        await m.ask("/cancel")
    await alice.ask("/volunteer")
    await card_for(bot, group)
    question = bob.last
    question.buttons = [[{"text": "Forged", "callback_data": "d:1:claim"}]]
    reply = await bob.tap("Forged", message=question)
    assert "earlier" in reply.text
    assert next(bot.db.query("SELECT status FROM escalations"))["status"] == "open"
    unknown = await bob.ask("/case #1")
    assert "don't know that command" in unknown.text


async def test_volunteer_who_did_not_claim_cannot_talk_to_the_member(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8005)
    before = len(member.messages)
    await group.user(OTHER_VOLUNTEER, "Eli").send("let me jump in", thread_id=card.thread_id)
    await wait_text(bot, group.id, "Only the volunteer who claimed")
    assert len(member.messages) == before


async def test_member_ends_the_chat_and_their_report_resumes(desk):
    bot, group = desk
    member = bot.standin.user(8006)
    await consent(member)
    await member.tap("Group therapy")
    await member.ask("/volunteer")
    card = await card_for(bot, group)
    await group.user(VOLUNTEER, "Dana").press("Claim", message=card)
    await wait_text(bot, member.id, "has joined")
    reply = await member.ask("/endchat")
    assert "conversation with the volunteer has ended" in member.messages[-2].text
    assert "When was the appointment?" in reply.text
    await wait_text(bot, group.id, "ended the conversation")
    back = await member.tap("Yesterday")
    assert "Which Kaiser clinic" in back.text


async def test_a_claim_with_no_volunteer_message_for_four_hours_returns_to_the_queue(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8007)
    bot.clock.advance(timedelta(hours=4, minutes=1))
    await wait_text(bot, group.id, "back in the queue")
    await wait_text(bot, member.id, "step away")
    assert next(bot.db.query("SELECT status FROM escalations"))["status"] == "open"


async def test_a_deleted_topic_does_not_lose_the_case(desk):
    bot, group = desk
    member, card = await escalated(bot, group, 8008)
    group.delete_topic(card.thread_id)
    await member.ask("I took all my pills")  # raises the priority: the card and topic must change
    await bot.standin.wait_for(lambda: any(name.startswith("🔴") for name in group.topics.values()), 10)
    new_card = await card_for(bot, group, "crisis")
    assert new_card.thread_id != card.thread_id and new_card.thread_id in group.topics
    assert next(bot.db.query("SELECT status FROM escalations"))["status"] == "open"


async def test_member_photo_is_copied_into_the_topic_as_evidence(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8009)
    await member.photo()
    await wait_text(bot, group.id, "sent a photo")
    await bot.standin.wait_for(
        lambda: any(s.document and s.document.get("copied_from") == member.id for s in group.in_topic(card.thread_id)), 10
    )


async def test_admin_grants_and_revokes_roles_and_it_is_audited(desk):
    bot, group = desk
    admin = group.user(ADMIN, "Ada")
    newcomer = group.user(777, "Neo")
    await newcomer.send("hi all, I'm new")
    note = bot.standin.chats[group.id][-1]
    await admin.send("/grant volunteer", reply_to=note)
    await wait_text(bot, group.id, "User 777 is now a volunteer")
    assert roles.has_role(bot.db, 777, "volunteer")
    await admin.send("/revoke 777 volunteer")
    await wait_text(bot, group.id, "no longer a volunteer")
    assert not roles.has_role(bot.db, 777, "volunteer")
    await group.user(VOLUNTEER, "Dana").send("/grant 999 organizer")
    await wait_text(bot, group.id, "Only admins")
    assert [(e.action, e.allowed) for e in audit.entries(bot.db)][-3:] == [
        ("grant", True),
        ("revoke", True),
        ("desk_grant", False),
    ]


async def test_queue_and_mine_list_escalations_by_priority(desk):
    bot, group = desk
    a, b = bot.standin.user(8010), bot.standin.user(8011)
    for m in (a, b):
        await consent(m)
        await m.ask("/cancel")
    await a.ask("/volunteer")
    await b.ask("I want to kill myself")
    await card_for(bot, group, "crisis")
    vol = group.user(VOLUNTEER, "Dana")
    await vol.send("/queue")
    await bot.standin.wait_for(lambda: any(len(m.text.splitlines()) == 2 for m in group.messages), 10)
    queue = next(m for m in group.messages if len(m.text.splitlines()) == 2)
    lines = queue.text.splitlines()
    assert "crisis" in lines[0] and "asked for a person" in lines[1]
    await vol.send("/mine")
    await wait_text(bot, group.id, "no claimed cases")


async def test_a_hundred_escalations_reach_the_desk_within_the_group_limit(standin, tmp_path):
    # The group allowance counted over one second instead of sixty: the same limit, kept sixty times faster.
    standin.configure(enforce_limits=True, group_per_minute=20, group_window=1)
    bot, group = await start_desk_bot(standin, tmp_path, forum=False, rate_limit=1, group_rate="19/1")
    try:
        from storage import members as member_store

        with bot.db.atomic():
            for i in range(100):
                m = member_store.create(bot.db, chat_id=9000 + i, lang="en", source=None, now=TUESDAY_MORNING)
                escalations.raise_(bot.db, member_id=m.id, case_id=None, reason="volunteer", now=TUESDAY_MORNING)
        bot.core.materialize_desk()
        await standin.wait_for(lambda: len([s for s in group.messages if s.buttons]) >= 100, 60)
    finally:
        await bot.shutdown()
    cards = [s for s in group.messages if s.buttons]
    assert len(cards) == 100 and len({s.text.split()[1] for s in cards}) == 100
    assert standin.refused["429"] == 0


async def test_a_restart_in_the_middle_of_a_relayed_conversation_continues(standin, tmp_path):
    from storage.db import open_db
    from tests.durability_helpers import kill_9, start_bot_process

    group = standin.group(DESK, forum=True)
    db_path = tmp_path / "carebot.db"
    db = open_db(db_path)
    with db.atomic():
        roles.grant(db, VOLUNTEER, "volunteer", by=ADMIN, now=TUESDAY_MORNING)
    db.conn.close()
    env = {"CAREBOT_DESK_CHAT_ID": str(DESK), "CAREBOT_ADMIN_IDS": str(ADMIN)}
    proc = await start_bot_process(standin, db_path, tmp_path, extra_env=env)
    member = standin.user(8100)
    vol = group.user(VOLUNTEER, "Dana")
    try:
        await consent(member)
        await member.ask("/cancel")
        await member.ask("/volunteer")
        await standin.wait_for(lambda: any(s.buttons for s in group.messages), 15, chat_id=group.id)
        card = next(s for s in group.messages if s.buttons)
        await vol.press("Claim", message=card)
        await standin.wait_for(lambda: any("has joined" in m.text for m in member.messages), 10)
        await vol.send("first message", thread_id=card.thread_id)
        await standin.wait_for(lambda: any("first message" in m.text for m in member.messages), 10)
        kill_9(proc)
        await proc.wait()
        proc = await start_bot_process(standin, db_path, tmp_path, extra_env=env)
        await member.send("are you still there?")
        await standin.wait_for(lambda: any("are you still there?" in s.text for s in group.in_topic(card.thread_id)), 15)
        await vol.send("yes, still here", thread_id=card.thread_id)
        await standin.wait_for(lambda: any("yes, still here" in m.text for m in member.messages), 15)
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()


def test_audit_command_prints_the_log_for_admins_only(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bot.cli import main
    from storage.db import open_db

    db_path = tmp_path / "carebot.db"
    db = open_db(db_path)
    with db.atomic():
        audit.record(db, actor=VOLUNTEER, action="claim", now=TUESDAY_MORNING, case_ref="KP-22222")
        audit.record(db, actor=STRANGER, action="desk_claim", now=TUESDAY_MORNING, case_ref="KP-22222", allowed=False)
    db.conn.close()
    monkeypatch.setenv("CAREBOT_DB", str(db_path))
    monkeypatch.setenv("CAREBOT_ADMIN_IDS", str(ADMIN))
    monkeypatch.chdir(tmp_path)
    refused = CliRunner().invoke(main, ["audit", "--as", str(VOLUNTEER)])
    assert refused.exit_code == 2 and "KP-22222" not in refused.output
    shown = CliRunner().invoke(main, ["audit", "--as", str(ADMIN)])
    assert shown.exit_code == 0
    assert "claim" in shown.output and "KP-22222" in shown.output and "REFUSED" in shown.output
    assert "audit_view" in shown.output  # the refused reading was logged too


async def test_a_member_telling_of_harm_from_missed_care_is_told_a_volunteer_will_write_and_the_desk_gets_a_card(desk):
    bot, group = desk
    member = bot.standin.user(8601, "Lena", "en")
    await file_case(member)
    await member.ask("I ran out of my meds last week and I'm getting worse")
    told = next(m for m in member.messages if "volunteer will write to you here" in m.text)
    assert "988" in told.text
    card = await card_for(bot, group, "harm from missed care")
    assert "Lena" not in card.text and "meds" not in card.text  # the card says why, not what they wrote
    rows = list(bot.db.query("SELECT reason, priority, case_id FROM escalations"))
    assert [(r["reason"], r["priority"]) for r in rows] == [("harm", 2)] and rows[0]["case_id"] is not None
    # Saying it again: they are told a volunteer already has it, and no second escalation opens.
    await member.ask("I'm getting worse every day")
    assert any("A volunteer already has your request" in m.text for m in member.messages[-2:])
    assert len(list(bot.db.query("SELECT id FROM escalations"))) == 1


async def test_harm_written_in_the_report_note_raises_an_escalation_and_the_report_goes_on(desk):
    bot, _group = desk
    member = bot.standin.user(8602, "M", "es")
    await consent(member, "es")
    await member.tap("Terapia individual")
    await member.tap("Ayer")
    await member.ask("fontana")
    await member.tap("Llamada")
    await member.tap("Nada")
    await member.tap("Es urgente")
    await member.ask("me quede sin mis pastillas hace una semana")
    harm, saved = member.messages[-2:]
    assert "voluntarios" in harm.text
    assert "Nota guardada" in saved.text and "compartir" in saved.text
    assert [r["reason"] for r in bot.db.query("SELECT reason FROM escalations")] == ["harm"]


async def test_hard_feelings_said_in_passing_get_a_volunteer_offered_once_a_day_not_sent(desk):
    bot, group = desk
    member = bot.standin.user(8603, "M", "en")
    await file_case(member)
    await member.ask("this whole thing is stressing me out")
    offer = next(m for m in reversed(member.messages) if "Would you like a volunteer" in m.text)
    assert offer.labels() == ["🙋 Yes, please", "Not now"]
    assert member.messages[-1] is offer  # a statement, not a question: no "I'm not sure I understood"
    assert list(bot.db.query("SELECT * FROM escalations")) == []  # offered, not sent
    declined = await member.tap("Not now", message=offer)
    assert "If you change your mind, tap /volunteer" in declined.text
    await member.ask("I'm so stressed")
    assert len([m for m in member.messages if "Would you like a volunteer" in m.text]) == 1  # once a day
    bot.clock.advance(timedelta(days=1))
    await member.ask("still feeling so stressed about it")
    again = next(m for m in reversed(member.messages) if "Would you like a volunteer" in m.text)
    assert again is not offer
    await member.tap("🙋 Yes, please", message=again)
    assert "a volunteer will write to you here" in member.messages[-1].text
    card = await card_for(bot, group, "harm from missed care")
    assert "stressing" not in card.text and "stressed" not in card.text


async def test_what_a_member_writes_while_their_topic_is_deleted_follows_the_case_into_its_new_topic(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8020)
    group.delete_topic(card.thread_id)
    await member.send("are you still there? Tom & Jerry said 3 < 5")
    await bot.standin.wait_for(lambda: any("are you still there" in m.text for m in group.messages), 15)
    relayed = next(m for m in group.messages if "are you still there" in m.text)
    assert relayed.thread_id in group.topics and relayed.thread_id != card.thread_id
    assert "Tom & Jerry said 3 < 5" in relayed.text  # escaped once, shown as written


async def test_a_desk_group_that_turns_topics_off_gets_plain_cards(desk):
    bot, group = desk
    group.forum = False
    member = bot.standin.user(8021)
    await consent(member)
    await member.ask("/cancel")
    await member.ask("/volunteer")
    card = await card_for(bot, group, timeout=15)
    assert card.thread_id is None and "asked for a person" in card.text


async def test_an_unclaimed_case_cannot_be_resolved_by_forged_data_and_the_member_hears_nothing(desk):
    bot, group = desk
    member, card = await escalated(bot, group, 8022)
    esc_id = next(bot.db.query("SELECT id FROM escalations"))["id"]
    forged = Sent_like(card, f"d:{esc_id}:r_no_action")
    before = len(member.messages)
    await group.user(OTHER_VOLUNTEER, "Eli").press(data=forged.buttons[0][0]["callback_data"], message=forged)
    await bot.quiet()
    assert next(bot.db.query("SELECT status FROM escalations"))["status"] == "open"
    assert len(member.messages) == before
    assert ("desk_resolve", False) in [(e.action, e.allowed) for e in audit.entries(bot.db)]


def Sent_like(card, data):
    """The card with one forged button on it (what a crafted callback looks like)."""
    from dataclasses import replace as dc_replace

    return dc_replace(card, buttons=[[{"text": "x", "callback_data": data}]])


async def test_grant_by_replying_to_the_bots_own_message_grants_nothing(desk):
    bot, group = desk
    member, card = await escalated(bot, group, 8023)
    await group.user(ADMIN, "Ada").send("/grant volunteer", reply_to=card)
    await wait_text(bot, group.id, "/grant")  # the usage line
    assert not roles.has_role(bot.db, bot.standin.bot_id, "volunteer")


async def test_revoking_a_volunteer_returns_their_claims_to_the_queue(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8024)
    await group.user(ADMIN, "Ada").send(f"/revoke {VOLUNTEER} volunteer")
    await wait_text(bot, member.id, "step away")
    assert next(bot.db.query("SELECT status FROM escalations"))["status"] == "open"


async def test_case_shows_only_cases_at_the_desk_and_the_same_members_other_case(desk):
    bot, group = desk
    quiet = bot.standin.user(8025)
    quiet_ref = await file_case(quiet)
    vol = group.user(VOLUNTEER, "Dana")
    await vol.send(f"/case {quiet_ref}")
    await wait_text(bot, group.id, "No case with that reference at the desk")
    member = bot.standin.user(8026)
    first = await file_case(member)
    await member.ask("/volunteer")
    await card_for(bot, group, first)
    await member.tap("Report a canceled appointment")
    for label in ("Group therapy", "Yesterday"):
        await member.tap(label)
    await member.ask("Fontana")
    await answer_report(member, bot.core, {"urgency": "urgent"}, from_step="notified")
    await member.press("Confirm and file")
    await member.settle()
    second = next(r["ref"] for r in bot.db.query("SELECT ref FROM cases WHERE ref != ? AND kind = 'group'", [first]))
    bot.clock.advance(timedelta(hours=49))
    await wait_text(bot, group.id, f"another case: {second}", timeout=15)
    await vol.send(f"/case {second}")
    shown = await wait_text(bot, group.id, "Group therapy")
    assert "Fontana" in shown.text and "Individual therapy" not in shown.text


async def test_a_member_editing_a_message_during_a_chat_reaches_the_volunteer(desk):
    bot, group = desk
    member, card = await claimed(bot, group, 8027)
    sent = await member.send("my appt was on the 3rd")
    await wait_text(bot, group.id, "my appt was on the 3rd")
    await member.edit(sent, "my appt was on the 4th")
    edited = await wait_text(bot, group.id, "edited a message")
    assert "the 4th" in edited.text


async def test_an_escalation_raised_mid_report_gets_the_reference_once_the_report_is_filed(desk):
    bot, group = desk
    member = bot.standin.user(8028)
    await consent(member)
    await member.tap("Individual therapy")
    await member.ask("I ran out of my meds and I'm getting worse")
    card = await card_for(bot, group, "harm from missed care")
    assert "#" in card.text
    await member.tap("Yesterday")
    await member.ask("Fontana")
    await answer_report(member, bot.core, from_step="notified")
    await member.press("Confirm and file")
    await member.settle()
    ref = next(bot.db.query("SELECT ref FROM cases WHERE ref IS NOT NULL"))["ref"]
    await bot.standin.wait_for(lambda: ref in card.text and any(ref in name for name in group.topics.values()), 10)
