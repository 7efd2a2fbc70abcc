"""What a member sees when the safety screen speaks: resources at once, the direct question in the
uncertain middle, the right lines for each kind of danger, captions screened, other languages answered.

The screen itself (knowledge/screening.py) is injected where a test needs a level or a category the
rules don't produce yet; end-to-end tests use real phrasings the rules catch today.
"""

from __future__ import annotations

import itertools
import logging

import pytest

from dialogs.core import Core
from dialogs.model import Button, Event, Reply
from knowledge.campaign import load_campaign
from knowledge.screening import NOTHING, Assessment, assess
from storage import audit, escalations, outbox
from storage.db import open_db
from tests.conftest import TUESDAY_MORNING
from tests.flows import consent
from tests.test_desk import card_for, desk  # noqa: F401  (the desk fixture)

CAMPAIGN = load_campaign()
DANGER = ("someone_else", "harm_others", "domestic_violence", "child_danger")


class Screen:
    """A screen a test controls: a message containing a marker gets that assessment, others the real rules."""

    def __init__(self, **marks: Assessment):
        self.marks = marks
        self.seen: list[str] = []

    def __call__(self, text: str) -> Assessment:
        self.seen.append(text)
        for marker, found in self.marks.items():
            if marker.replace("_", " ") in text:
                return found
        return assess(text)


# ---------------------------------------------------------------- in-process, on the core


class Chat:
    """One member's private chat with the core, event by event (no Telegram)."""

    def __init__(self, core: Core, chat_id: int = 4242, lang_hint: str = "en"):
        self.core, self.chat_id, self.lang_hint = core, chat_id, lang_hint
        self.ids = itertools.count(1)

    def _send(self, kind: str, **fields) -> list:
        ev = Event(
            update_id=self.chat_id * 10_000 + next(self.ids),
            chat_id=self.chat_id,
            kind=kind,
            user_id=self.chat_id,
            lang_hint=self.lang_hint,
            message_id=fields.pop("message_id", 99),
            **fields,
        )
        return sent_messages(self.core, self.core.handle(ev).outbox_ids)

    def say(self, text: str) -> list:
        return self._send("text", text=text)

    def tap(self, data: str) -> list:
        return self._send("button", data=data)

    def command(self, name: str) -> list:
        return self._send("command", command=name, text=f"/{name}")

    def media(self, media: str, caption: str = "") -> list:
        return self._send("unsupported", media=media, text=caption)

    def join(self, lang: str = "en") -> list:
        """/start, language, agree: the report's first question."""
        self.command("start")
        return self.tap(f"on:yes:{lang}:")


def sent_messages(core: Core, outbox_ids) -> list:
    """What the member will be sent for one event, read back from the outbox: new messages as `Reply`
    (their text and buttons), anything else (an edit, buttons taken off, a file) as the outbox item."""
    items = [outbox.get(core.db, i) for i in outbox_ids]
    return [
        Reply(item.payload["text"], tuple(tuple(Button(b["label"], b["data"]) for b in row) for row in item.payload["buttons"]))
        if item.action == "send"
        else item
        for item in items
        if item is not None
    ]


def core_with(screen) -> Core:
    tokens = (f"t{i}" for i in itertools.count())
    return Core(open_db(":memory:"), CAMPAIGN, clock=lambda: TUESDAY_MORNING, token=lambda: next(tokens), screen=screen)


def texts(replies) -> str:
    return "\n---\n".join(r.text for r in replies if isinstance(r, Reply))


def buttons(replies) -> list[Button]:
    return [b for r in replies if isinstance(r, Reply) for row in r.buttons for b in row]


def button(replies, label: str) -> str:
    return next(b.data for b in buttons(replies) if label in b.label)


def open_escalations(core: Core) -> list:
    return escalations.open_escalations(core.db)


LINES = {
    "someone_else": ("911", "988"),
    "harm_others": ("988", "911"),
    "domestic_violence": ("911", "1-800-799-7233", "START", "88788", "thehotline.org"),
    "child_danger": ("911", "1-800-422-4453"),
}


@pytest.mark.parametrize("category", DANGER)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_each_kind_of_danger_gets_its_own_lines_and_an_escalation_that_names_it(category, lang):
    core = core_with(Screen(danger_marker=Assessment("crisis", category, "model", 0.97)))
    chat = Chat(core)
    chat.join(lang)
    replies = chat.say("danger marker")
    said = texts(replies)
    for line in LINES[category]:
        assert line in said, (category, line)
    if category in ("someone_else", "domestic_violence", "child_danger"):
        assert said.index("911") < said.index("988"), "911 first: hotlines don't send help"
    # The lines' source is one tap away, and the report is still there.
    labels = [b.label for b in buttons(replies)]
    assert button(replies, "📖") == "kb:other-emergencies"
    assert any(label in ("Continue my report", "Seguir con mi reporte") for label in labels)
    [esc] = open_escalations(core)
    assert esc.category == category
    assert esc.reason == ("help_now" if category == "someone_else" else "crisis")


def test_the_source_button_opens_the_cited_article():
    core = core_with(Screen(danger_marker=Assessment("crisis", "domestic_violence", "model", 0.97)))
    chat = Chat(core)
    chat.join()
    article = chat.tap(button(chat.say("danger marker"), "📖"))
    said = texts(article)
    assert "National Domestic Violence Hotline" in said and "Childhelp" in said and "Source" in said


@pytest.mark.parametrize(
    "category,question",
    [
        ("self_harm", "Are you thinking about ending your life?"),
        ("someone_else", "Is someone in danger right now?"),
        ("harm_others", "Are you afraid you might hurt someone right now?"),
        ("domestic_violence", "Are you in danger right now?"),
        ("child_danger", "Is a child in danger right now?"),
    ],
)
def test_uncertain_message_gets_988_and_one_direct_question_with_three_buttons(category, question):
    core = core_with(Screen(unsure_marker=Assessment("ask", category, "model", 0.55)))
    chat = Chat(core)
    chat.join()
    replies = chat.say("unsure marker")
    said = texts(replies)
    assert "988" in said and question in said
    if category != "self_harm":
        assert "911" in said
    if category == "domestic_violence":
        assert "1-800-799-7233" in said
    assert [b.label for b in buttons(replies)][0] == "Yes"
    assert [b.label for b in buttons(replies)][-1] == "🙋 Talk to a person"
    assert len(buttons(replies)) == 3
    assert open_escalations(core) == [], "asking is not escalating"


def test_no_is_recorded_without_text_and_the_member_carries_on_at_the_same_step():
    core = core_with(Screen(unsure_marker=Assessment("ask", "self_harm", "model", 0.5)))
    chat = Chat(core)
    chat.tap(button(chat.join(), "Individual therapy"))  # now at the date question
    asked = chat.say("unsure marker")
    replies = chat.tap(button(asked, "No, I'm safe"))
    said = texts(replies)
    assert "Thank you for letting me know" in said and "988" in said
    assert "When was the appointment?" in said
    assert open_escalations(core) == []
    recorded = [(e.action, e.detail) for e in audit.entries(core.db)]
    assert ("safety_question", "self_harm:asked") in recorded and ("safety_question", "self_harm:no") in recorded
    assert all("unsure marker" not in (e.detail or "") for e in audit.entries(core.db))


@pytest.mark.parametrize("answer", ["Yes", "🙋 Talk to a person"])
def test_yes_or_a_person_raises_a_crisis_escalation_and_gives_the_full_lines(answer):
    core = core_with(Screen(unsure_marker=Assessment("ask", "self_harm", "model", 0.5)))
    chat = Chat(core)
    chat.join()
    replies = chat.tap(button(chat.say("unsure marker"), answer))
    said = texts(replies)
    assert "988" in said and "911" in said and "741741" in said and "1-833-KP-WITH-U" in said
    assert "let our volunteer team know" in said
    [esc] = open_escalations(core)
    assert (esc.reason, esc.priority, esc.category) == ("crisis", 1, "self_harm")


@pytest.mark.parametrize(
    "typed,escalated",
    [
        ("yes", True),
        ("si", True),
        ("Sí", True),
        ("no", False),
        ("No, I'm safe", False),
        ("estoy bien", False),
        ("talk to a person", True),
    ],
)
def test_a_typed_answer_to_the_question_counts_like_the_button(typed, escalated):
    core = core_with(Screen(unsure_marker=Assessment("ask", "self_harm", "model", 0.5)))
    chat = Chat(core)
    chat.join()
    chat.say("unsure marker")
    said = texts(chat.say(typed))
    assert "988" in said
    assert bool(open_escalations(core)) is escalated


def test_something_else_typed_after_the_question_is_handled_as_usual():
    core = core_with(Screen(unsure_marker=Assessment("ask", "self_harm", "model", 0.5)))
    chat = Chat(core)
    chat.join()
    chat.say("unsure marker")
    said = texts(chat.say("individual therapy"))  # the report's answer, not an answer to the question
    assert "When was the appointment?" in said
    assert open_escalations(core) == []
    said = texts(chat.say("yes"))  # the question is no longer open: "yes" is not taken as "I'm in danger"
    assert open_escalations(core) == []


def test_old_question_buttons_still_help_after_the_member_moved_on_or_a_restart():
    screen = Screen(unsure_marker=Assessment("ask", "someone_else", "model", 0.5))
    core = core_with(screen)
    chat = Chat(core)
    chat.join()
    asked = chat.say("unsure marker")
    chat.say("individual therapy")
    # A restart: a new core on the same database.
    core2 = Core(core.db, CAMPAIGN, clock=lambda: TUESDAY_MORNING, screen=screen)
    chat.core = core2
    said = texts(chat.tap(button(asked, "No, everyone is safe")))
    assert "Thank you for letting me know" in said and "When was" in said, "No on an old message: the current step"
    said = texts(chat.tap(button(asked, "Yes")))
    assert said.index("911") < said.index("988")
    assert [e.category for e in open_escalations(core2)] == ["someone_else"]


def test_a_forged_question_button_is_treated_as_an_old_button():
    core = core_with(lambda text: NOTHING)
    chat = Chat(core)
    chat.join()
    said = texts(chat.tap("sa:t1:not_a_category:yes") + chat.tap("sa:t1:self_harm:maybe"))
    assert "earlier message" in said
    assert open_escalations(core) == []


def test_someone_who_has_not_started_gets_the_question_and_help_without_anything_stored():
    core = core_with(Screen(unsure_marker=Assessment("ask", "self_harm", "model", 0.5)))
    chat = Chat(core)
    asked = chat.say("unsure marker")
    assert "988" in texts(asked) and "Are you thinking about ending your life?" in texts(asked)
    said = texts(chat.tap(button(asked, "Talk to a person")))
    assert "988" in said and "/start" in said
    assert list(core.db.query("SELECT * FROM members")) == [] and open_escalations(core) == []


@pytest.mark.parametrize(
    "text",
    [
        "我不想活了，我想自杀",  # Chinese
        "죽고 싶어요. 더 이상 못 살겠어요",  # Korean
        "Tôi không muốn sống nữa",  # Vietnamese
        "Ayoko na mabuhay, gusto ko nang mamatay",  # Tagalog
        "Ես այլևս չեմ ուզում ապրել",  # Armenian
        "Я больше не хочу жить",  # Russian
    ],
)
def test_crisis_in_a_language_carebot_does_not_speak_gets_988_in_english_and_spanish_and_a_person(text):
    core = core_with(lambda t: Assessment("crisis", "self_harm", "model", 0.9) if t == text else NOTHING)
    chat = Chat(core)
    chat.join()
    replies = chat.say(text)
    said = texts(replies)
    assert "988" in said and "911" in said
    assert "250 languages" in said and "250 idiomas" in said
    assert [b.label for b in buttons(replies)] == ["🙋 Talk to a person / Hablar con una persona"]
    [esc] = open_escalations(core)
    assert esc.category == "self_harm"
    said = texts(chat.tap(buttons(replies)[0].data))
    assert "988" in said and "741741" in said


def test_an_uncertain_message_in_another_language_is_answered_in_both_without_an_escalation():
    core = core_with(lambda t: Assessment("ask", "domestic_violence", "model", 0.5) if "남편" in t else NOTHING)
    chat = Chat(core)
    chat.join()
    said = texts(chat.say("남편이 무서워요"))
    assert "250 languages" in said and "250 idiomas" in said
    assert open_escalations(core) == []


def test_the_help_now_button_leads_with_the_lines():
    core = core_with(lambda t: NOTHING)
    chat = Chat(core)
    chat.join()
    chat.command("cancel")
    said = texts(chat.tap("m:crisis"))
    assert said.startswith("💛 Help is here")
    assert "If you might act" not in said and "Thank you for telling me" not in said
    assert said.index("911") < said.index("988")


@pytest.mark.parametrize(
    "lang,text",
    [("en", "everything feels hopeless lately"), ("en", "tired of everything tbh"), ("es", "ya nada tiene sentido la verdad")],
)
def test_not_sure_reply_to_a_question_with_words_of_distress_carries_988(lang, text):
    core = core_with(lambda t: NOTHING)  # the screen let it through: the "not sure" reply still carries 988
    chat = Chat(core)
    chat.join(lang)
    chat.command("cancel")
    said = texts(chat.say(text))
    assert "988" in said


def test_not_sure_reply_without_distress_stays_as_it_was():
    core = core_with(lambda t: NOTHING)
    chat = Chat(core)
    chat.join()
    chat.command("cancel")
    said = texts(chat.say("purple elephant spaghetti"))
    assert "I don't have a reliable answer to that" in said and "988" not in said


def test_logs_carry_ids_level_and_category_never_the_text(caplog):
    core = core_with(Screen(unsure_marker=Assessment("ask", "harm_others", "model", 0.5)))
    chat = Chat(core)
    chat.join()
    with caplog.at_level(logging.DEBUG):
        chat.say("unsure marker about my neighbour")
        chat.say("I want to kill myself tonight")
        chat.media("photo", "I want to kill myself")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ask/harm_others" in logged and "crisis/self_harm" in logged
    assert "neighbour" not in logged and "kill" not in logged


# ---------------------------------------------------------------- captions, in-process


def test_a_caption_is_screened_and_a_plain_photo_is_handled_as_before():
    core = core_with(assess)
    chat = Chat(core)
    chat.join()
    said = texts(chat.media("photo"))
    assert "can't read photos" in said
    said = texts(chat.media("document", "I want to kill myself"))
    assert "988" in said and "911" in said and "can't read" not in said
    [esc] = open_escalations(core)
    assert esc.category == "self_harm"


# ---------------------------------------------------------------- through Telegram (the stand-in)


async def send_media(member, media: dict, caption: str = ""):
    """The member sends a photo, file, video or voice note, with a caption if given."""
    extra = dict(media)
    if caption:
        extra["caption"] = caption
    await member._message(extra)
    await member.settle()
    return member.last


PHOTO = {"photo": [{"file_id": "ph1", "file_unique_id": "phu1", "width": 90, "height": 90}]}
DOCUMENT = {"document": {"file_id": "doc1", "file_unique_id": "docu1", "file_name": "letter.pdf"}}
VIDEO = {"video": {"file_id": "vd1", "file_unique_id": "vdu1", "width": 90, "height": 90, "duration": 3}}
VOICE = {"voice": {"file_id": "vc1", "file_unique_id": "vcu1", "duration": 3}}


@pytest.mark.parametrize(
    "media,caption",
    [
        (PHOTO, "I want to kill myself"),
        (DOCUMENT, "no quiero vivir"),
        (VIDEO, "I took all my pills"),
        (VOICE, "I want to kill myself"),
    ],
)
async def test_member_gets_988_for_a_crisis_caption_on_a_photo_file_video_or_voice_note(running_bot, media, caption):
    member = running_bot.standin.user(9101)
    await consent(member)
    await member.tap("Individual therapy")
    reply = await send_media(member, media, caption)
    assert "988" in reply.text and "911" in reply.text
    assert "can't read" not in reply.text
    assert "Continue my report" in reply.labels()
    back = await member.tap("Continue my report")
    assert "When was" in back.text
    [row] = list(running_bot.db.query("SELECT reason, category FROM escalations"))
    assert row == {"reason": "crisis", "category": "self_harm"}


async def test_member_photo_without_a_caption_still_gets_the_kind_note(running_bot):
    member = running_bot.standin.user(9102)
    await consent(member)
    reply = await send_media(member, PHOTO)
    assert "can't read photos" in reply.text
    assert list(running_bot.db.query("SELECT * FROM escalations")) == []


async def test_uncertain_message_mid_report_asks_then_carries_on_at_the_same_step_after_no(running_bot):
    running_bot.core.screen = Screen(hard_week=Assessment("ask", "self_harm", "model", 0.6))
    member = running_bot.standin.user(9103)
    await consent(member)
    await member.tap("Individual therapy")
    asked = await member.ask("it has been a hard week")
    assert "988" in asked.text and "Are you thinking about ending your life?" in asked.text
    assert asked.labels() == ["Yes", "No, I'm safe", "🙋 Talk to a person"]
    back = await member.tap("No, I'm safe")
    assert "Thank you for letting me know" in back.text and "When was" in back.text
    assert asked.buttons == [] or not asked.labels(), "the question's buttons are taken off"
    assert list(running_bot.db.query("SELECT * FROM escalations")) == []
    nxt = await member.tap("Yesterday")
    assert "clinic" in nxt.text.lower()


async def test_yes_to_the_question_reaches_the_desk_with_the_category_and_never_the_text(desk):  # noqa: F811
    bot, group = desk
    bot.core.screen = Screen(scared_of_him=Assessment("ask", "domestic_violence", "model", 0.6))
    member = bot.standin.user(9104, "Rosa", "es")
    await consent(member, "es")
    asked = await member.ask("tengo miedo, scared of him")
    assert "¿Está en peligro ahora mismo?" in asked.text and "911" in asked.text and "1-800-799-7233" in asked.text
    helped = await member.tap("Sí")
    assert "1-800-799-7233" in helped.text and "88788" in helped.text and helped.text.index("911") < helped.text.index("988")
    card = await card_for(bot, group, "crisis")
    assert "Safety screen: domestic violence" in card.text
    assert "miedo" not in card.text and "scared" not in card.text and "Rosa" not in card.text


async def test_desk_card_keeps_domestic_violence_when_self_harm_follows(desk):  # noqa: F811
    bot, group = desk
    bot.core.screen = Screen(
        husband_hurt=Assessment("crisis", "domestic_violence", "model", 0.97),
        not_live=Assessment("crisis", "self_harm", "model", 0.97),
    )
    member = bot.standin.user(9107)
    await consent(member)
    await member.ask("/cancel")
    await member.ask("husband hurt me")
    card = await card_for(bot, group, "Safety screen")
    assert "Safety screen: domestic violence" in card.text
    await member.ask("not live anymore")
    card = await card_for(bot, group, "suicide")
    assert "domestic violence" in card.text and "suicide" in card.text, card.text
    assert "husband" not in card.text and "live" not in card.text


async def test_crisis_caption_in_a_volunteer_chat_is_answered_and_the_photo_still_reaches_the_desk(desk):  # noqa: F811
    from tests.test_desk import claimed, wait_text

    bot, group = desk
    member, card = await claimed(bot, group, 9105)
    await send_media(member, PHOTO, "I want to kill myself")
    assert "988" in member.last.text or any("988" in m.text for m in member.messages[-2:])
    await wait_text(bot, group.id, "The member sent a photo")
    # The photo itself follows the line that announces it.
    await bot.standin.wait_for(lambda: any(method == "copyMessage" for method, _ in bot.standin.calls), 10)


async def test_someone_else_in_danger_typed_for_real_gets_911_first_and_the_card_says_so(desk):  # noqa: F811
    bot, group = desk
    member = bot.standin.user(9106)
    await consent(member)
    await member.ask("/cancel")
    reply = await member.ask("my sister says she wants to kill herself")
    assert reply.text.index("911") < reply.text.index("988") and "can't send help" in reply.text
    card = await card_for(bot, group, "needs help now")
    assert "Safety screen: someone else in danger" in card.text and "sister" not in card.text


async def test_asking_for_the_crisis_line_gives_the_lines_without_an_escalation(running_bot):
    member = running_bot.standin.user(9107, "L", "es")
    await consent(member, "es")
    reply = await member.ask("cual es el numero de la linea de crisis")
    assert "988" in reply.text and "911" in reply.text and "AYUDA" in reply.text
    assert list(running_bot.db.query("SELECT * FROM escalations")) == []


async def test_the_sos_button_leads_with_the_lines_through_telegram(running_bot):
    member = running_bot.standin.user(9108)
    await consent(member)
    await member.ask("/cancel")
    reply = await member.tap("🆘 I need help now")
    assert reply.text.startswith("💛 Help is here") and "If you might act" not in reply.text
    [row] = list(running_bot.db.query("SELECT reason, category FROM escalations"))
    assert row == {"reason": "help_now", "category": None}


def _update(kind: str, message: dict) -> dict:
    base = {
        "message_id": 5,
        "date": 0,
        "chat": {"id": 9109, "type": "private"},
        "from": {"id": 9109, "is_bot": False, "first_name": "M"},
    }
    return {"update_id": 1, kind: {**base, **message}}


@pytest.mark.parametrize(
    "kind,message,event_kind,text",
    [
        ("message", {**PHOTO, "caption": "I want to kill myself"}, "unsupported", "I want to kill myself"),
        ("message", {**VOICE, "caption": "no quiero vivir"}, "unsupported", "no quiero vivir"),
        ("message", dict(PHOTO), "unsupported", ""),
        ("edited_message", {**DOCUMENT, "caption": "I took all my pills", "edit_date": 1}, "edited", "I took all my pills"),
    ],
)
def test_captions_reach_the_screen_as_the_events_text(kind, message, event_kind, text):
    from telegram import Bot, Update

    from bot.convert import to_event

    update = Update.de_json(_update(kind, message), Bot("1:x"))
    ev = to_event(update)
    assert (ev.kind, ev.text) == (event_kind, text)


@pytest.mark.parametrize("lang,text", [("es", "estoy cansada de todo"), ("en", "im so overwhelmed and tired of everything")])
def test_offer_of_a_volunteer_for_words_of_distress_carries_988_too(lang, text):
    core = core_with(lambda t: NOTHING)  # the screen let it through; the harm screen offers a person
    chat = Chat(core)
    chat.join(lang)
    chat.command("cancel")
    said = texts(chat.say(text))
    assert "988" in said
