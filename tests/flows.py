"""Member journeys used by several tests."""

from __future__ import annotations

import re

from bot.standin import FakeUser, Sent

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
    for label in ("Phone call", "Nothing", urgency, "Skip", "Yes, share it", "No, thanks"):
        await member.tap(label)
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
    for label in ("Llamada", "Nada", "Necesito atención pronto", "Omitir", "Sí, compártalo", "No, gracias"):
        await member.tap(label)
    await member.press("Confirmar y enviar")
    await member.settle()
