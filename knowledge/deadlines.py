"""The deadline clock: by when the plan must offer a new appointment (facts.md §1).

Standards (facts.md §1, all P or S):

* ``urgent_48h``: an urgent appointment within 48 hours of the request (96 hours
  when the appointment needs prior authorization; ``due_at_prior_auth``).
  Hours are real elapsed hours, counted from the moment the member filed
  (``reported_at``), across weekends, holidays and daylight-saving changes.
* ``followup_10bd``: individual or group therapy. The canceled session is a
  follow-up in ongoing treatment with a non-physician provider, which SB 221
  puts at 10 business days *of the prior appointment*. carebot does not know
  the date of the member's last attended session, so it cannot count from it;
  it counts 10 business days from the member's request, the general
  non-physician standard. Both rules give 10 business days and ours starts
  later, so the date we state is never earlier than the law's. The separate id
  lets the text tell the member about SB 221 (a follow-up may be owed sooner)
  and the complaint cite it.
* ``therapist_10bd``: an intake (a first appointment, with a therapist or
  counselor), 10 business days from the request.
* ``psychiatrist_15bd``: psychiatry; a psychiatrist is a specialist physician,
  so 15 business days, not 10.
* ``mental_health_15bd``: "other". carebot doesn't know whether the clinician
  is a therapist (10) or a psychiatrist (15); it states the longer one, which
  is true either way, and the text says so.

Which date starts the clock (the bot's assumption, shown to the member): the
member asks for a new appointment on the day they report to carebot (the
complaint text asks for it), so non-urgent clocks start at ``reported_on``,
"counted from today, when you ask for a new appointment". The canceled
appointment's own date does not start the clock: it may be months ago or next
week.

Day counting: the first business day *after* the start is day 1. From a
Friday request, Monday is day 1 and "10 business days" ends on the second
Friday after (later when a holiday falls in between). A request made
on a weekend or holiday counts the same way: day 1 is the next business day.
The plan has until the end of the due date.

Business days skip Saturdays, Sundays and the holidays named in the campaign's
``[holidays]`` table, as the ``holidays`` library spells them in its US/CA
calendar::

    [holidays]
    country = "US"          # optional, the default
    subdiv = "CA"           # optional, the default
    skip = ["New Year's Day", "Thanksgiving Day", ...]
    skip_observed = true    # also skip "<name> (observed)" weekdays
    extra_closed = [2026-12-24]   # optional: other closed dates (e.g. proclaimed)

Unknown names raise ``HolidayConfigError``, so a misspelling (or a library
rename: "Washington's Birthday" is "Presidents' Day" in the CA calendar) never
silently turns a holiday into a business day. A campaign without the table
uses ``DEFAULT_SKIP``.

Why these defaults. facts.md gives no definition of "business day", so when a
day is in doubt we skip it: the date we state may then be a day later than a
strict reading, rather than a day earlier, and carebot doesn't tell a member a
deadline has passed when it may not have. Skipped: the 11 paid holidays on which California state offices close
(CalHR), plus Juneteenth (a state holiday since 2022 that state employees may
elect to take, and a federal holiday on which federal offices and banks close).
Observed days are skipped too: CalHR moves a Sunday holiday to Monday, and
federal offices close the Friday before a Saturday holiday. Not skipped:
Susan B. Anthony Day (a commemoration; offices open) and Diwali (a state
holiday from 2026 under AB 268, but state employees only *may elect* a day
off, courts stay open, and it is not a federal holiday). Organizers can change
all of this in the campaign file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Iterable

import holidays as holidays_lib

from knowledge import report_fields
from knowledge.campaign import Campaign

# The values the report's answers may hold (declared in knowledge/report_fields.py).
KINDS = report_fields.options("kind")
URGENCIES = report_fields.options("urgency")
OFFERS = report_fields.options("offered")
# How the member learned of the cancellation (the report dialog's `notified` step).
NOTIFIED = report_fields.options("notified")

URGENT_HOURS = 48
URGENT_PRIOR_AUTH_HOURS = 96

# standard id -> business days (non-urgent standards)
BUSINESS_DAY_STANDARDS = {
    "followup_10bd": 10,
    "therapist_10bd": 10,
    "psychiatrist_15bd": 15,
    "mental_health_15bd": 15,
}
STANDARDS = ("urgent_48h", *BUSINESS_DAY_STANDARDS)

_STANDARD_FOR_KIND = {
    "individual": "followup_10bd",
    "group": "followup_10bd",
    "intake": "therapist_10bd",
    "psychiatry": "psychiatrist_15bd",
    "other": "mental_health_15bd",
}

DEFAULT_SKIP = (
    "New Year's Day",
    "Martin Luther King Jr. Day",
    "Presidents' Day",
    "Cesar Chavez Day",
    "Memorial Day",
    "Juneteenth National Independence Day",
    "Independence Day",
    "Labor Day",
    "Veterans Day",
    "Thanksgiving Day",
    "Day After Thanksgiving",
    "Christmas Day",
)

_OBSERVED = " (observed)"
# Years scanned for the names a [holidays] table may use.
_KNOWN_NAME_YEARS = range(2000, 2041)


class HolidayConfigError(ValueError):
    """The campaign's [holidays] table names a holiday the library doesn't know."""


@dataclass(frozen=True)
class CaseFacts:
    kind: str  # "individual" | "group" | "psychiatry" | "intake" | "other"
    urgency: str  # "can_wait" | "soon" | "urgent" (how urgent the member's need feels)
    appt_date: date  # the canceled appointment's date (past or future)
    reported_on: date  # the day the member filed with carebot (campaign time zone)
    offered: str  # "nothing" | "new_appt" | "out_of_network" | "wait"
    offered_date: date | None  # the date of the new appointment offered, if any
    facility_name: str | None  # e.g. "Los Angeles Medical Center", None if unknown
    reported_at: datetime | None = None  # aware datetime of filing, for the 48-hour clock
    notified: str | None = None  # how they learned of it: one of NOTIFIED, None if unknown

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.urgency not in URGENCIES:
            raise ValueError(f"urgency must be one of {URGENCIES}, not {self.urgency!r}")
        if self.offered not in OFFERS:
            raise ValueError(f"offered must be one of {OFFERS}, not {self.offered!r}")
        if self.reported_at is not None and self.reported_at.utcoffset() is None:
            raise ValueError("reported_at must be an aware datetime")

    @property
    def is_urgent(self) -> bool:
        return self.urgency == "urgent"


@dataclass(frozen=True)
class Deadline:
    standard: str  # one of STANDARDS
    clock_start: date  # the request day (reported_on); day 1 is the next business day
    due_date: date  # the last day the plan has, inclusive (urgent: the day of due_at)
    business_days: int | None  # non-urgent standards
    hours: int | None  # urgent: 48
    due_at: datetime | None = None  # urgent: reported_at + 48 h, in the campaign time zone
    due_at_prior_auth: datetime | None = None  # urgent: reported_at + 96 h
    offer_within_deadline: bool | None = None  # None when no dated appointment was offered
    holidays_skipped: tuple[date, ...] = ()  # weekday holidays passed over while counting

    @property
    def is_urgent(self) -> bool:
        return self.hours is not None

    def is_past(self, today: date | datetime) -> bool:
        """Whether the deadline has passed: on a date, after the due date; at an
        aware datetime, after due_at when it is known."""
        if isinstance(today, datetime):
            if self.due_at is not None and today.utcoffset() is not None:
                return today > self.due_at
            today = today.date()
        return today > self.due_date


class BusinessCalendar:
    """Weekdays minus the configured holidays of one `holidays` library calendar."""

    def __init__(
        self,
        skip: Iterable[str] = DEFAULT_SKIP,
        *,
        skip_observed: bool = True,
        extra_closed: Iterable[date] = (),
        country: str = "US",
        subdiv: str | None = "CA",
    ) -> None:
        self.country = country
        self.subdiv = subdiv
        self.skip = frozenset(skip)
        self.skip_observed = skip_observed
        self.extra_closed = frozenset(extra_closed)
        unknown = sorted(self.skip - known_holiday_names(country, subdiv))
        if unknown:
            raise HolidayConfigError(
                f"[holidays] skip names unknown to the holidays library for {country}/{subdiv}: "
                + ", ".join(repr(n) for n in unknown)
            )
        self._years: dict[int, holidays_lib.HolidayBase] = {}

    def _calendar(self, year: int) -> holidays_lib.HolidayBase:
        if year not in self._years:
            self._years[year] = holidays_lib.country_holidays(self.country, subdiv=self.subdiv, years=year, language="en_US")
        return self._years[year]

    def closed_holiday(self, d: date) -> str | None:
        """The name of the configured holiday that closes this day, or None."""
        if d in self.extra_closed:
            return "closed"
        for name in self._calendar(d.year).get_list(d):
            base = name.removesuffix(_OBSERVED)
            if base in self.skip and (name == base or self.skip_observed):
                return name
        return None

    def is_business_day(self, d: date) -> bool:
        return d.weekday() < 5 and self.closed_holiday(d) is None

    def add_business_days(self, start: date, n: int) -> tuple[date, tuple[date, ...]]:
        """The n-th business day after start (start itself is day 0), and the
        weekday holidays passed over on the way."""
        if n < 1:
            raise ValueError("n must be at least 1")
        d, counted, skipped = start, 0, []
        while counted < n:
            d += timedelta(days=1)
            if self.is_business_day(d):
                counted += 1
            elif d.weekday() < 5:
                skipped.append(d)
        return d, tuple(skipped)


@lru_cache(maxsize=8)
def known_holiday_names(country: str = "US", subdiv: str | None = "CA") -> frozenset[str]:
    """Every holiday name (without "(observed)") the library uses for this calendar."""
    cal = holidays_lib.country_holidays(country, subdiv=subdiv, years=_KNOWN_NAME_YEARS, language="en_US")
    return frozenset(n.removesuffix(_OBSERVED) for d in cal for n in cal.get_list(d))


@lru_cache(maxsize=16)
def _cached_calendar(
    skip: tuple[str, ...], skip_observed: bool, extra: tuple[date, ...], country: str, subdiv: str | None
) -> BusinessCalendar:
    return BusinessCalendar(skip, skip_observed=skip_observed, extra_closed=extra, country=country, subdiv=subdiv)


def business_calendar(campaign: Campaign) -> BusinessCalendar:
    """The campaign's business-day calendar, from its [holidays] table (validated)."""
    table = campaign.holidays or {}
    known_keys = {"country", "subdiv", "skip", "skip_observed", "extra_closed"}
    stray = set(table) - known_keys
    if stray:
        raise HolidayConfigError(f"[holidays] has unknown keys: {', '.join(sorted(stray))}")
    skip = table.get("skip", DEFAULT_SKIP)
    if isinstance(skip, str) or not all(isinstance(n, str) for n in skip):
        raise HolidayConfigError("[holidays] skip must be a list of holiday names")
    extra = table.get("extra_closed", ())
    if not all(isinstance(d, date) and not isinstance(d, datetime) for d in extra):
        raise HolidayConfigError("[holidays] extra_closed must be a list of dates (YYYY-MM-DD)")
    return _cached_calendar(
        tuple(sorted(set(skip))),
        bool(table.get("skip_observed", True)),
        tuple(sorted(set(extra))),
        table.get("country", "US"),
        table.get("subdiv", "CA"),
    )


def standard_for(facts: CaseFacts) -> str:
    """The timely-access standard that applies to this case."""
    return "urgent_48h" if facts.is_urgent else _STANDARD_FOR_KIND[facts.kind]


def compute_deadline(facts: CaseFacts, campaign: Campaign) -> Deadline:
    """By when the plan must offer a new appointment for this case."""
    standard = standard_for(facts)
    if standard == "urgent_48h":
        return _urgent_deadline(facts, campaign)
    n = BUSINESS_DAY_STANDARDS[standard]
    due, skipped = business_calendar(campaign).add_business_days(facts.reported_on, n)
    return Deadline(
        standard=standard,
        clock_start=facts.reported_on,
        due_date=due,
        business_days=n,
        hours=None,
        offer_within_deadline=_offer_within(facts, due),
        holidays_skipped=skipped,
    )


def _urgent_deadline(facts: CaseFacts, campaign: Campaign) -> Deadline:
    tz = campaign.tz
    if facts.reported_at is not None:
        start = facts.reported_at
    else:
        # The filing time is unknown: start at the end of the report day, so the
        # date we state is never earlier than the real one.
        start = datetime.combine(facts.reported_on + timedelta(days=1), time(0, 0), tzinfo=tz)
    # Elapsed hours, not wall-clock hours: add in UTC so a DST change can't
    # make "48 hours" 47 or 49.
    start_utc = start.astimezone(timezone.utc)
    due: datetime = (start_utc + timedelta(hours=URGENT_HOURS)).astimezone(tz)
    due_at: datetime | None = due
    due_prior: datetime | None = (start_utc + timedelta(hours=URGENT_PRIOR_AUTH_HOURS)).astimezone(tz)
    if facts.reported_at is None:
        # Shown as "by the end of <date>": the last minute of the day before.
        due_date = (due - timedelta(microseconds=1)).date()
        due_at = due_prior = None
    else:
        due_date = due.date()
    return Deadline(
        standard="urgent_48h",
        clock_start=facts.reported_on,
        due_date=due_date,
        business_days=None,
        hours=URGENT_HOURS,
        due_at=due_at,
        due_at_prior_auth=due_prior,
        # An offer on the due day itself counts as in time: we know its date, not its hour.
        offer_within_deadline=_offer_within(facts, due_date),
    )


def offer_unusable(facts: CaseFacts) -> str | None:
    """Why an offered date can't restore care: "passed" (before the day of the report)
    or "early" (before the canceled appointment); None when it can, or none was dated."""
    if facts.offered not in ("new_appt", "out_of_network") or facts.offered_date is None:
        return None
    if facts.offered_date < facts.reported_on:
        return "passed"
    if facts.offered_date < facts.appt_date:
        return "early"
    return None


def _offer_within(facts: CaseFacts, due: date) -> bool | None:
    if facts.offered in ("new_appt", "out_of_network") and facts.offered_date is not None:
        # A date already past (or before the canceled appointment) never meets the standard.
        return offer_unusable(facts) is None and facts.offered_date <= due
    return None
