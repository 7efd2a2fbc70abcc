"""When check-ins go out: the follow-up schedule and quiet hours, as pure functions.

The campaign file's ``[followups]`` table sets the schedule (defaults shown)::

    [followups]
    after_days = [2, 5]          # days after filing
    on_deadline = true           # on the legal deadline date (the hour for urgent cases)
    every_business_days = 3      # then every N business days until the case closes
    urgent_after_hours = 24      # an urgent case is checked this soon
    at = "10:00"                 # local time for date-based check-ins (deadline, "were you seen?")
    quiet_start = "21:00"        # no check-in from this time ...
    quiet_end = "08:00"          # ... until this time; one falling in between moves to the morning

Only the next check-in of a case is a row at any time; when it is sent the one
after it is scheduled. So a case that stays open is followed until it closes,
and nothing about a pending check-in lives only in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from knowledge.campaign import Campaign
from knowledge.deadlines import BusinessCalendar, business_calendar


def _clock(text: str) -> time:
    hours, minutes = (int(x) for x in text.split(":"))
    return time(hours, minutes)


@dataclass(frozen=True)
class CheckinPolicy:
    after_days: tuple[int, ...] = (2, 5)
    on_deadline: bool = True
    every_business_days: int = 3
    urgent_after_hours: int = 24
    at: time = time(10, 0)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)

    @classmethod
    def from_campaign(cls, campaign: Campaign) -> "CheckinPolicy":
        """The campaign's [followups] table over the defaults."""
        table = campaign.raw.get("followups", {})
        base = cls()
        return cls(
            after_days=tuple(table.get("after_days", base.after_days)),
            on_deadline=bool(table.get("on_deadline", base.on_deadline)),
            every_business_days=int(table.get("every_business_days", base.every_business_days)),
            urgent_after_hours=int(table.get("urgent_after_hours", base.urgent_after_hours)),
            at=_clock(table["at"]) if "at" in table else base.at,
            quiet_start=_clock(table["quiet_start"]) if "quiet_start" in table else base.quiet_start,
            quiet_end=_clock(table["quiet_end"]) if "quiet_end" in table else base.quiet_end,
        )


class Schedule:
    """A campaign's check-in schedule in its time zone and business calendar."""

    def __init__(self, campaign: Campaign, policy: CheckinPolicy | None = None, calendar: BusinessCalendar | None = None):
        self.tz = ZoneInfo(campaign.timezone)
        self.policy = policy or CheckinPolicy.from_campaign(campaign)
        self.calendar = calendar or business_calendar(campaign)

    def local(self, d: date, at: time | None = None) -> datetime:
        """A local date and time, as an aware UTC datetime."""
        return datetime.combine(d, at or self.policy.at, tzinfo=self.tz).astimezone(timezone.utc)

    def in_quiet_hours(self, when: datetime) -> bool:
        t = when.astimezone(self.tz).time()
        start, end = self.policy.quiet_start, self.policy.quiet_end
        return (t >= start or t < end) if start > end else (start <= t < end)

    def out_of_quiet_hours(self, when: datetime) -> datetime:
        """`when`, or the end of the quiet hours it falls in (the next morning)."""
        if not self.in_quiet_hours(when):
            return when
        local = when.astimezone(self.tz)
        day = local.date() if local.time() < self.policy.quiet_end else local.date() + timedelta(days=1)
        return self.local(day, self.policy.quiet_end)

    def next_checkin(
        self, *, filed_at: datetime, deadline_date: date | None, deadline_at: datetime | None, urgent: bool, after: datetime
    ) -> datetime:
        """The first scheduled check-in strictly after `after` (moved out of quiet hours)."""
        p = self.policy
        fixed = [filed_at + timedelta(days=n) for n in p.after_days]
        if urgent:
            fixed.append(filed_at + timedelta(hours=p.urgent_after_hours))
        anchor = None
        if p.on_deadline:
            anchor = deadline_at if (urgent and deadline_at) else (self.local(deadline_date) if deadline_date else None)
            if anchor is not None:
                fixed.append(anchor)
        upcoming = sorted(t for t in fixed if t > after)
        if upcoming:
            return self.out_of_quiet_hours(upcoming[0])
        # After the fixed ones: every N business days, counted from the deadline (or the last fixed one).
        start = max(fixed) if fixed else filed_at
        day = start.astimezone(self.tz).date()
        while True:
            day, _ = self.calendar.add_business_days(day, p.every_business_days)
            candidate = self.local(day)
            if candidate > after:
                return self.out_of_quiet_hours(candidate)

    def day_after(self, d: date) -> datetime:
        """The check-in time the day after an appointment ("were you seen?")."""
        return self.out_of_quiet_hours(self.local(d + timedelta(days=1)))
