"""Organizers in Telegram: /export, /report and /announce (role-checked, audited); members' deep links, /mute, 'I sent it'."""

from __future__ import annotations

import csv
import json
import io

import pytest

from bot.app import build_core
from storage import audit, links
from tests.conftest import TUESDAY_MORNING, FakeClock, bot_settings, start_bot
from tests.flows import answer_report, consent, report_in_english

ORGANIZER, NOBODY = 42, 4242
ORGANIZERS_CHAT = -100999


@pytest.fixture
async def org_bot(standin, tmp_path):
    standin.group(ORGANIZERS_CHAT, "Organizers", forum=False)
    settings = bot_settings(
        standin,
        tmp_path / "carebot.db",
        organizer_ids=str(ORGANIZER),
        organizers_chat_id=str(ORGANIZERS_CHAT),
        bot_username="carebot_local_bot",
    )
    bot = await start_bot(standin, settings, clock=FakeClock(TUESDAY_MORNING))
    yield bot
    await bot.shutdown()


async def filed(bot, chat_id, lang="en", note="note"):
    member = bot.standin.user(chat_id, "M", lang)
    await report_in_english(member, note=note)
    await member.press("Confirm and file")
    await member.settle()
    return member


async def documents_in(standin, chat_id, n, timeout=20):
    await standin.wait_for(lambda: len([m for m in standin.bot_messages(chat_id) if m.document]) >= n, timeout, chat_id=chat_id)
    return [p for method, p in standin.calls if method == "sendDocument" and int(p["chat_id"]) == chat_id]


async def test_organizer_exports_cases_in_a_private_chat_and_it_is_audited(org_bot):
    await filed(org_bot, 9101, note='=HYPERLINK("http://evil")')
    organizer = org_bot.standin.user(ORGANIZER, "Olga")
    await organizer.send("/export csv")
    sent = await documents_in(org_bot.standin, ORGANIZER, 2)
    content = sent[0]["document"]["content"].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 1 and rows[0]["facility"] == "Los Angeles Medical Center"
    assert "HYPERLINK" not in content and "9101" not in content  # no notes, no chat ids
    assert any("dictionary" in p["document"]["filename"] for p in sent)
    assert [(e.action, e.actor, e.allowed) for e in audit.entries(org_bot.db) if e.action.startswith("export")] == [
        ("export", ORGANIZER, True)
    ]


async def test_export_is_refused_and_audited_for_anyone_else(org_bot):
    await filed(org_bot, 9102)
    stranger = org_bot.standin.user(NOBODY, "Nina")
    reply = await stranger.ask("/export")
    assert "Only organizers can do that" in reply.text
    assert not any(m.document for m in stranger.messages)
    group = org_bot.standin.group(ORGANIZERS_CHAT)
    await group.user(NOBODY, "Nina").send("/export")
    await org_bot.standin.wait_for(lambda: any("Only organizers" in m.text for m in group.messages), 10)
    refused = [e for e in audit.entries(org_bot.db) if not e.allowed]
    assert len(refused) == 2 and {e.action for e in refused} == {"export"}


async def test_report_in_the_organizers_chat_comes_with_three_charts(org_bot):
    await filed(org_bot, 9103)
    group = org_bot.standin.group(ORGANIZERS_CHAT)
    await group.user(ORGANIZER, "Olga").send("/report")
    await org_bot.standin.wait_for(lambda: len([p for m, p in org_bot.standin.calls if m == "sendPhoto"]) >= 3, 30)
    texts = [m.text for m in group.messages if not m.document]
    assert any("Los Angeles Medical Center" in t for t in texts)


async def test_public_report_in_telegram_shows_small_counts_as_under_five(org_bot):
    await filed(org_bot, 9107)
    organizer = org_bot.standin.user(ORGANIZER, "Olga")
    await organizer.send("/report public")
    await org_bot.standin.wait_for(
        lambda: any("Los Angeles Medical Center" in m.text for m in organizer.messages), 30, chat_id=ORGANIZER
    )
    text = next(m.text for m in organizer.messages if "Los Angeles Medical Center" in m.text)
    assert "<5" in text and "1 in total" not in text


async def test_a_members_report_command_is_still_theirs(org_bot):
    member = org_bot.standin.user(9104)
    await consent(member)
    await member.ask("/cancel")
    reply = await member.ask("/report")
    assert "What kind of appointment" in reply.text


async def test_announcement_goes_to_every_member_in_their_language_except_the_muted(org_bot):
    english = await filed(org_bot, 9105)
    spanish = org_bot.standin.user(9106, "Luz", "es")
    await consent(spanish, "es")
    muted = org_bot.standin.user(9107)
    await consent(muted)
    await muted.ask("/mute")
    organizer = org_bot.standin.user(ORGANIZER, "Olga")
    await organizer.ask("/announce")
    await organizer.ask("Kaiser must still see you during the strike. Ask for out-of-network care if it can't.")
    preview = await organizer.ask("Kaiser debe atenderle durante la huelga. Pida atención fuera de la red si no puede.")
    assert "It will go to <b>2</b>" in preview.html or "It will go to 2" in preview.text
    await organizer.tap("Send to 2 members")
    await org_bot.standin.wait_for(lambda: any("must still see you" in m.text for m in english.messages), 15)
    await org_bot.standin.wait_for(lambda: any("debe atenderle" in m.text for m in spanish.messages), 15)
    assert not any("must still see you" in m.text for m in muted.messages)
    assert any("/mute" in m.text for m in english.messages if "must still see you" in m.text)
    await org_bot.standin.wait_for(lambda: any("2 sent" in m.text for m in organizer.messages), 30)
    assert ("announce", ORGANIZER, True) in [(e.action, e.actor, e.allowed) for e in audit.entries(org_bot.db)]


async def test_clinic_deep_link_prefills_the_clinic_and_counts_in_the_funnel(org_bot):
    with org_bot.db.atomic():
        code = links.create_link(org_bot.db, facility_id="fontana", source="picket-line", now=TUESDAY_MORNING)
    member = org_bot.standin.user(9108)
    await consent(member, start_args=code)
    await member.tap("Individual therapy")
    asked = await member.tap("Yesterday")
    assert "Was it at Fontana?" in asked.text
    await member.tap("Yes")
    await answer_report(member, org_bot.core, {"urgency": "can_wait", "contact": "yes"}, from_step="notified")
    await member.tap("Confirm and file")
    case = next(org_bot.db.query("SELECT link_code, source FROM cases"))
    assert case == {"link_code": code, "source": "picket-line"}
    assert org_bot.db.execute("SELECT count(*) FROM link_starts WHERE link_code = ?", [code]).fetchone()[0] == 1


async def test_member_who_agrees_to_be_contacted_has_their_username_kept_and_others_not(org_bot):
    yes = org_bot.standin.user(9109, "Ana", "en")
    yes.username = "ana_sf"
    await consent(yes)
    for label in ("Other", "Today"):
        await yes.tap(label)
    await yes.ask("Fontana")
    for label in (
        "Phone call",
        "Nothing",
        "It can wait a few weeks",
        "Skip",
        "Yes, share it",
        "Yes, they can",
        "Confirm and file",
    ):
        await yes.tap(label)
    await filed(org_bot, 9110)
    rows = {
        r["chat_id"]: (r["contact_ok"], r["username"])
        for r in org_bot.db.query("SELECT chat_id, contact_ok, username FROM members")
    }
    assert rows[9109] == (1, "ana_sf") and rows[9110] == (0, None)


async def test_i_sent_it_records_the_complaint_as_sent(org_bot):
    member = await filed(org_bot, 9111)
    done = await member.tap("I sent it")
    assert "I noted that you sent your complaint" in done.text
    row = next(org_bot.db.query("SELECT complaint_sent_on FROM cases"))
    assert row["complaint_sent_on"] == "2026-11-24"


def test_a_long_announcement_reports_progress_every_ten_minutes_then_the_totals(tmp_path, standin):
    from datetime import timedelta

    from storage import announcements, outbox

    core = build_core(bot_settings(standin, tmp_path / "carebot.db"))
    core.clock = FakeClock(TUESDAY_MORNING)
    db, now = core.db, TUESDAY_MORNING
    announcements.start_draft(db, ORGANIZER, now)
    announcements.mark_sending(db, 1, 3, now)
    items = [
        outbox.enqueue(
            db,
            chat_id=5000 + i,
            member_id=f"m{i}",
            action="send",
            payload={"text": "hi"},
            now=now,
            kind="announcement",
            ref_kind="announcement",
            ref_id=1,
        )
        for i in range(3)
    ]
    outbox.mark_sent(db, items[0].id, now, 1)

    def to_organizer():
        return [json.loads(r["payload"])["text"] for r in db.query("SELECT payload FROM outbox WHERE chat_id = ?", [ORGANIZER])]

    core.announcements_progress()
    assert to_organizer() == []  # just started
    core.clock.advance(timedelta(minutes=11))
    core.announcements_progress()
    assert to_organizer() == ["📣 Announcement #1: 1 of 3 handled so far (1 sent). Still going; I'll tell you when it's done."]
    for item in items[1:]:
        outbox.mark_sent(db, item.id, now, 2)
    core.announcements_progress()
    assert to_organizer()[-1].startswith("📣 Announcement #1 is done: 3 sent, 0 failed, 0 unreachable")
