"""The member's rights summary and complaint text, in English and Spanish."""

from __future__ import annotations

import itertools
import re
import string
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge.campaign import load_campaign
from knowledge.complaint import (
    Complaint,
    complaint_document,
    complaint_text,
    load_templates,
    rights_brief,
    rights_headline,
    rights_summary,
)
from knowledge.deadlines import KINDS, NOTIFIED, OFFERS, CaseFacts, compute_deadline

LA = ZoneInfo("America/Los_Angeles")
REF = "KP-7F3K2"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@pytest.fixture(scope="module")
def campaign():
    return load_campaign()


def case(
    kind="individual",
    urgency="can_wait",
    offered="nothing",
    offered_date=None,
    facility="Los Angeles Medical Center",
    reported_at=None,
    notified="call",
):
    # Canceled Wed Nov 18, 2026; reported Fri Nov 20: the 10-business-day
    # deadline is Tue Dec 8 (Thanksgiving and the day after skipped).
    return CaseFacts(
        kind=kind,
        urgency=urgency,
        appt_date=date(2026, 11, 18),
        reported_on=date(2026, 11, 20),
        offered=offered,
        offered_date=offered_date,
        facility_name=facility,
        reported_at=reported_at,
        notified=notified,
    )


def texts(facts, campaign, lang):
    deadline = compute_deadline(facts, campaign)
    c = complaint_text(facts, deadline, campaign, lang, REF)
    return rights_summary(facts, deadline, campaign, lang), c


def spaced(text: str) -> str:
    # CLDR puts a narrow no-break space before AM/PM; compare with a plain one.
    return text.replace("\u202f", " ")


def short_texts(facts, campaign, lang):
    """The first message's rights line and the brief list that follows it."""
    deadline = compute_deadline(facts, campaign)
    return rights_headline(facts, deadline, campaign, lang), rights_brief(facts, deadline, campaign, lang)


def all_text(rights: str, c: Complaint) -> str:
    return "\n".join([rights, c.subject, c.body, c.subject_en, c.body_en, c.how_to_send, c.send_brief])


def test_english_complaint_names_the_clinic_dates_law_and_reference(campaign):
    rights, c = texts(case(), campaign, "en")
    assert "Tuesday, December 8" in rights
    assert "counted from Friday, November 20, the day you reported" in rights
    for text in (c.body, c.body_en):
        assert "Los Angeles Medical Center" in text
        assert "individual therapy" in text
        assert "Wednesday, November 18, 2026" in text
        assert "Tuesday, December 8, 2026" in text
        assert "§1374.72" in text
        assert "§1367.03(a)(3)" in text
        assert "written response" in text
        assert REF in text
        assert "I was told by a phone call." in text
        assert "I have not been offered a new appointment." in text
    assert REF in c.subject
    assert c.body == c.body_en


def test_spanish_complaint_names_the_clinic_dates_law_and_reference(campaign):
    rights, c = texts(case(), campaign, "es")
    assert "martes, 8 de diciembre" in rights
    assert "contados desde el viernes, 20 de noviembre" in rights
    assert "Los Angeles Medical Center" in c.body
    assert "terapia individual" in c.body
    assert "miércoles, 18 de noviembre de 2026" in c.body
    assert "martes, 8 de diciembre de 2026" in c.body
    assert "§1374.72" in c.body
    assert "queja formal" in c.body.lower()
    assert REF in c.body and REF in c.subject
    assert "Departamento de Atención Médica Administrada de California" in c.how_to_send


def test_english_filing_copy_is_english_for_a_spanish_member(campaign):
    _, c = texts(case(offered="new_appt", offered_date=date(2026, 12, 10)), campaign, "es")
    assert c.body_en != c.body
    assert c.subject_en.startswith("Formal grievance")
    assert "Tuesday, December 8, 2026" in c.body_en
    assert "Thursday, December 10, 2026" in c.body_en
    assert "Los Angeles Medical Center" in c.body_en and REF in c.body_en
    for spanish in ("martes", "diciembre", "queja", "cita", "Presento"):
        assert spanish not in c.body_en


@pytest.mark.parametrize("lang", ["en", "es"])
def test_texts_leave_no_placeholder_unfilled(campaign, lang):
    rights, c = texts(case(offered="new_appt", offered_date=date(2026, 12, 10)), campaign, lang)
    assert not PLACEHOLDER.search(all_text(rights, c))


@pytest.mark.parametrize(
    "kind, urgency, offered, lang",
    list(itertools.product(KINDS, ["can_wait", "urgent"], OFFERS, ["en", "es"])),
)
def test_every_kind_of_case_renders_in_both_languages(campaign, kind, urgency, offered, lang):
    offered_date = date(2026, 12, 1) if offered in ("new_appt", "out_of_network") else None
    reported_at = datetime(2026, 11, 20, 9, 15, tzinfo=LA) if urgency == "urgent" else None
    facts = case(kind, urgency, offered, offered_date, reported_at=reported_at)
    rights, c = texts(facts, campaign, lang)
    text = all_text(rights, c) + "\n".join(short_texts(facts, campaign, lang))
    assert not PLACEHOLDER.search(text)
    assert "<" not in text and ">" not in text  # plain text: the bot escapes it
    assert REF in c.body and REF in c.body_en


@pytest.mark.parametrize("notified", NOTIFIED + (None,))
def test_every_way_of_learning_of_the_cancellation_renders(campaign, notified):
    for lang in ("en", "es"):
        _, c = texts(case(notified=notified), campaign, lang)
        assert not PLACEHOLDER.search(c.body + c.body_en)
        if notified:
            said = load_templates("complaint")[lang][f"notified_{notified}"]
            assert said.replace("{portal_name}", campaign.portal_name) in c.body


def test_urgent_case_gets_the_48_hour_standard_and_the_dmhc_at_once_route(campaign):
    f = case(urgency="urgent", reported_at=datetime(2026, 11, 20, 16, 30, tzinfo=LA))
    rights, c = texts(f, campaign, "en")
    assert "48 hours" in rights and "96 hours" in rights
    assert "4:30 PM on Sunday, November 22" in spaced(rights)
    assert "urgent grievance" in rights and "3 days" in rights
    assert "go to the DMHC now" in rights and "1-888-466-2219" in rights
    assert "911" in rights and "988" in rights
    assert "48 hours" in c.body and "urgent grievance" in c.body
    assert "4:30 PM on Sunday, November 22, 2026" in spaced(c.body)
    assert "at once" in c.how_to_send


def test_urgent_case_in_spanish_gets_the_48_hours_and_the_dmhc(campaign):
    f = case(urgency="urgent", reported_at=datetime(2026, 11, 20, 16, 30, tzinfo=LA))
    rights, c = texts(f, campaign, "es")
    assert "48 horas" in rights and "16:30 del domingo, 22 de noviembre" in rights
    assert "queja formal urgente" in rights
    assert "Departamento de Atención Médica Administrada de California (DMHC)" in rights
    assert "1-888-466-2219" in rights
    assert "48 horas" in c.body and "48 hours" in c.body_en


def test_urgent_case_without_a_report_time_gives_the_end_of_the_day(campaign):
    rights, c = texts(case(urgency="urgent"), campaign, "en")
    assert "by the end of Sunday, November 22" in rights
    assert not PLACEHOLDER.search(all_text(rights, c))


def test_non_urgent_case_does_not_claim_urgency(campaign):
    rights, c = texts(case(), campaign, "en")
    assert "48 hours" not in rights and "urgent grievance" not in c.body


def test_psychiatry_case_says_psychiatrist_and_fifteen_business_days(campaign):
    rights, c = texts(case(kind="psychiatry"), campaign, "en")
    assert "psychiatrist" in rights and "15 business days" in rights
    assert "Tuesday, December 15" in rights
    assert "15 business days" in c.body and "a psychiatrist" in c.body
    rights_es, c_es = texts(case(kind="psychiatry"), campaign, "es")
    assert "psiquiatra" in rights_es and "15 días hábiles" in rights_es
    assert "martes, 15 de diciembre" in rights_es


def test_therapy_case_mentions_the_sb221_follow_up_rule(campaign):
    rights, c = texts(case(kind="individual"), campaign, "en")
    assert "SB 221" in rights and "SB 221" in c.body
    rights_p, _ = texts(case(kind="psychiatry"), campaign, "en")
    assert "SB 221" not in rights_p


@pytest.mark.parametrize("offered", ["new_appt", "out_of_network"])
def test_offered_appointment_after_the_deadline_is_pointed_out(campaign, offered):
    f = case(offered=offered, offered_date=date(2026, 12, 10))
    rights, c = texts(f, campaign, "en")
    assert "Thursday, December 10" in rights and "after this deadline" in rights
    assert "later than the timely-access standard" in c.body
    rights_es, c_es = texts(f, campaign, "es")
    assert "después de este plazo" in rights_es
    assert "posterior a lo que permite" in c_es.body
    assert "later than the timely-access standard" in c_es.body_en


def test_offered_appointment_within_the_deadline_is_not_called_late(campaign):
    rights, c = texts(case(offered="new_appt", offered_date=date(2026, 12, 8)), campaign, "en")
    assert "within this deadline" in rights and "after this deadline" not in rights
    assert "later than" not in c.body


def test_complaint_leaves_blanks_for_name_and_member_number(campaign):
    _, c = texts(case(), campaign, "es")
    assert "[your name]" in c.body_en and "[your medical record number]" in c.body_en
    assert "[su nombre]" in c.body


def test_unknown_clinic_is_left_as_a_blank(campaign):
    _, c = texts(case(facility=None), campaign, "en")
    assert "[clinic name]" in c.body


def test_how_to_send_gives_phone_online_writing_and_dmhc(campaign):
    _, c = texts(case(), campaign, "en")
    h = c.how_to_send
    assert "1-800-464-4000" in h and "TTY 711" in h and "24 hours a day, 7 days a week" in h
    assert campaign.portal_complaint_path in h
    assert "In writing" in h
    assert "30 days" in h and "1-888-466-2219" in h and "1-877-688-9891" in h and "www.dmhc.ca.gov" in h
    _, c_es = texts(case(), campaign, "es")
    assert campaign.portal_complaint_path_es in c_es.how_to_send
    assert "30 días" in c_es.how_to_send and "TTY 711" in c_es.how_to_send


@pytest.mark.parametrize("lang", ["en", "es"])
def test_texts_promise_no_reimbursement(campaign, lang):
    rights, c = texts(case(offered="out_of_network", offered_date=date(2026, 12, 1)), campaign, lang)
    text = all_text(rights, c).lower()
    for word in ("reimburs", "repay", "refund", "reembols", "devolv"):
        assert word not in text


def test_spanish_texts_use_the_official_dmhc_name_not_the_nonstandard_one(campaign):
    rights, c = texts(case(urgency="urgent"), campaign, "es")
    assert "Departamento de Cuidado de Salud Administrado" not in all_text(rights, c)


def test_document_has_the_complaint_then_the_english_copy_then_how_to_send(campaign):
    _, c = texts(case(), campaign, "es")
    doc = complaint_document(c).decode("utf-8")
    spanish, english, send = doc.index(c.body), doc.index(c.body_en), doc.index(c.how_to_send)
    assert spanish < english < send
    assert "Copia en inglés" in doc
    assert not PLACEHOLDER.search(doc)


def test_english_document_holds_the_complaint_once(campaign):
    _, c = texts(case(), campaign, "en")
    doc = complaint_document(c).decode("utf-8")
    assert doc.count(c.body) == 1 and c.how_to_send in doc
    assert doc.index(c.body) < doc.index(c.how_to_send)


@pytest.mark.parametrize("name", ["rights", "complaint"])
def test_every_template_key_exists_in_both_languages(name):
    t = load_templates(name)
    assert set(t["en"]) == set(t["es"])


@pytest.mark.parametrize("name", ["rights", "complaint"])
def test_each_template_uses_the_same_placeholders_in_both_languages(name):
    t = load_templates(name)
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for key in t["en"]:
        assert fields(t["en"][key]) == fields(t["es"][key]), key


@pytest.mark.parametrize(
    "lang,passed,dated,asks",
    [
        (
            "en",
            "an appointment was due by Tuesday, December 8, 2026, and I still have not been offered one",
            "dated Friday, December 11, 2026",
            "1. Offer me an appointment with a therapist now.",
        ),
        (
            "es",
            "la cita debía ofrecerse a más tardar el martes, 8 de diciembre de 2026, y todavía no me han ofrecido ninguna",
            "con fecha del viernes, 11 de diciembre de 2026",
            "1. Me ofrezca ahora una cita con un terapeuta.",
        ),
    ],
)
def test_a_complaint_after_the_deadline_is_dated_today_says_it_passed_and_asks_for_care_now(campaign, lang, passed, dated, asks):
    facts = case()
    late = complaint_text(facts, compute_deadline(facts, campaign), campaign, lang, REF, late_on=date(2026, 12, 11))
    body = spaced(late.body)
    assert passed in body and dated in body and asks in body
    assert "on or before" not in late.body_en  # no promise dated in the past
    assert late.body_en.rstrip().endswith("Friday, December 11, 2026")
    assert "has passed" in late.how_to_send or "ya pasó" in late.how_to_send


# --- the short shape for a phone (issue 11) -------------------------------------


@pytest.mark.parametrize(
    "kind, due",
    [
        ("individual", "Tuesday, December 8"),
        ("intake", "Tuesday, December 8"),
        ("psychiatry", "Tuesday, December 15"),
        ("other", "Tuesday, December 15"),
    ],
)
def test_headline_is_the_one_date_and_the_next_step(campaign, kind, due):
    headline, _ = short_texts(case(kind=kind), campaign, "en")
    assert f"by {due}." in headline
    assert "Next: send Kaiser the complaint below today" in headline
    assert len(headline.split()) <= 35


def test_urgent_headline_has_the_hour_and_the_dmhc_at_once(campaign):
    headline, brief = short_texts(case(urgency="urgent", reported_at=datetime(2026, 11, 20, 16, 30, tzinfo=LA)), campaign, "en")
    assert "4:30 PM on Sunday, November 22" in spaced(headline)
    assert "DMHC" in headline and "at once" in headline and "1-888-466-2219" in headline
    assert "48 hours" in brief and "96 hours" in brief and "3 days" in brief and "911" in brief and "988" in brief


def test_spanish_headline_and_brief(campaign):
    headline, brief = short_texts(case(kind="psychiatry"), campaign, "es")
    assert "psiquiatra a más tardar el martes, 15 de diciembre" in headline and "envíe hoy a Kaiser" in headline
    assert "15 días hábiles" in brief and "médicamente necesaria" in brief and "huelga" in brief


def test_brief_keeps_every_rights_fact_short(campaign):
    _, brief = short_texts(case(kind="individual"), campaign, "en")
    assert "10 business days" in brief and "carebot counts them from today" in brief
    assert "within 10 business days of your last session" in brief  # SB 221
    assert "medically necessary care" in brief and "in-network cost" in brief
    assert "during a strike" in brief
    assert len(brief.split()) <= 90


@pytest.mark.parametrize(
    "offered, said",
    [
        ("new_appt", "The new appointment you were offered, on Thursday, December 10, is after this date"),
        ("wait", "Being told to wait doesn't change this date"),
    ],
)
def test_brief_says_what_the_offer_means(campaign, offered, said):
    offered_date = date(2026, 12, 10) if offered == "new_appt" else None
    _, brief = short_texts(case(offered=offered, offered_date=offered_date), campaign, "en")
    assert said in brief


def test_full_rights_present_the_count_as_carebots_convention_and_name_the_skipped_holidays(campaign):
    rights, _ = texts(case(), campaign, "en")
    assert "its own convention, not a rule from the law" in rights
    assert "Holidays skipped in your count: Thursday, November 26; Friday, November 27." in rights
    assert "California state holidays" not in rights
    assert "One exception: a wait can be longer" in rights and "only if" not in rights
    assert "medically necessary care" in rights
    rights_es, _ = texts(case(), campaign, "es")
    assert "convención propia" in rights_es and "jueves, 26 de noviembre; viernes, 27 de noviembre" in rights_es


def test_complaint_asks_for_out_of_network_care_only_as_medically_necessary_care(campaign):
    _, c = texts(case(), campaign, "es")
    assert "this medically necessary care" in c.body_en and "atención médicamente necesaria" in c.body


def test_send_brief_gives_the_phone_and_the_portal_in_one_short_paragraph(campaign):
    _, c = texts(case(), campaign, "en")
    assert "1-800-464-4000" in c.send_brief and "TTY 711" in c.send_brief and campaign.portal_complaint_path in c.send_brief
    assert len(c.send_brief.split()) <= 45
    _, c_es = texts(case(), campaign, "es")
    assert "texto en inglés" in c_es.send_brief


@pytest.mark.parametrize("offered", ["new_appt", "out_of_network"])
@pytest.mark.parametrize(
    "lang, waiting, never",
    [
        ("en", "I am still waiting to be seen", "have not been offered"),
        ("es", "todavía estoy esperando que me atiendan", "no me han ofrecido"),
    ],
)
def test_late_complaint_after_an_offer_does_not_say_nothing_was_offered(campaign, offered, lang, waiting, never):
    facts = case(offered=offered, offered_date=date(2026, 12, 6))
    late = complaint_text(facts, compute_deadline(facts, campaign), campaign, lang, REF, late_on=date(2026, 12, 11))
    assert waiting in late.body and never not in late.body
    assert "Sunday, December 6, 2026" in late.body_en and "still waiting to be seen" in late.body_en


def urgent_tonight_case(offered_date):
    # The tester's report: canceled tonight, Sat Dec 5; urgent; filed that evening.
    return CaseFacts(
        kind="individual",
        urgency="urgent",
        appt_date=date(2026, 12, 5),
        reported_on=date(2026, 12, 5),
        offered="new_appt",
        offered_date=offered_date,
        facility_name="sunset",
        reported_at=datetime(2026, 12, 5, 20, 0, tzinfo=LA),
    )


def test_member_told_a_past_offered_date_has_passed_and_not_within_the_deadline(campaign):
    f = urgent_tonight_case(date(2026, 11, 30))
    _, brief = short_texts(f, campaign, "en")
    rights, c = texts(f, campaign, "en")
    for text in (brief, rights):
        assert "within" not in text.replace("within 48 hours", "").replace("within 3 days", "")
        assert "Monday, November 30" in text and "already passed" in text and "reschedule" in text
    assert "I was offered" not in c.body
    assert "I was given a date, Monday, November 30, 2026, that had already passed; I still need an appointment." in c.body


def test_spanish_member_told_a_past_offered_date_has_passed(campaign):
    f = urgent_tonight_case(date(2026, 11, 30))
    _, brief = short_texts(f, campaign, "es")
    rights, c = texts(f, campaign, "es")
    for text in (brief, rights):
        assert "está dentro de" not in text and "ya había pasado" in text and "30 de noviembre" in text
    assert "Me ofrecieron" not in c.body and "ya había pasado; todavía necesito una cita" in c.body
    assert "that had already passed" in c.body_en


def test_offered_date_before_the_canceled_appointment_is_not_within(campaign):
    f = CaseFacts(
        kind="individual",
        urgency="can_wait",
        appt_date=date(2026, 12, 10),
        reported_on=date(2026, 12, 1),
        offered="new_appt",
        offered_date=date(2026, 12, 3),
        facility_name=None,
    )
    for lang in ("en", "es"):
        rights, c = texts(f, campaign, lang)
        _, brief = short_texts(f, campaign, lang)
        assert "within this" not in rights + brief and "dentro de este" not in rights + brief
    assert "before my canceled appointment" in c.body_en


def test_first_brief_bullet_names_the_plan(campaign):
    _, brief = short_texts(case(), campaign, "en")
    _, brief_es = short_texts(case(), campaign, "es")
    assert brief.startswith("• Kaiser has 10 business days:")
    assert brief_es.startswith("• Kaiser tiene 10 días hábiles:")
