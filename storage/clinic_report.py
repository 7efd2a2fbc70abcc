"""The daily monitoring report: numbers per clinic, the volunteer desk, unreachable members and the deep-link funnel.

What counts (the report text says so too):
- Every filed case counts, whether or not the member agreed to share it with
  the organizers: the report shows only anonymous counts, never a case. With
  `shared_only=True` only shared cases count.
- "As of the end of `day`" wherever the database keeps a date: cases filed by
  then (filing date in the campaign time zone), open then (not closed, or
  closed later), care restored by then, past the deadline then. New
  appointments, out-of-network offers, escalations and unreachable members are
  counted as they are now (no history is kept of them), so a report for a past
  day built later can differ a little from the one sent that day.
- Open: not closed at the end of `day` and care not restored by then.
  Open past the deadline: open, and the legal deadline is before `day`.
- Rescheduled within the deadline: a new appointment (reported at a check-in,
  offered at filing, or care restored) on or before the legal deadline; the
  same rule as the export's "met".
- Time to claim: median minutes from an escalation's creation to a volunteer
  claiming it, over escalations claimed in the 7 days ending `day`.
- Public (`public=True`): counts from 1 to small_count - 1 show as "<5" and
  medians over fewer than small_count cases are not shown; the dataclass keeps
  the raw numbers, hiding happens when rendering (`Report.shown`).
"""

from __future__ import annotations

import html
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from knowledge.campaign import Campaign
from knowledge.dates import format_date, format_short_date
from storage.export import LOCAL_DATE_FUNCTION, LocalDates, register_local_date

CLAIM_PERIOD_DAYS = 7
CHART_DAYS = 30
DEFAULT_DAILY_AT = time(18, 0)
DEFAULT_SMALL_COUNT = 5


@dataclass(frozen=True)
class ReportSchedule:
    daily_at: time  # in the campaign time zone
    small_count: int


def report_schedule(campaign: Campaign) -> ReportSchedule:
    """When the daily report goes out and the small-count threshold, from the campaign's [reports] table."""
    raw = campaign.raw.get("reports", {}) if campaign.raw else {}
    daily_at = raw.get("daily_at", DEFAULT_DAILY_AT)
    if isinstance(daily_at, str):
        daily_at = time.fromisoformat(daily_at)
    return ReportSchedule(daily_at=daily_at, small_count=int(raw.get("small_count", DEFAULT_SMALL_COUNT)))


@dataclass(frozen=True)
class FacilityLine:
    facility_id: str | None  # None: a clinic the member typed that is not on the campaign's list
    name: str
    reported_today: int = 0
    reported_total: int = 0
    open: int = 0
    open_past_deadline: int = 0
    rescheduled_within_deadline: int = 0
    offered_out_of_network: int = 0
    restored: int = 0
    median_days_to_restored: float | None = None  # over the `restored` cases


@dataclass(frozen=True)
class FunnelLine:
    code: str | None  # None: reports that came without a deep link
    label: str
    started: int | None  # /starts from the link; None when not counted (no link)
    reported: int
    complaint_sent: int
    restored: int


@dataclass(frozen=True)
class Report:
    day: date
    campaign_id: str
    plan_short: str
    public: bool
    small_count: int
    shared_only: bool
    reported_today: int
    reported_total: int
    totals: FacilityLine  # every clinic together
    facilities: tuple[FacilityLine, ...]  # active clinics, most open past the deadline first
    escalations_open: int  # open or claimed now
    escalations_claimed: int  # claimed within claim_period
    median_minutes_to_claim: float | None
    claim_period: tuple[date, date]  # first and last day, inclusive
    members_unreachable: int
    funnel: tuple[FunnelLine, ...]
    daily_reported: tuple[tuple[date, int], ...] = ()  # cancellations reported per day, for the chart
    days_to_restored: tuple[int, ...] = field(default=(), repr=False)  # one value per restored case, for the chart

    def shown(self, n: int | None) -> str:
        """A count as printed: '<5' for 1..small_count-1 in a public report, '–' when unknown."""
        if n is None:
            return "–"
        if self.public and 0 < n < self.small_count:
            return f"<{self.small_count}"
        return str(n)

    def shown_median(self, value: float | None, n: int) -> str:
        """A median as printed: hidden in a public report when it rests on fewer than small_count cases."""
        if value is None or (self.public and n < self.small_count):
            return "–"
        return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


@dataclass
class _Tally:
    reported_today: int = 0
    reported_total: int = 0
    open: int = 0
    past: int = 0
    rescheduled: int = 0
    oon: int = 0
    restored: int = 0
    days: list = field(default_factory=list)

    def line(self, facility_id, name) -> FacilityLine:
        return FacilityLine(
            facility_id=facility_id,
            name=name,
            reported_today=self.reported_today,
            reported_total=self.reported_total,
            open=self.open,
            open_past_deadline=self.past,
            rescheduled_within_deadline=self.rescheduled,
            offered_out_of_network=self.oon,
            restored=self.restored,
            median_days_to_restored=float(statistics.median(self.days)) if self.days else None,
        )


def _met(deadline: str | None, new_appt: str | None, offered: str | None, offered_date: str | None, restored: str | None) -> bool:
    if not deadline:
        return False
    return bool(
        (new_appt and new_appt <= deadline)
        or (offered == "new_appt" and offered_date and offered_date <= deadline)
        or (restored and restored <= deadline)
    )


def build_report(
    db: Database,
    campaign: Campaign,
    *,
    day: date,
    public: bool = False,
    small_count: int = DEFAULT_SMALL_COUNT,
    shared_only: bool = False,
) -> Report:
    """The monitoring numbers as of the end of `day` (campaign time zone); see the module docstring for what counts."""
    local = register_local_date(db, campaign.tz)
    day_iso = day.isoformat()
    chart_start = day - timedelta(days=CHART_DAYS - 1)
    if campaign.strike_start <= day:
        chart_start = max(chart_start, campaign.strike_start)
    per_day = {chart_start + timedelta(days=i): 0 for i in range((day - chart_start).days + 1)}
    chart_start_iso = chart_start.isoformat()
    names = {f.id: f.name for f in campaign.facilities}
    tallies: dict[str | None, _Tally] = {}
    total = _Tally()
    funnel: dict[str | None, list[int]] = {}  # code -> [reported, complaint_sent, restored]
    sql = (
        "SELECT facility_id, filed_at, status, closed_at, deadline_date, restored_on, new_appt_date, offered,"
        " offered_date, oon_offered_on, complaint_sent_on, link_code FROM cases WHERE status != 'draft'"
        + (" AND share_ok = 1" if shared_only else "")
    )
    ordinal = {}
    for (
        facility_id,
        filed_at,
        status,
        closed_at,
        deadline,
        restored_on,
        new_appt,
        offered,
        offered_date,
        oon_on,
        complaint_on,
        link_code,
    ) in db.execute(sql):
        filed = local(filed_at)
        if filed is None or filed > day_iso:
            continue
        if facility_id not in names:
            facility_id = None
        t = tallies.get(facility_id)
        if t is None:
            t = tallies[facility_id] = _Tally()
        restored = restored_on is not None and restored_on <= day_iso
        is_open = status == "open" or (closed_at is not None and local(closed_at) > day_iso)
        complaint = complaint_on is not None and complaint_on <= day_iso
        for x in (t, total):
            x.reported_total += 1
        if filed == day_iso:
            t.reported_today += 1
            total.reported_today += 1
        if filed >= chart_start_iso:
            per_day[date.fromisoformat(filed)] += 1
        met = _met(deadline, new_appt, offered, offered_date, restored_on if restored else None)
        if is_open and not restored:
            t.open += 1
            total.open += 1
            if deadline is not None and deadline < day_iso and not met:  # as the export's deadline_outcome 'missed'
                t.past += 1
                total.past += 1
        if met:
            t.rescheduled += 1
            total.rescheduled += 1
        if offered == "out_of_network" or (oon_on is not None and oon_on <= day_iso):
            t.oon += 1
            total.oon += 1
        if restored:
            for text in (filed, restored_on):
                if text not in ordinal:
                    ordinal[text] = date.fromisoformat(text).toordinal()
            waited = max(0, ordinal[restored_on] - ordinal[filed])
            t.restored += 1
            total.restored += 1
            t.days.append(waited)
            total.days.append(waited)
        counts = funnel.get(link_code)
        if counts is None:
            counts = funnel[link_code] = [0, 0, 0]
        counts[0] += 1
        counts[1] += complaint
        counts[2] += restored

    # Only clinics with a case filed by `day` have a tally: the others had no activity and are left out.
    lines = [t.line(fid, names.get(fid, "Not on the list")) for fid, t in tallies.items()]
    lines.sort(key=lambda f: (-f.open_past_deadline, -f.open, f.name))

    esc_open, claimed, median_claim, period = _escalations(db, local, day)
    unreachable = db.execute("SELECT count(*) FROM members WHERE unreachable_at IS NOT NULL").fetchone()[0]
    return Report(
        day=day,
        campaign_id=campaign.id,
        plan_short=campaign.plan_short,
        public=public,
        small_count=small_count,
        shared_only=shared_only,
        reported_today=total.reported_today,
        reported_total=total.reported_total,
        totals=total.line(None, "All clinics"),
        facilities=tuple(lines),
        escalations_open=esc_open,
        escalations_claimed=claimed,
        median_minutes_to_claim=median_claim,
        claim_period=period,
        members_unreachable=unreachable,
        funnel=_funnel(db, campaign, day_iso, funnel),
        daily_reported=tuple(sorted(per_day.items())),
        days_to_restored=tuple(sorted(total.days)),
    )


def _escalations(db: Database, local: LocalDates, day: date) -> tuple[int, int, float | None, tuple[date, date]]:
    esc_open = db.execute("SELECT count(*) FROM escalations WHERE status IN ('open', 'claimed')").fetchone()[0]
    first = day - timedelta(days=CLAIM_PERIOD_DAYS - 1)
    minutes = []
    for created_at, claimed_at in db.execute("SELECT created_at, claimed_at FROM escalations WHERE claimed_at IS NOT NULL"):
        claimed_day = local(claimed_at)
        if first.isoformat() <= claimed_day <= day.isoformat():
            delta = datetime.fromisoformat(claimed_at) - datetime.fromisoformat(created_at)
            minutes.append(max(0.0, delta.total_seconds() / 60))
    median = float(statistics.median(minutes)) if minutes else None
    return esc_open, len(minutes), median, (first, day)


def _funnel(db: Database, campaign: Campaign, day_iso: str, reported: dict) -> tuple[FunnelLine, ...]:
    starts = dict(
        db.execute(
            f"SELECT link_code, count(*) FROM link_starts WHERE {LOCAL_DATE_FUNCTION}(at) <= ? GROUP BY link_code", [day_iso]
        ).fetchall()
    )
    links = {
        code: (facility_id, source) for code, facility_id, source in db.execute("SELECT code, facility_id, source FROM links")
    }
    lines = []
    for code in sorted(set(links) | set(starts) | {c for c in reported if c is not None}):
        facility_id, source = links.get(code, (None, None))
        facility = campaign.facility(facility_id)
        label = " · ".join(x for x in ((facility.name if facility else None), source) if x) or code
        r, c, s = reported.get(code, (0, 0, 0))
        lines.append(FunnelLine(code=code, label=label, started=starts.get(code, 0), reported=r, complaint_sent=c, restored=s))
    lines = [line for line in lines if line.started or line.reported]
    lines.sort(key=lambda f: (-(f.started or 0), -f.reported, f.label))
    if None in reported:
        r, c, s = reported[None]
        lines.append(FunnelLine(code=None, label="", started=None, reported=r, complaint_sent=c, restored=s))
    return tuple(lines)


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


TELEGRAM_LIMIT = 4096  # characters in one Telegram message


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The report in pieces that each fit one Telegram message, cut between blocks (a clinic's lines stay together)."""
    pieces: list[str] = []
    current = ""
    for block in text.rstrip("\n").split("\n\n"):
        for part in [block] if len(block) <= limit else _line_groups(block, limit):
            joined = f"{current}\n\n{part}" if current else part
            if len(joined) <= limit:
                current = joined
            else:
                pieces.append(current)
                current = part
    if current:
        pieces.append(current)
    return pieces


def _line_groups(block: str, limit: int) -> list[str]:
    """A block too long for one message, as runs of whole lines (a line longer than the limit is cut)."""
    groups, current = [], ""
    for line in block.split("\n"):
        line = line[:limit]
        joined = f"{current}\n{line}" if current else line
        if len(joined) <= limit:
            current = joined
        else:
            groups.append(current)
            current = line
    if current:
        groups.append(current)
    return groups
