"""The organizers' daily monitoring report as text: short lines for a phone, English or Spanish.

The numbers come from storage/clinic_report.py (`build_report`); this module only words them, with the
words of the catalogs' [monitor] tables (dialogs/locales/en.toml, es.toml).
What counts, and how small counts are hidden in a public report, is described there.
Cutting the text into Telegram-sized messages is bot/message_split.py's job.
"""

from __future__ import annotations

import functools
import html

from dialogs.catalog import Catalog
from knowledge.dates import format_date, format_short_date
from storage.clinic_report import Report

__all__ = ["render_report_text"]


@functools.lru_cache(maxsize=1)
def _shipped_catalog() -> Catalog:
    return Catalog.load()


def render_report_text(report: Report, lang: str = "en", *, for_html: bool = True, catalog: Catalog | None = None) -> str:
    """The report as short plain-text lines for a phone, in the words of the catalogs' [monitor] tables. With
    `for_html` (Telegram, parse_mode=HTML) every value is HTML-escaped, "<5" included; without it (a .txt file,
    the terminal) the text is left as it is."""
    words = catalog or _shipped_catalog()

    def w(key: str) -> str:  # unformatted: the values are escaped here, not by the catalog
        return words.raw(lang, f"monitor.{key}")

    esc = html.escape if for_html else (lambda text: text)

    def s(n: int | None) -> str:
        return esc(report.shown(n))

    t = report.totals

    def median(value: float | None, n: int, unit: str) -> str:
        shown = report.shown_median(value, n)
        return shown if shown == "–" else w(unit).format(n=shown)

    out = [
        w("title").format(plan=esc(report.plan_short), date=format_date(report.day, lang, year=True)),
        "",
        w("reported").format(today=s(report.reported_today), total=s(report.reported_total)),
        w("open").format(open=s(t.open), past=s(t.open_past_deadline)),
        w("rescheduled").format(n=s(t.rescheduled_within_deadline)),
        w("oon").format(n=s(t.offered_out_of_network)),
        w("restored").format(n=s(t.restored), median=median(t.median_days_to_restored, t.restored, "days")),
        w("escalations").format(n=s(report.escalations_open)),
    ]
    first, last = (format_short_date(d, lang) for d in report.claim_period)
    if report.escalations_claimed:
        out.append(
            w("claim").format(
                median=median(report.median_minutes_to_claim, report.escalations_claimed, "min"),
                n=s(report.escalations_claimed),
                first=first,
                last=last,
            )
        )
    else:
        out.append(w("claim_none").format(first=first, last=last))
    out.append(w("unreachable").format(n=s(report.members_unreachable)))
    out += ["", w("by_clinic")]
    if not report.facilities:
        out.append(w("no_clinic"))
    for f in report.facilities:
        out += [
            "",
            esc(f.name if f.facility_id else w("not_listed")),
            w("clinic_1").format(open=s(f.open), past=s(f.open_past_deadline)),
            w("clinic_2").format(today=s(f.reported_today), total=s(f.reported_total), oon=s(f.offered_out_of_network)),
            w("clinic_3").format(
                rescheduled=s(f.rescheduled_within_deadline),
                restored=s(f.restored),
                median=median(f.median_days_to_restored, f.restored, "days"),
            ),
        ]
    if report.funnel:
        out += ["", w("funnel")]
        for line in report.funnel:
            label = esc(line.label) if line.code is not None else w("no_link")
            out.append(f"{label}: " + " → ".join(s(n) for n in (line.started, line.reported, line.complaint_sent, line.restored)))
    out += ["", w("scope").format(scope=w("shared") if report.shared_only else w("all"))]
    if report.public:
        out.append(esc(w("public").format(m=report.small_count - 1, n=report.small_count)))
    return "\n".join(out) + "\n"
