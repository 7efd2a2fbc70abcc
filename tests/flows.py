"""Member journeys used by several tests."""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Mapping

from bot.standin import FakeUser, Sent
from dialogs.catalog import Catalog
from dialogs.engine import Dialog
from dialogs.report_steps import REPORT
from knowledge import report_fields
from knowledge.campaign import load_campaign

REF = re.compile(r"\b([A-Z]{2}-[2-9A-HJ-NP-Z]{5})\b")


def filed_message(member: FakeUser) -> Sent:
    """The message that confirms a filing (it carries the reference)."""
    for m in reversed(member.messages):
        if "Your report is filed" in m.text or "Su reporte quedó registrado" in m.text:
            return m
    raise LookupError("no filing confirmation in this chat")


def filed_ref(member: FakeUser) -> str:
    return REF.search(filed_message(member).text).group(1)


async def consent(member: FakeUser, lang: str = "en", start_args: str = "") -> None:
    """/start, pick a language, agree: the first question is on screen."""
    await member.command("start", start_args)
    await member.settle()
    await member.tap("English" if lang == "en" else "Español")
    await member.tap("I agree" if lang == "en" else "Acepto")


# A report's answers by step name, as the engine keeps them (a choice by its option, a date in ISO, a clinic by its id).
ANSWERS = {
    "kind": "individual",
    "appt_date": "2026-11-23",
    "facility": "fontana",
    "notified": "call",
    "offered": "nothing",
    "urgency": "soon",
    "note": None,
    "share": "yes",
    "contact": "no",
}


async def answer_report(
    member, core, answers: Mapping = ANSWERS, *, lang: str = "en", dialog: Dialog | None = None, from_step: str | None = None
) -> Sent:
    """Answer whatever step of the report comes next, by its kind, up to the summary (which it returns).

    `answers` are by step name (missing ones come from ANSWERS): a choice is tapped by its option's label, a date
    typed in ISO, a clinic typed by its name (None: "I'm not sure"; with `facility_text`: typed, then "not listed"),
    a text typed (None: Skip). The steps are the ones `dialog.path(answers)` walks (REPORT by default), so a step
    added to the table is answered too, once it has an answer here; `from_step` starts the walk there (the
    member answered the ones before). `core` gives the words and the clinics (None: the shipped ones, as a bot
    running in another process has them)."""
    dialog = dialog or REPORT
    answers = {**ANSWERS, **answers}
    catalog, campaign = (core.catalog, core.campaign) if core is not None else _shipped_words_and_clinics()
    path = dialog.path(answers)
    if from_step is not None:
        path = path[[s.name for s in path].index(from_step) :]
    for step in path:
        if step.kind == "summary":
            break
        if step.name not in answers:
            raise LookupError(
                f"no answer given for the report's step {step.name!r}: add one to ANSWERS in tests/flows.py (a new question?)"
            )
        value = answers[step.name]
        if step.kind == "choice":
            await member.tap(catalog.t(lang, f"choice.{step.name}.{value}"))
        elif step.kind == "date":
            await member.ask(value.isoformat() if isinstance(value, date) else value)
        elif step.kind == "facility":
            if value is not None:
                await member.ask(campaign.facility(value).name)
            elif answers.get("facility_text"):
                await member.ask(answers["facility_text"])
                await member.tap(catalog.t(lang, "facility.button_not_listed"))
            else:
                await member.tap(catalog.t(lang, "facility.button_unsure"))
        elif step.kind == "text":
            if value is None:
                await member.tap(catalog.t(lang, "button.skip"))
            else:
                await member.ask(value)
        else:
            raise ValueError(f"answer_report can't answer a {step.kind} step ({step.name})")
    return member.last


@functools.lru_cache(maxsize=1)
def _shipped_words_and_clinics():
    campaign = load_campaign()
    return Catalog.load(defaults={"plan": campaign.plan_short, "plan_name": campaign.plan_name}), campaign


# The steps the two typed walks below answer, in order (tests/test_report_path.py checks them against REPORT.path).
ENGLISH_WALK = ("kind", "appt_date", "facility", "notified", "offered", "urgency", "note", "share", "contact")
SPANISH_WALK = ("kind", "appt_date", "facility", "notified", "offered", "offered_date", "urgency", "note", "share", "contact")


async def report_in_english(member: FakeUser, *, note: str = "They canceled with no new date.") -> None:
    """A whole report in English, mixing buttons and typed answers, up to the summary."""
    await consent(member, "en")
    await member.tap("Individual therapy")
    await member.ask("last Monday")
    await member.ask("sunset")
    await member.tap("Los Angeles Medical Center")
    await member.tap("Phone call")
    await member.tap("Nothing")
    await member.tap("I need to be seen soon")
    await member.ask(note)
    await member.tap("Yes, share it")
    await member.tap("No, thanks")


async def report_in_spanish(member: FakeUser, *, note: str = "Me cancelaron y nadie me llamó.") -> None:
    """A whole report in Spanish, up to the summary."""
    await consent(member, "es")
    await member.tap("Psiquiatría / medicamentos")
    await member.ask("el martes pasado")
    await member.ask("harbor city")
    await member.tap("South Bay")
    await member.tap("Mensaje de texto")
    await member.tap("Una cita nueva")
    await member.ask("15 de diciembre")
    await member.tap("Es urgente")
    await member.ask(note)
    await member.tap("No, manténgalo privado")
    await member.tap("Sí, pueden")


async def file_case(
    member: FakeUser,
    *,
    urgency: str = "I need to be seen soon",
    kind: str = "Individual therapy",
    when: str = "Yesterday",
    clinic: str = "Fontana",
) -> str:
    """Consent and file a case in English with buttons; returns its reference."""
    await consent(member)
    await member.tap(kind)
    await member.tap(when)
    await member.ask(clinic)
    catalog, _ = _shipped_words_and_clinics()
    chosen = [o for o in report_fields.options("urgency") if catalog.t("en", f"choice.urgency.{o}") == urgency]
    if not chosen:
        raise LookupError(f"{urgency!r} is not one of the urgency question's buttons")
    # The rest as ANSWERS has it: a phone call, nothing offered, no note, shared, no contact.
    await answer_report(member, None, {"urgency": chosen[0]}, from_step="notified")
    await member.press("Confirm and file")
    await member.settle()
    return filed_ref(member)


async def file_case_in_spanish(
    member: FakeUser, *, kind: str = "Terapia individual", clinic: str = "Fontana", pick: str | None = None, start: bool = True
) -> None:
    """Consent (unless `start` is False: already a member) and file a case in Spanish with buttons."""
    if start:
        await consent(member, "es")
    else:
        await member.tap("Reportar una cita cancelada")
    await member.tap(kind)
    await member.tap("Ayer")
    await member.ask(clinic)
    if pick:
        await member.tap(pick)
    await answer_report(member, None, lang="es", from_step="notified")
    await member.press("Confirmar y enviar")
    await member.settle()
