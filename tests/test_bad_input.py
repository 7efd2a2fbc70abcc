"""Bad input at every step gets a specific, kind re-prompt, and nothing is lost."""

from __future__ import annotations

import pytest

from dialogs.report_steps import REPORT
from tests.flows import answer_report, consent

# The question each step asks, and the answer that moves past it.
STEPS = [
    ("kind", "What kind of appointment", ("tap", "Individual therapy")),
    ("appt_date", "When was the appointment?", ("tap", "Yesterday")),
    ("facility", "Which Kaiser clinic", ("type", "Fontana")),
    ("notified", "How did you find out", ("tap", "Text message")),
    ("offered", "Did Kaiser offer you anything", ("tap", "A new appointment")),
    ("offered_date", "When is the appointment they offered?", ("type", "Dec 9")),
    ("urgency", "How soon do you need to be seen?", ("tap", "It's urgent")),
    ("note", "Anything you want on the record?", ("type", "No one called me back.")),
    ("share", "Can we share this report", ("tap", "Yes, share it")),
    ("contact", "Can a volunteer or organizer contact you", ("tap", "No, thanks")),
    ("summary", "Please check your report", None),
]

LONG = "I waited for weeks and " * 220  # about 5,000 characters

# What the member sees for a huge text or only emoji, step by step.
HUGE_TEXT = {
    "kind": "Here I just need a tap on one of the buttons",
    "appt_date": "too long to be a date",
    "facility": "a bit long for a clinic name",
    "notified": "Here I just need a tap on one of the buttons",
    "offered": "Here I just need a tap on one of the buttons",
    "offered_date": "too long to be a date",
    "urgency": "Here I just need a tap on one of the buttons",
    "note": "Please keep your note under 500 characters",
    "share": "Here I just need a tap on one of the buttons",
    "contact": "Here I just need a tap on one of the buttons",
    "summary": "Please use the buttons below",
}
EMOJI = {
    "kind": "I can't read emoji as an answer",
    "appt_date": "couldn't read that as a date",
    "facility": "Please type the clinic's name",
    "notified": "I can't read emoji as an answer",
    "offered": "I can't read emoji as an answer",
    "offered_date": "couldn't read that as a date",
    "urgency": "I can't read emoji as an answer",
    "note": "A note needs a few words",
    "share": "I can't read emoji as an answer",
    "contact": "I can't read emoji as an answer",
    "summary": "Please use the buttons below",
}


@pytest.fixture
def running_bot(core_bot):
    """These tests are about the dialogs: they run on the core in-process (tests/core_chat.py)."""
    return core_bot


def test_the_bad_input_walk_covers_every_step_of_the_report():
    walked = [name for name, _, _ in STEPS]
    report = [step.name for step in REPORT.path({"offered": "new_appt"})]
    missing = [name for name in report if name not in walked]
    assert walked == report, f"STEPS (tests/test_bad_input.py) lacks the report's steps {missing}, or has them out of order"


async def move_on(member, how):
    kind, value = how
    if kind == "tap":
        await member.tap(value)
    else:
        await member.ask(value)


async def test_every_step_survives_stickers_photos_voice_huge_text_emoji_commands_and_edits(telegram_bot):
    member = telegram_bot.standin.user(2001)
    await consent(member)
    first_text = None
    for step, question, how in STEPS:
        for act, expect in (
            (member.sticker, "can't read stickers"),
            (member.photo, "can't read photos"),
            (member.voice, "can't read voice messages"),
        ):
            await act()
            await member.settle()
            assert expect in member.last.text, (step, member.last.text)
            assert question in member.last.text, (step, member.last.text)
        for text, expected in ((LONG, HUGE_TEXT[step]), ("😢😢😢", EMOJI[step])):
            reply = await member.ask(text)
            assert expected in reply.text, (step, reply.text[:300])
            assert question in reply.text, (step, reply.text[:300])
        help_reply = await member.ask("/help")
        assert question in help_reply.text and "We were in the middle of your report" in help_reply.text
        assert any("/report" in m.text for m in member.messages[-2:])
        unknown = await member.ask("/frobnicate")
        assert question in unknown.text
        if first_text is None:
            first_text = member.sent_updates[0]
        await member.edit(first_text, "changed my mind")
        edited = (await member.settle())[-1]
        assert "edited a message" in member.messages[-2].text or "edited a message" in edited.text
        assert question in edited.text
        if how:
            await move_on(member, how)
    summary = member.last
    for kept in (
        "Individual therapy",
        "Fontana",
        "Text message",
        "A new appointment",
        "December 9",
        "It's urgent",
        "No one called me back.",
        "Yes, share it",
    ):
        assert kept in summary.text, kept


async def test_button_from_a_finished_report_is_recognised_as_old(running_bot):
    member = running_bot.standin.user(2002)
    await consent(member)
    await member.tap("Group therapy")
    date_question = member.last
    # Every answer after the kind typed or tapped on later questions, so the date question keeps its buttons.
    await answer_report(member, running_bot.core, {"kind": "group", "urgency": "can_wait"}, from_step="appt_date")
    await member.tap("Confirm and file")
    assert date_question.labels()  # still on screen
    reply = await member.tap("Today", message=date_question)
    assert "That button is from an earlier conversation" in reply.text
    assert date_question.labels() == []  # and now it is gone
    rows = list(running_bot.db.query("SELECT appt_date FROM cases"))
    assert rows == [{"appt_date": "2026-11-23"}]


async def test_button_from_an_earlier_step_does_not_change_the_answer(running_bot):
    member = running_bot.standin.user(2003)
    await consent(member)
    kind_question = member.last
    data = kind_question.button("Psychiatry / medication")["callback_data"]
    await member.tap("Individual therapy")
    kind_question.buttons = [[{"text": "Psychiatry / medication", "callback_data": data}]]
    reply = await member.tap("Psychiatry / medication", message=kind_question)
    assert "That button is from an earlier message" in reply.text
    assert "When was the appointment?" in reply.text
    assert list(running_bot.db.query("SELECT kind FROM cases")) == [{"kind": "individual"}]


async def test_forged_button_data_is_treated_as_old(running_bot):
    member = running_bot.standin.user(2004)
    await consent(member)
    question = member.last
    for forged in ("r:zzzz:kind:c:individual", "r::::", "del:abc:yes", "lang:xx", "on:yes:en:", "m:nothing", "garbage"):
        question.buttons = [[{"text": "Forged", "callback_data": forged}]]
        reply = await member.tap("Forged", message=question)
        assert "What kind of appointment" in reply.text, forged
    assert list(running_bot.db.query("SELECT * FROM cases")) == []
    assert len(list(running_bot.db.query("SELECT * FROM members"))) == 1


async def test_member_html_is_escaped_everywhere(running_bot):
    member = running_bot.standin.user(2005)
    await consent(member)
    await member.tap("Other")
    await member.tap("Today")
    reply = await member.ask("<b>Clinic</b> & <script>")
    assert "“<b>Clinic</b> & <script>”" in reply.text  # shown as typed, not as markup
    await member.tap("It's not listed")
    for label in ("Phone call", "Nothing", "It can wait a few weeks"):
        await member.tap(label)
    await member.ask("they said <b>call back</b> & never did")
    await member.tap("Yes, share it")
    summary = await member.tap("No, thanks")
    assert "they said <b>call back</b> & never did" in summary.text
    assert "&lt;b&gt;call back&lt;/b&gt;" in summary.html
