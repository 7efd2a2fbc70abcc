"""The organizers' daily monitoring report as text: short lines for a phone, English or Spanish.

The numbers come from storage/clinic_report.py (`build_report`); this module only words them.
What counts, and how small counts are hidden in a public report, is described there.
Cutting the text into Telegram-sized messages is bot/message_split.py's job.
"""

from __future__ import annotations

import html

from knowledge.dates import format_date, format_short_date
from storage.clinic_report import Report

__all__ = ["render_report_text"]


# Organizer-facing words (not member-facing: the member catalogs live in dialogs/locales/).
_WORDS = {
    "en": {
        "title": "{plan} strike monitor · {date}",
        "days": "{n} days",
        "min": "{n} min",
        "reported": "Cancellations reported: {today} today, {total} in total",
        "open": "Open: {open} · past the deadline: {past}",
        "rescheduled": "Rescheduled within the deadline: {n}",
        "oon": "Offered out-of-network: {n}",
        "restored": "Care restored: {n} · median {median}",
        "escalations": "Escalations open: {n}",
        "claim": "Median time to claim: {median}\n  ({n} claimed {first}–{last})",
        "claim_none": "No escalation claimed {first}–{last}",
        "unreachable": "Members unreachable (blocked the bot): {n}",
        "by_clinic": "By clinic (most past the deadline first)",
        "no_clinic": "No reports yet.",
        "clinic_1": "  open {open} · past deadline {past}",
        "clinic_2": "  new today {today} · total {total} · out-of-network {oon}",
        "clinic_3": "  rescheduled in time {rescheduled} · restored {restored} (median {median})",
        "not_listed": "Not on the list",
        "funnel": "Where reports come from\n(started → reported → complaint sent → care restored)",
        "no_link": "No link",
        "all": "every filed report,\nshared with organizers or not",
        "shared": "only reports\nmembers agreed to share",
        "scope": "Counts include {scope}, as of the end of the day.\nNo one is shown individually.",
        "public": "Public version: counts from 1 to {m} show as <{n}.",
    },
    "es": {
        "title": "Monitor de la huelga de {plan} · {date}",
        "days": "{n} días",
        "min": "{n} min",
        "reported": "Cancelaciones reportadas: {today} hoy, {total} en total",
        "open": "Abiertos: {open} · pasado el plazo: {past}",
        "rescheduled": "Nueva cita dentro del plazo: {n}",
        "oon": "Ofrecida atención fuera de la red: {n}",
        "restored": "Atención restablecida: {n} · mediana {median}",
        "escalations": "Escalamientos abiertos: {n}",
        "claim": "Mediana hasta que alguien lo toma: {median}\n  ({n} tomados {first}–{last})",
        "claim_none": "Ningún escalamiento tomado {first}–{last}",
        "unreachable": "Miembros inalcanzables (bloquearon el bot): {n}",
        "by_clinic": "Por clínica (más casos pasados de plazo primero)",
        "no_clinic": "Aún no hay reportes.",
        "clinic_1": "  abiertos {open} · pasado el plazo {past}",
        "clinic_2": "  nuevos hoy {today} · total {total} · fuera de la red {oon}",
        "clinic_3": "  nueva cita a tiempo {rescheduled} · restablecidos {restored} (mediana {median})",
        "not_listed": "No está en la lista",
        "funnel": "De dónde vienen los reportes\n(inicios → reportes → quejas enviadas → atención restablecida)",
        "no_link": "Sin enlace",
        "all": "todos los reportes presentados,\ncompartidos o no con los organizadores",
        "shared": "solo los reportes\nque los miembros aceptaron compartir",
        "scope": "Los números incluyen {scope}, al final del día.\nNadie aparece individualmente.",
        "public": "Versión pública: los números de 1 a {m} aparecen como <{n}.",
    },
}


def render_report_text(report: Report, lang: str = "en", *, for_html: bool = True) -> str:
    """The report as short plain-text lines for a phone. With `for_html` (Telegram, parse_mode=HTML) every
    value is HTML-escaped, "<5" included; without it (a .txt file, the terminal) the text is left as it is."""
    w = _WORDS.get(lang, _WORDS["en"])
    esc = html.escape if for_html else (lambda text: text)

    def s(n: int | None) -> str:
        return esc(report.shown(n))

    t = report.totals

    def median(value: float | None, n: int, unit: str) -> str:
        shown = report.shown_median(value, n)
        return shown if shown == "–" else w[unit].format(n=shown)

    out = [
        w["title"].format(plan=esc(report.plan_short), date=format_date(report.day, lang, year=True)),
        "",
        w["reported"].format(today=s(report.reported_today), total=s(report.reported_total)),
        w["open"].format(open=s(t.open), past=s(t.open_past_deadline)),
        w["rescheduled"].format(n=s(t.rescheduled_within_deadline)),
        w["oon"].format(n=s(t.offered_out_of_network)),
        w["restored"].format(n=s(t.restored), median=median(t.median_days_to_restored, t.restored, "days")),
        w["escalations"].format(n=s(report.escalations_open)),
    ]
    first, last = (format_short_date(d, lang) for d in report.claim_period)
    if report.escalations_claimed:
        out.append(
            w["claim"].format(
                median=median(report.median_minutes_to_claim, report.escalations_claimed, "min"),
                n=s(report.escalations_claimed),
                first=first,
                last=last,
            )
        )
    else:
        out.append(w["claim_none"].format(first=first, last=last))
    out.append(w["unreachable"].format(n=s(report.members_unreachable)))
    out += ["", w["by_clinic"]]
    if not report.facilities:
        out.append(w["no_clinic"])
    for f in report.facilities:
        out += [
            "",
            esc(f.name if f.facility_id else w["not_listed"]),
            w["clinic_1"].format(open=s(f.open), past=s(f.open_past_deadline)),
            w["clinic_2"].format(today=s(f.reported_today), total=s(f.reported_total), oon=s(f.offered_out_of_network)),
            w["clinic_3"].format(
                rescheduled=s(f.rescheduled_within_deadline),
                restored=s(f.restored),
                median=median(f.median_days_to_restored, f.restored, "days"),
            ),
        ]
    if report.funnel:
        out += ["", w["funnel"]]
        for line in report.funnel:
            label = esc(line.label) if line.code is not None else w["no_link"]
            out.append(f"{label}: " + " → ".join(s(n) for n in (line.started, line.reported, line.complaint_sent, line.restored)))
    out += ["", w["scope"].format(scope=w["shared"] if report.shared_only else w["all"])]
    if report.public:
        out.append(esc(w["public"].format(m=report.small_count - 1, n=report.small_count)))
    return "\n".join(out) + "\n"
