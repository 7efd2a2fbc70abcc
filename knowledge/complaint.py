"""The member's tailored rights and the complaint (formal grievance) text.

The words live in ``templates/rights.toml`` and ``templates/complaint.toml``
(``[en]`` and ``[es]`` tables of named strings with ``{placeholders}``); this
module only chooses which strings apply to a case and fills them in. Output is
plain text: the bot escapes it. Dates come from ``knowledge.dates`` in the
member's language; the English filing copy always uses English dates.

The rights come in three sizes for a phone: ``rights_headline`` (the one date
that matters and what to do next: the first message after filing),
``rights_brief`` (a short list) and ``rights_summary`` (the full text, on a tap).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from knowledge import languages
from knowledge.campaign import Campaign
from knowledge.dates import format_date, format_time
from knowledge.deadlines import CaseFacts, Deadline, offer_unusable

TEMPLATES_DIR = Path(__file__).parent / "templates"
LANGS = languages.CODES


@dataclass(frozen=True)
class Complaint:
    lang: str  # the member's language ("en" | "es")
    plan: str  # the plan's short name, e.g. "Kaiser"
    reference: str  # the carebot case reference, e.g. "KP-7F3K2"
    subject: str  # in the member's language
    body: str  # in the member's language
    subject_en: str  # the English filing copy's subject
    body_en: str  # the English filing copy (== body for English members)
    how_to_send: str  # in the member's language
    send_brief: str = ""  # the two or three ways to send it, in one short paragraph


@cache
def load_templates(name: str) -> dict[str, dict[str, str]]:
    """One template file ("rights" or "complaint") as {table: {key: text}}."""
    with open(TEMPLATES_DIR / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


def _lang(lang: str | None) -> str:
    base = (lang or "en").split("-")[0].split("_")[0].lower()
    return base if base in LANGS else languages.DEFAULT


class _Text:
    """Fills one template file's strings for one language and one case."""

    def __init__(self, name: str, lang: str, values: dict[str, str]) -> None:
        self.table = load_templates(name)[lang]
        self.values = values

    def __call__(self, key: str, **extra: str) -> str:
        return self.table[key].format_map({**self.values, **extra})


def _values(
    facts: CaseFacts, deadline: Deadline, campaign: Campaign, lang: str, *, documents: bool, late_on: date | None = None
) -> dict[str, str]:
    """The placeholder values for this case. Documents always show the year. A complaint sent after the
    deadline (`late_on`) is dated that day."""

    def day(d: date) -> str:
        if documents:
            return format_date(d, lang, year=True)
        return format_date(d, lang, today=facts.reported_on)

    tz = campaign.tz
    values = dict(load_templates("rights").get("common", {}))
    values.update(
        plan=campaign.plan_short,
        plan_name=campaign.plan_name,
        portal_name=campaign.portal_name,
        portal=campaign.portal_complaint_path_es if lang == "es" else campaign.portal_complaint_path,
        member_services=campaign.phone("member_services"),
        tty=campaign.phone("member_services_tty"),
        medi_cal=campaign.phone("member_services_medi_cal"),
        medicare=campaign.phone("member_services_medicare"),
        mh_line=campaign.phone("mental_health_24_7"),
        days=str(deadline.business_days or ""),
        due=day(deadline.due_date),
        start=day(deadline.clock_start),
        today=day(late_on or facts.reported_on),
        appt_date=day(facts.appt_date),
        facility=facts.facility_name or "",
    )
    if deadline.due_at is not None:
        values["due_time"] = format_time(deadline.due_at.astimezone(tz), lang)
    if facts.reported_at is not None:
        values["start_time"] = format_time(facts.reported_at.astimezone(tz), lang)
    if facts.offered_date is not None:
        values["offered_date"] = day(facts.offered_date)
    values["skipped"] = "; ".join(day(d) for d in deadline.holidays_skipped)
    return values


def _offer_noun_key(facts: CaseFacts) -> str:
    return f"offer_noun_{facts.offered}"


def rights_headline(facts: CaseFacts, deadline: Deadline, campaign: Campaign, lang: str) -> str:
    """The one date that matters and what to do next: two sentences for the first message after filing."""
    lang = _lang(lang)
    t = _Text("rights", lang, _values(facts, deadline, campaign, lang, documents=False))
    if deadline.is_urgent:
        when = t("headline_urgent" if deadline.due_at else "headline_urgent_no_time")
        return f"{when}\n{t('next_headline_urgent')}"
    return f"{t(f'headline_{deadline.standard}')}\n{t('next_headline')}"


def rights_brief(facts: CaseFacts, deadline: Deadline, campaign: Campaign, lang: str) -> str:
    """What the plan owes this member, as a few short lines; the full text is rights_summary."""
    lang = _lang(lang)
    t = _Text("rights", lang, _values(facts, deadline, campaign, lang, documents=False))
    lines: list[str] = []
    if deadline.is_urgent:
        lines += [t("brief_urgent"), t("brief_urgent_routes")]
    elif deadline.standard == "mental_health_15bd":
        lines.append(t("brief_mental_health_15bd"))
    else:
        lines.append(t("brief_business_days"))
        if deadline.standard == "followup_10bd":
            lines.append(t("brief_followup"))
    lines += _offer_lines(t, facts, deadline, "brief_offer")
    lines += [t("brief_out_of_network"), t("brief_strike")]
    if deadline.is_urgent:
        lines.append(t("brief_crisis"))
    return "\n".join(lines)


def _offer_lines(t, facts: CaseFacts, deadline: Deadline, key: str) -> list[str]:
    """What the rights say about what was offered (`key` picks the short or the full wording): a date that
    had passed or came before the canceled appointment, one in time or late, or being told to wait."""
    unusable = offer_unusable(facts)
    if unusable:
        return [t(f"{key}_{unusable}", offer_noun=t(_offer_noun_key(facts)))]
    if deadline.offer_within_deadline is not None:
        when = "in_time" if deadline.offer_within_deadline else "late"
        return [t(f"{key}_{when}", offer_noun=t(_offer_noun_key(facts)))]
    if facts.offered == "wait":
        return [t(f"{key}_wait")]
    return []


def rights_summary(facts: CaseFacts, deadline: Deadline, campaign: Campaign, lang: str) -> str:
    """What the plan owes this member and by when, in full, with the counting convention and sources.

    Shown on a tap, possibly days after filing, so it names dates rather than "today"."""
    lang = _lang(lang)
    t = _Text("rights", lang, _values(facts, deadline, campaign, lang, documents=False))
    paragraphs: list[str] = []

    if deadline.is_urgent:
        paragraphs.append(t("standard_urgent" if deadline.due_at else "standard_urgent_no_time"))
    else:
        paragraphs.append(t(f"standard_{deadline.standard}"))
        counting = t("counting")
        if deadline.holidays_skipped:
            counting = f"{counting} {t('counting_skipped')}"
        paragraphs.append(counting)

    paragraphs += _offer_lines(t, facts, deadline, "offer")

    if deadline.is_urgent:
        paragraphs.append(t("urgent_routes"))
        paragraphs.append(f"{t('out_of_network')} {t('strike')}")
        step = t("next_step_urgent")
        if campaign.phone("mental_health_24_7"):
            step = f"{step} {t('mh_line')}"
        paragraphs.append(step)
        paragraphs.append(t("crisis"))
        paragraphs.append(t("sources_urgent"))
    else:
        more = [t("out_of_network")]
        if deadline.standard == "followup_10bd":
            more.append(t("followup_sb221"))
        more += [t("exception"), t("strike")]
        paragraphs.append(" ".join(more))
        paragraphs.append(t("next_step"))
        paragraphs.append(t("sources"))
    return "\n\n".join(paragraphs)


def _subject_and_body(
    facts: CaseFacts, deadline: Deadline, campaign: Campaign, lang: str, reference: str, late_on: date | None = None
) -> tuple[str, str]:
    table = load_templates("complaint")[lang]
    values = _values(facts, deadline, campaign, lang, documents=True, late_on=late_on)
    values.update(
        reference=reference,
        facility=facts.facility_name or table["facility_unknown"],
        kind=table[f"kind_{facts.kind}"],
        provider=table[f"provider_{facts.kind}"],
    )
    t = _Text("complaint", lang, values)

    what = [t("canceled")]
    if facts.notified and f"notified_{facts.notified}" in t.table:
        what.append(t(f"notified_{facts.notified}"))
    if facts.offered in ("new_appt", "out_of_network"):
        unusable = offer_unusable(facts)
        if unusable:
            what.append(t(f"offered_{facts.offered}_{unusable}"))
        else:
            what.append(t(f"offered_{facts.offered}" if facts.offered_date else f"offered_{facts.offered}_undated"))
        if deadline.offer_within_deadline is False and not unusable:
            what.append(t("offer_late"))
    else:
        what.append(t(f"offered_{facts.offered}"))

    if deadline.is_urgent:
        if deadline.due_at is not None and facts.reported_at is not None:
            when, ask = t("when_urgent"), t("request_appointment_urgent")
        else:
            when, ask = t("when_urgent_no_time"), t("request_appointment_urgent_no_time")
    else:
        when, ask = t("when_business_days"), t("request_appointment")
    if late_on is not None:  # the deadline passed without care: ask for it now, dated today
        # Something was offered (and said above): "still waiting to be seen", not "never offered one".
        offered = facts.offered in ("new_appt", "out_of_network")
        when, ask = t("when_passed_offered" if offered else "when_passed"), t("request_appointment_now")
    law = [t(f"standard_{deadline.standard}"), t("strike"), when]

    requests = [t("request_intro"), ask, t("request_out_of_network"), t("request_written")]

    paragraphs = [
        t("salutation"),
        t("intro"),
        t("member_lines"),
        " ".join(what),
        " ".join(law),
        t("reschedule"),
        "\n".join(requests),
    ]
    if deadline.is_urgent:
        paragraphs.append(t("request_urgent"))
    paragraphs += [t("reference"), t("closing")]
    return t("subject"), "\n\n".join(paragraphs)


def _how_to_send(facts: CaseFacts, deadline: Deadline, campaign: Campaign, lang: str, late_on: date | None = None) -> str:
    t = _Text("complaint", lang, _values(facts, deadline, campaign, lang, documents=False, late_on=late_on))
    lines = [t("send_title")]
    if late_on is not None:
        lines.append(t("send_late"))
    elif deadline.is_urgent and facts.reported_at is not None:
        lines.append(t("send_now_urgent"))
    else:
        lines.append(t("send_today"))
    if campaign.phone("member_services"):
        phone = t("send_phone")
        if campaign.phone("member_services_medi_cal") and campaign.phone("member_services_medicare"):
            phone = f"{phone} {t('send_phone_other')}"
        lines.append(phone)
    if campaign.portal_complaint_path:
        lines.append(t("send_online"))
    lines.append(t("send_writing"))
    lines.append(t("send_dmhc"))
    return "\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:-1]) + "\n\n" + lines[-1]


def _send_brief(facts: CaseFacts, deadline: Deadline, campaign: Campaign, lang: str) -> str:
    t = _Text("complaint", lang, _values(facts, deadline, campaign, lang, documents=False))
    ways = []
    if campaign.phone("member_services"):
        ways.append(t("send_brief_phone"))
    if campaign.portal_complaint_path:
        ways.append(t("send_brief_online"))
    ways.append(t("send_brief_blanks"))
    return " ".join(ways)


def complaint_text(
    facts: CaseFacts, deadline: Deadline, campaign: Campaign, lang: str, reference: str, *, late_on: date | None = None
) -> Complaint:
    """The complaint in the member's language, its English filing copy, and how to send it.

    With `late_on` (the legal deadline has passed without care) it is dated that day, says the deadline
    passed, and asks for an appointment now."""
    lang = _lang(lang)
    subject, body = _subject_and_body(facts, deadline, campaign, lang, reference, late_on)
    if lang == "en":
        subject_en, body_en = subject, body
    else:
        subject_en, body_en = _subject_and_body(facts, deadline, campaign, "en", reference, late_on)
    return Complaint(
        lang=lang,
        plan=campaign.plan_short,
        reference=reference,
        subject=subject,
        body=body,
        subject_en=subject_en,
        body_en=body_en,
        how_to_send=_how_to_send(facts, deadline, campaign, lang, late_on),
        send_brief=_send_brief(facts, deadline, campaign, lang),
    )


def complaint_document(complaint: Complaint) -> bytes:
    """A plain UTF-8 text file: the member's complaint, the English copy (when
    the member's language isn't English), then how to send it."""
    table = load_templates("complaint")[complaint.lang]
    values = {"plan": complaint.plan, "reference": complaint.reference}
    rule = "=" * 60

    def section(title: str, subject: str, body: str) -> str:
        return f"{title}\n{rule}\n{table['doc_subject']} {subject}\n\n{body}\n"

    parts = [table["doc_title"].format_map(values) + "\n"]
    parts.append(section(table["doc_letter"], complaint.subject, complaint.body))
    if complaint.lang != "en":
        parts.append(section(table["doc_english_copy"].format_map(values), complaint.subject_en, complaint.body_en))
    parts.append(complaint.how_to_send + "\n")
    return "\n\n".join(parts).encode("utf-8")
