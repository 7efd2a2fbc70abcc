"""Know your rights: answers from the cited knowledge base, the member's own deadline, the complaint, the crisis screen."""

from __future__ import annotations

import pytest

import re

from click.testing import CliRunner

from bot.cli import main
from knowledge.kb import load_knowledge_base
from tests.flows import consent, file_case, file_case_in_spanish

REF = re.compile(r"\b([A-Z]{2}-[2-9A-HJ-NP-Z]{5})\b")


@pytest.fixture
def running_bot(core_bot):
    """These tests are about the dialogs: they run on the core in-process (tests/core_chat.py)."""
    return core_bot


async def idle_member(bot, chat_id, lang="en"):
    """A member who agreed and then stopped the report: free text is a question now."""
    member = bot.standin.user(chat_id, "M", lang)
    await consent(member, lang)
    await member.ask("/cancel")
    return member


async def test_spanish_question_with_typos_and_no_accents_gets_the_right_article_with_its_source(running_bot):
    member = await idle_member(running_bot, 6001, "es")
    answer = await member.ask("si kaiser no me da sita a tiempo puedo ir con un terapeuta fuera de la red??")
    assert "Atención fuera de la red" in answer.text
    assert "1374.72" in answer.text or "fuera de la red" in answer.text
    assert "Fuente" in answer.text and "Revisado" in answer.text


async def test_english_question_gets_answer_first_and_more_detail_on_a_tap(running_bot):
    member = await idle_member(running_bot, 6002)
    answer = await member.ask("what do i say when i call them to ask for an outside therapist")
    assert answer.text.startswith("How to ask for out-of-network care")
    detail = await member.tap("More detail")
    assert "What you can say" in detail.text and "1374.72" in detail.text


async def test_question_the_bot_is_unsure_of_gets_three_topics_and_a_volunteer_not_a_guess(running_bot):
    member = await idle_member(running_bot, 6003)
    reply = await member.ask("purple elephant spaghetti")
    assert "I don't have a reliable answer" in reply.text
    labels = reply.labels()
    assert "🙋 Ask a volunteer" in labels
    assert len([b for row in reply.buttons for b in row if b["callback_data"].startswith("kb:")]) == 3


async def test_rights_menu_opens_topics_in_the_members_language(running_bot):
    member = await idle_member(running_bot, 6004, "es")
    menu = await member.ask("/rights")
    assert "Toque un tema" in menu.text
    assert "Plazos para darle una cita" in menu.labels()
    article = await member.tap("Plazos para darle una cita")
    assert "10 días hábiles" in article.text and "15" in article.text


def words(text: str) -> int:
    return len(re.sub(r"<[^>]+>", "", text).split())


async def test_filed_case_first_message_is_short_with_the_reference_the_date_and_what_to_do(running_bot):
    # Reported Tuesday, Nov 24, 2026: ten business days, skipping Thanksgiving and the day after.
    member = running_bot.standin.user(6005)
    await file_case(member)
    texts = [m.text for m in member.messages]
    first = next(i for i, t in enumerate(texts) if "Your report is filed" in t)
    filed = texts[first]
    ref = REF.search(filed).group(1)
    assert "Thursday, December 10" in filed and "Next: send Kaiser the complaint below today" in filed
    assert words(filed) < 80, words(filed)
    rights, complaint = member.messages[first + 1], member.messages[first + 2]
    assert "What Kaiser owes you" in rights.text and "10 business days" in rights.text
    assert "medically necessary care" in rights.text and "in-network cost" in rights.text
    assert "📜 Full rights and sources" in rights.labels()
    assert "1-800-464-4000" in complaint.text and "kp.org" in complaint.text
    assert {"📋 Show the text to copy", "📤 All the ways to send it", "✅ I sent it"} <= set(complaint.labels())
    document = next(m for m in member.messages if m.document)
    assert document.document["file_name"] == f"complaint-{ref}.txt"
    # Everything after the first message is brief: the long texts are one tap away.
    assert sum(words(t) for t in texts[first:]) < 300, [words(t) for t in texts[first:]]
    row = next(running_bot.db.query("SELECT deadline_standard, deadline_date FROM cases WHERE ref = ?", [ref]))
    assert row["deadline_date"] == "2026-12-10"


async def test_full_rights_complaint_text_and_ways_to_send_are_each_one_tap_away(running_bot):
    member = running_bot.standin.user(6017)
    ref = await file_case(member)
    full = await member.tap("📜 Full rights and sources")
    assert "on or before Thursday, December 10" in full.text and "counted from Tuesday, November 24" in full.text
    assert "its own convention" in full.text and "Thursday, November 26; Friday, November 27" in full.text
    assert "One exception" in full.text and "Sources: Health and Safety Code" in full.text
    text = await member.tap("📋 Show the text to copy")
    assert "1374.72" in text.text and "Fontana" in text.text and ref in text.text and "Monday, November 23" in text.text
    send = await member.tap("📤 All the ways to send it")
    assert "How to send your complaint" in send.text and "1-877-688-9891" in send.text
    done = await member.tap("✅ I sent it")
    assert "I noted that you sent your complaint" in done.text


async def test_spanish_member_gets_the_short_shape_and_both_texts_on_tap(running_bot):
    member = running_bot.standin.user(6018, "Luz", "es")
    await file_case_in_spanish(member)
    texts = [m.text for m in member.messages]
    first = next(i for i, t in enumerate(texts) if "Su reporte quedó registrado" in t)
    assert "a más tardar el" in texts[first] and "envíe hoy a Kaiser" in texts[first]
    assert words(texts[first]) < 80, words(texts[first])
    spanish = await member.tap("📋 Ver el texto para copiar")
    assert "Presento una queja formal" in spanish.text
    english = await member.tap("📋 Texto en inglés para enviar")
    assert "I am filing a formal grievance" in english.text
    full = await member.tap("📜 Todos sus derechos y las fuentes")
    assert "convención propia" in full.text and "médicamente necesaria" in full.text


async def test_a_rights_button_for_someone_elses_case_shows_nothing_of_it(telegram_bot):
    owner = telegram_bot.standin.user(6019)
    await file_case(owner)
    case_id = next(telegram_bot.db.query("SELECT id FROM cases WHERE status = 'open'"))["id"]
    other = await idle_member(telegram_bot, 6020)
    before = len(other.messages)
    # Callback data is not trusted: a forged button naming the owner's case, pressed in another chat.
    query = {
        "id": "cq-forged",
        "from": other.json(),
        "chat_instance": str(other.id),
        "data": f"rt:text:{case_id}",
        "message": other.server._message_json(other.messages[-1]),
    }
    await other._push({"callback_query": query})
    await other.settle()
    assert all("Fontana" not in m.text and "1374.72" not in m.text for m in other.messages[before:])


async def test_spanish_member_gets_complaint_in_spanish_and_an_english_filing_copy(telegram_bot):
    member = telegram_bot.standin.user(6006, "Luz", "es")
    await file_case_in_spanish(member, kind="Psiquiatría / medicamentos", clinic="harbor city", pick="South Bay")
    texts = "\n".join(m.text for m in member.messages)
    assert "15 días hábiles" in texts and "psiquiatra" in texts
    document = next(m for m in member.messages if m.document)
    assert "inglés" in document.text
    sent = next(p for method, p in telegram_bot.standin.calls if method == "sendDocument")
    content = sent["document"]["content"].decode("utf-8")
    assert "queja" in content.lower() and "Health and Safety Code" in content


async def test_urgent_case_gets_the_48_hour_standard_and_dmhc_at_once(running_bot):
    member = running_bot.standin.user(6007)
    await file_case(member, urgency="It's urgent", when="Today")
    texts = "\n".join(m.text for m in member.messages)
    assert "48 hours" in texts and "1-888-466-2219" in texts


async def test_crisis_phrase_in_the_middle_of_the_clinic_question_gets_help_at_once_then_goes_on(running_bot):
    member = running_bot.standin.user(6008, "Rosa", "es")
    await consent(member, "es")
    await member.tap("Terapia individual")
    await member.tap("Ayer")
    crisis = await member.ask("ya no aguanto mas, no quiero vivir")
    assert "988" in crisis.text and "911" in crisis.text and "AYUDA" in crisis.text
    assert "1-833-KP-WITH-U" in crisis.text
    assert "avisé a nuestro equipo" in crisis.text
    back = await member.tap("Seguir con mi reporte")
    assert "¿En qué clínica" in back.text
    row = next(running_bot.db.query("SELECT reason, priority, status FROM escalations"))
    assert (row["reason"], row["priority"], row["status"]) == ("crisis", 1, "open")
    # The step was kept: the member goes on where they were.
    nxt = await member.ask("Fontana")
    assert "¿Cómo se enteró" in nxt.text or "Cómo" in nxt.text


async def test_talk_about_coverage_is_not_a_crisis(running_bot):
    member = await idle_member(running_bot, 6009)
    before = len(member.messages)
    await member.ask("does kaiser cover therapy for suicidal thoughts")
    assert not any("Thank you for telling me" in m.text for m in member.messages[before:])
    assert list(running_bot.db.query("SELECT * FROM escalations")) == []


async def test_crisis_before_consent_gets_resources_and_stores_nothing(running_bot):
    member = running_bot.standin.user(6010, "X", "en")
    reply = await member.ask("i want to kill myself")
    assert "988" in reply.text and "911" in reply.text
    assert list(running_bot.db.query("SELECT * FROM members")) == []
    assert list(running_bot.db.query("SELECT * FROM escalations")) == []


async def test_second_trigger_raises_the_open_escalation_instead_of_opening_another(running_bot):
    member = await idle_member(running_bot, 6011)
    await member.ask("/volunteer")
    await member.ask("I took all my pills")
    rows = list(running_bot.db.query("SELECT reason, priority FROM escalations"))
    assert rows == [{"reason": "crisis", "priority": 1}]


async def test_question_typed_at_a_choice_step_is_answered_then_the_step_is_asked_again(running_bot):
    member = running_bot.standin.user(6012)
    await consent(member)
    await member.ask("how long can they make me wait for an appointment")
    article, reminder = member.messages[-2:]
    assert "business days" in article.text
    assert "What kind of appointment" in reminder.text


def test_kb_check_command_passes_on_the_shipped_knowledge_base():
    # The day the newest article was reviewed (checking on an earlier day would call it "in the future").
    newest = max(a.reviewed for a in load_knowledge_base().articles)
    result = CliRunner().invoke(main, ["kb", "check", "--today", newest.isoformat()])
    assert result.exit_code == 0, result.output
    assert "articles in English and Spanish" in result.output


async def test_someone_who_has_not_started_is_answered_in_the_language_they_wrote_and_nothing_is_stored(running_bot):
    member = running_bot.standin.user(6013, "X", "en")  # an English phone
    await member.ask("que pasa si no me dan cita a tiempo")
    article, hint = member.messages[-2:]
    assert "días hábiles" in article.text and "Fuente" in article.text
    assert "toque /start" in hint.text
    assert list(running_bot.db.query("SELECT * FROM members")) == []


async def test_short_answer_names_its_main_source_and_the_detail_lists_them_all(running_bot):
    member = await idle_member(running_bot, 6014)
    answer = await member.ask("how long do they have to give me an appointment")
    assert re.search(r"Source: .+ and \d+ more", answer.text)
    detail = await member.tap("More detail")
    assert "Sources: " in detail.text and "opa.ca.gov" in detail.text and "more ·" not in detail.text


async def test_a_stranger_with_an_unclear_question_gets_topics_but_no_member_buttons_and_a_greeting_gets_the_welcome(running_bot):
    stranger = running_bot.standin.user(6015, "X", "en")
    await stranger.ask("purple elephant spaghetti recipe")
    unsure, hint = stranger.messages[-2:]
    assert "I don't have a reliable answer" in unsure.text
    assert all(b["callback_data"].startswith("kb:") for row in unsure.buttons for b in row)
    assert "tap /start" in hint.text
    greeting = await stranger.ask("hello")
    assert "Choose your language" in greeting.text
    assert list(running_bot.db.query("SELECT * FROM members")) == []


async def test_typing_the_language_instead_of_tapping_it_chooses_it(running_bot):
    stranger = running_bot.standin.user(6016, "X", "en")
    await stranger.ask("/start")
    welcome = await stranger.ask("Español")
    assert "Soy carebot" in welcome.text and "✅ Acepto, empecemos" in welcome.labels()
    await stranger.tap("✅ Acepto, empecemos")
    assert "¿Qué tipo de cita" in stranger.messages[-1].text


# --- the member's language and the honest "not sure" (issue 11) ---------------------------


async def test_spanish_question_in_an_english_chat_is_answered_in_spanish_with_one_offer_to_switch(running_bot):
    member = await idle_member(running_bot, 6101)
    before = len(member.messages)
    await member.ask("cuantos dias tiene kaiser para resolver mi queja formal")
    answer, offer = member.messages[before:]
    assert answer.text.startswith("Queja formal ante el plan")
    assert "30 días" in answer.text.split("\n\n")[1]
    assert "📖 Más detalles" in answer.labels()
    assert "escriba en español" in offer.text and offer.labels() == ["Sí, en español por favor", "No, sigo en inglés"]
    # Asked again in Spanish: answered in Spanish, not offered again.
    before = len(member.messages)
    await member.ask("cual es el telefono del dmhc")
    again = member.messages[before:]
    assert len(again) == 1 and "1-888-466-2219" in again[0].text
    # Detail stays in the language of the answer.
    detail = await member.tap("Más detalles", message=again[0])
    assert "www.dmhc.ca.gov" in detail.text and "en línea" in detail.text
    # One tap switches the chat.
    switched = await member.tap("Sí, en español por favor", message=offer)
    assert any("español" in m.text for m in member.messages[-2:]) or "español" in switched.text
    menu = await member.ask("/rights")
    assert "Toque un tema" in menu.text


async def test_a_member_who_declines_the_language_offer_stays_in_their_language(running_bot):
    member = await idle_member(running_bot, 6102)
    await member.ask("cuantos dias tiene kaiser para resolver mi queja formal")
    offer = member.messages[-1]
    await member.tap("No, sigo en inglés", message=offer)
    menu = await member.ask("/rights")
    assert "Toque un tema" not in menu.text and "topic" in menu.text.lower()


async def test_question_in_a_third_language_gets_both_languages_and_a_person(running_bot):
    member = await idle_member(running_bot, 6102)
    reply = await member.ask("tôi bị hủy hẹn khám trị liệu, phải làm sao")
    assert "English or Spanish" in reply.text and "inglés o en español" in reply.text
    assert {"English", "Español", "🙋 Ask a volunteer"} <= set(reply.labels())


async def test_lawsuit_question_gets_not_sure_with_three_topics_and_a_volunteer_never_an_article(running_bot):
    member = await idle_member(running_bot, 6103)
    reply = await member.ask("can i sue kaiser for canceling my therapy")
    assert "I don't have a reliable answer to that" in reply.text
    assert "🙋 Ask a volunteer" in reply.labels()
    assert len([b for row in reply.buttons for b in row if b["callback_data"].startswith("kb:")]) == 3
    assert "Source" not in reply.text


async def test_answer_leads_with_the_fact_asked_for(running_bot):
    member = await idle_member(running_bot, 6104)
    answer = await member.ask("whats the dmhc website")
    first_paragraph = answer.text.split("\n\n")[1]
    assert "www.dmhc.ca.gov" in first_paragraph
    assert "Source" in answer.text and "Last reviewed" in answer.text


async def test_emoji_only_message_gets_a_kind_reply_not_an_article(running_bot):
    member = await idle_member(running_bot, 6105)
    before = len(member.messages)
    await member.ask("😢😢😢")
    replies = member.messages[before:]
    assert replies and all("Source" not in r.text for r in replies)
