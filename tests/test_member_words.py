"""The member's words: clinics found through a town say so, "not sure" and unknown places get the list,
greetings and emoji get a human answer, a past offered date is checked, counts are plural-right."""

from __future__ import annotations

from dialogs.catalog import Catalog
from dialogs.plurals import counted
from tests.flows import consent


async def to_clinic_question(member, lang="en"):
    await consent(member, lang)
    await member.tap("Individual therapy" if lang == "en" else "Terapia individual")
    await member.tap("Yesterday" if lang == "en" else "Ayer")


async def test_a_clinic_found_through_a_town_says_which_town(running_bot):
    member = running_bot.standin.user(9301)
    await to_clinic_question(member)
    reply = await member.ask("harber city")
    assert "South Bay" in reply.text and "the one in Harbor City" in reply.text
    assert "South Bay — in Harbor City" in reply.labels()
    picked = await member.tap("South Bay — in Harbor City")
    assert "How did you find out" in picked.text or picked.buttons


async def test_an_unknown_place_is_met_kindly_with_the_list(running_bot):
    member = running_bot.standin.user(9302)
    await to_clinic_question(member)
    reply = await member.ask("pasadena")
    assert "couldn't find “pasadena”" in reply.text and "It's not listed" in reply.text
    assert "It's not listed" in reply.labels()  # the prompt names the button as it reads
    listing = await member.tap("Show me the list")
    assert {"Fontana", "South Bay", "It's not listed"} <= set(listing.labels())


async def test_not_sure_at_the_clinic_question_offers_the_list_and_is_never_saved_as_the_clinic(running_bot):
    member = running_bot.standin.user(9303)
    await to_clinic_question(member)
    listing = await member.ask("I'm not sure")
    assert "Here are the clinics I know" in listing.text and "It's not listed" in listing.labels()
    await member.tap("It's not listed")
    row = next(running_bot.db.query("SELECT facility_id, facility_text FROM cases"))
    assert row == {"facility_id": None, "facility_text": None}


async def test_no_se_in_spanish_offers_the_list(running_bot):
    member = running_bot.standin.user(9304, language_code="es")
    await to_clinic_question(member, "es")
    listing = await member.ask("no sé")
    assert "Estas son las clínicas que conozco" in listing.text and "No está en la lista" in listing.labels()


async def test_hola_gets_a_greeting_and_the_menu(running_bot):
    member = running_bot.standin.user(9305, language_code="es")
    await consent(member, "es")
    await member.ask("/cancel")
    reply = await member.ask("hola")
    assert reply.text.startswith("¡Hola!") and any("Reportar" in label for label in reply.labels())


async def test_hi_gets_a_greeting_and_the_menu(running_bot):
    member = running_bot.standin.user(9306)
    await consent(member)
    await member.ask("/cancel")
    reply = await member.ask("Hi!")
    assert reply.text.startswith("Hi! 👋") and any("Report a canceled appointment" in label for label in reply.labels())


async def test_thanks_gets_a_kind_word_not_an_unsure_answer(running_bot):
    member = running_bot.standin.user(9308)
    await consent(member)
    await member.ask("/cancel")
    reply = await member.ask("thanks!")
    assert reply.text.startswith("You're welcome") and "reliable answer" not in reply.text
    spanish = running_bot.standin.user(9309, language_code="es")
    await consent(spanish, "es")
    await spanish.ask("/cancel")
    reply = await spanish.ask("muchas gracias")
    assert reply.text.startswith("Con gusto") and "respuesta confiable" not in reply.text


async def test_emoji_alone_get_a_kind_line_and_the_menu(running_bot):
    member = running_bot.standin.user(9307)
    await consent(member)
    await member.ask("/cancel")
    await member.send("😢😢😢")
    said = await member.settle()
    texts = " ".join(m.text for m in said[-2:])
    assert "Thank you for that" in texts and "couldn't find any words" not in texts
    assert any("Report a canceled appointment" in label for label in member.last.labels())


async def test_an_offered_date_in_the_past_is_checked_with_the_member(running_bot):
    member = running_bot.standin.user(9308)
    await to_clinic_question(member)
    await member.ask("Fontana")
    await member.tap("Phone call")
    await member.tap("A new appointment")
    check = await member.ask("last Monday")
    assert "has already passed" in check.text and "Yes, that date" in check.labels()
    again = await member.tap("Change the date")
    assert "Tomorrow" in " ".join(again.labels())
    await member.ask("last Monday")
    urgency = await member.tap("Yes, that date")
    assert any("soon" in label for label in urgency.labels())


def test_counts_are_plural_right_in_both_languages():
    catalog = Catalog.load()
    assert counted(catalog, "en", "days", 1) == "1 day" and counted(catalog, "en", "days", 36) == "36 days"
    assert counted(catalog, "es", "days", 1) == "1 día" and counted(catalog, "es", "cases", 2) == "2 casos"
    assert "{rows} cases" not in catalog.raw("en", "organizers.export_caption")
