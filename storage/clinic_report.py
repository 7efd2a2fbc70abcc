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

The text is worded by dialogs/monitor_report.py and cut into Telegram messages by
bot/message_split.py; this module only counts.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from knowledge.campaign import Campaign
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
    names: dict[str | None, str] = {f.id: f.name for f in campaign.facilities}
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
        closed_day = local(closed_at) if closed_at is not None else None
        is_open = status == "open" or (closed_day is not None and closed_day > day_iso)
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
        if claimed_day is not None and first.isoformat() <= claimed_day <= day.isoformat():
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
