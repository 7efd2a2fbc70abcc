"""The deadline clock: which standard applies and the date it falls on.

Expected dates are worked out by hand from the calendar (see each row's
comment), not from the code, so the tables check the counting convention:
day 1 is the first business day after the request; weekends and the
campaign's holidays are skipped.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from knowledge.campaign import load_campaign
from knowledge.deadlines import (
    DEFAULT_SKIP,
    BusinessCalendar,
    CaseFacts,
    HolidayConfigError,
    business_calendar,
    compute_deadline,
    known_holiday_names,
)

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture(scope="module")
def campaign():
    return load_campaign()


def facts(
    kind="individual",
    reported_on=date(2026, 11, 20),
    urgency="can_wait",
    offered="nothing",
    offered_date=None,
    reported_at=None,
    appt_date=None,
):
    return CaseFacts(
        kind=kind,
        urgency=urgency,
        appt_date=appt_date or reported_on - timedelta(days=2),
        reported_on=reported_on,
        offered=offered,
        offered_date=offered_date,
        facility_name="Los Angeles Medical Center",
        reported_at=reported_at,
    )


def with_holidays(campaign, **table):
    base = dict(campaign.holidays)
    base.update(table)
    return replace(campaign, holidays=base)


# (kind, reported_on, expected standard, business days, due date)
NON_URGENT = [
    pytest.param(
        "individual",
        date(2026, 10, 2),
        "followup_10bd",
        10,
        date(2026, 10, 16),
        # Fri Oct 2 -> Mon Oct 5 is day 1; two plain weeks; Columbus Day (Oct 12) is not a CA state holiday
        id="therapy_deadline_is_ten_business_days_skipping_weekends",
    ),
    pytest.param(
        "individual",
        date(2026, 10, 3),
        "followup_10bd",
        10,
        date(2026, 10, 16),
        # Sat Oct 3: day 1 is still Mon Oct 5
        id="therapy_reported_on_a_saturday_counts_from_the_next_business_day",
    ),
    pytest.param(
        "individual",
        date(2026, 11, 20),
        "followup_10bd",
        10,
        date(2026, 12, 8),
        # Fri Nov 20: 23,24,25 | Thanksgiving 26 + Day After 27 skipped | 30,1,2,3,4 | 7,8
        id="therapy_deadline_is_ten_business_days_skipping_thanksgiving_and_the_day_after",
    ),
    pytest.param(
        "group",
        date(2026, 11, 20),
        "followup_10bd",
        10,
        date(2026, 12, 8),
        id="group_therapy_gets_the_ten_business_day_follow_up_standard",
    ),
    pytest.param(
        "intake",
        date(2026, 11, 20),
        "therapist_10bd",
        10,
        date(2026, 12, 8),
        id="intake_gets_the_ten_business_day_therapist_standard",
    ),
    pytest.param(
        "psychiatry",
        date(2026, 11, 20),
        "psychiatrist_15bd",
        15,
        date(2026, 12, 15),
        # ... Dec 8 is day 10; 9,10,11,14,15
        id="psychiatry_deadline_is_fifteen_business_days_skipping_thanksgiving",
    ),
    pytest.param(
        "other",
        date(2026, 11, 20),
        "mental_health_15bd",
        15,
        date(2026, 12, 15),
        id="unknown_clinician_type_gets_the_longer_fifteen_business_days",
    ),
    pytest.param(
        "individual",
        date(2026, 12, 18),
        "followup_10bd",
        10,
        date(2027, 1, 5),
        # Fri Dec 18: 21,22,23,24 | Christmas Fri 25 | 28,29,30,31 | New Year Fri Jan 1 | Jan 4,5
        id="therapy_deadline_crosses_the_year_end_skipping_christmas_and_new_year",
    ),
    pytest.param(
        "psychiatry",
        date(2026, 12, 18),
        "psychiatrist_15bd",
        15,
        date(2027, 1, 12),
        # ... Jan 5 is day 10; 6,7,8,11,12
        id="psychiatry_deadline_crosses_the_year_end",
    ),
    pytest.param(
        "individual",
        date(2027, 12, 20),
        "followup_10bd",
        10,
        date(2028, 1, 5),
        # Mon Dec 20, 2027: 21,22,23 | Christmas observed Fri 24 | 27,28,29,30 |
        # New Year 2028 (a Saturday) observed Fri Dec 31 | Jan 3,4,5
        id="observed_christmas_and_new_year_fridays_are_skipped_across_the_year_end",
    ),
    pytest.param(
        "individual",
        date(2026, 6, 26),
        "followup_10bd",
        10,
        date(2026, 7, 13),
        # Fri Jun 26: 29,30,Jul 1,2 | Independence Day (Sat Jul 4) observed Fri Jul 3 | 6..10 | 13
        id="july_fourth_on_a_saturday_skips_the_observed_friday",
    ),
    pytest.param(
        "individual",
        date(2024, 3, 29),
        "followup_10bd",
        10,
        date(2024, 4, 15),
        # Fri Mar 29, 2024: Cesar Chavez Day (Sun Mar 31) observed Mon Apr 1 | 2..5 | 8..12 | 15
        id="cesar_chavez_day_on_a_sunday_skips_the_observed_monday",
    ),
    pytest.param(
        "individual",
        date(2027, 10, 22),
        "followup_10bd",
        10,
        date(2027, 11, 5),
        # Fri Oct 22, 2027: Diwali (Fri Oct 29) counts: state offices stay open
        id="diwali_counts_as_a_business_day_by_default",
    ),
    pytest.param(
        "individual",
        date(2028, 2, 11),
        "followup_10bd",
        10,
        date(2028, 2, 28),
        # Fri Feb 11, 2028: 14, Susan B. Anthony Day Tue 15 counts, 16,17,18 | Presidents' Day 21 | 22..25 | 28
        id="susan_b_anthony_day_counts_but_presidents_day_does_not",
    ),
]


@pytest.mark.parametrize("kind, reported_on, standard, days, due", NON_URGENT)
def test_non_urgent_deadline(campaign, kind, reported_on, standard, days, due):
    d = compute_deadline(facts(kind=kind, reported_on=reported_on), campaign)
    assert (d.standard, d.business_days, d.due_date) == (standard, days, due)
    assert d.clock_start == reported_on
    assert d.hours is None and d.due_at is None and not d.is_urgent


def test_soon_is_not_the_urgent_standard(campaign):
    d = compute_deadline(facts(urgency="soon"), campaign)
    assert d.standard == "followup_10bd"
    assert d.due_date == date(2026, 12, 8)


def test_one_business_day_from_a_friday_is_the_monday():
    cal = BusinessCalendar()
    assert cal.add_business_days(date(2026, 10, 2), 1) == (date(2026, 10, 5), ())


def test_deadline_lists_the_weekday_holidays_it_skipped(campaign):
    d = compute_deadline(facts(reported_on=date(2026, 11, 20)), campaign)
    assert d.holidays_skipped == (date(2026, 11, 26), date(2026, 11, 27))


# --- The campaign's [holidays] table.


@pytest.mark.parametrize(
    "removed, due",
    [
        pytest.param(["Thanksgiving Day"], date(2026, 12, 7), id="without_thanksgiving"),
        pytest.param(["Thanksgiving Day", "Day After Thanksgiving"], date(2026, 12, 4), id="without_both"),
    ],
)
def test_holiday_removed_from_the_campaign_counts_as_a_business_day(campaign, removed, due):
    skip = [n for n in campaign.holidays["skip"] if n not in removed]
    d = compute_deadline(facts(reported_on=date(2026, 11, 20)), with_holidays(campaign, skip=skip))
    assert d.due_date == due


@pytest.mark.parametrize(
    "reported_on, due",
    [
        pytest.param(date(2026, 6, 26), date(2026, 7, 10), id="july_fourth_observed_friday_counts"),
        pytest.param(date(2027, 12, 20), date(2028, 1, 3), id="year_end_observed_fridays_count"),
    ],
)
def test_observed_days_count_as_business_days_when_skip_observed_is_off(campaign, reported_on, due):
    d = compute_deadline(facts(reported_on=reported_on), with_holidays(campaign, skip_observed=False))
    assert d.due_date == due


def test_diwali_added_to_the_campaign_is_skipped(campaign):
    skip = [*campaign.holidays["skip"], "Diwali"]
    d = compute_deadline(facts(reported_on=date(2027, 10, 22)), with_holidays(campaign, skip=skip))
    assert d.due_date == date(2027, 11, 8)


def test_extra_closed_date_in_the_campaign_is_skipped(campaign):
    d = compute_deadline(facts(reported_on=date(2026, 10, 2)), with_holidays(campaign, extra_closed=[date(2026, 10, 9)]))
    assert d.due_date == date(2026, 10, 19)


def test_campaign_without_a_holidays_table_uses_the_default_list(campaign):
    bare = replace(campaign, holidays={})
    assert business_calendar(bare).skip == frozenset(DEFAULT_SKIP)
    assert compute_deadline(facts(reported_on=date(2026, 11, 20)), bare).due_date == date(2026, 12, 8)


def test_sample_campaign_holiday_names_are_spelled_as_the_library_spells_them(campaign):
    assert set(campaign.holidays["skip"]) <= known_holiday_names("US", "CA")
    assert set(DEFAULT_SKIP) <= known_holiday_names("US", "CA")


@pytest.mark.parametrize("name", ["Washington's Birthday", "Thanksgiving", "Native American Day"])
def test_misspelled_holiday_name_in_the_campaign_is_an_error(campaign, name):
    with pytest.raises(HolidayConfigError, match=name.replace("'", ".")):
        business_calendar(with_holidays(campaign, skip=[*campaign.holidays["skip"], name]))


def test_unknown_holidays_key_is_an_error(campaign):
    with pytest.raises(HolidayConfigError, match="observed"):
        business_calendar(with_holidays(campaign, observed=["Christmas Day"]))


# --- Urgent: 48 elapsed hours from the report.

URGENT = [
    pytest.param(
        datetime(2026, 11, 20, 16, 30, tzinfo=LA),
        datetime(2026, 11, 22, 16, 30, tzinfo=LA),
        id="urgent_deadline_runs_through_the_weekend",
    ),
    pytest.param(
        datetime(2026, 11, 25, 10, 0, tzinfo=LA),
        datetime(2026, 11, 27, 10, 0, tzinfo=LA),
        id="urgent_deadline_runs_through_thanksgiving",
    ),
    pytest.param(
        datetime(2026, 10, 30, 10, 0, tzinfo=LA),
        datetime(2026, 11, 1, 9, 0, tzinfo=LA),
        # Daylight saving ends at 2:00 on Nov 1: 48 real hours later is 9:00 PST
        id="urgent_deadline_is_forty_eight_real_hours_across_a_clock_change",
    ),
    pytest.param(
        datetime(2026, 12, 31, 0, 30, tzinfo=ZoneInfo("UTC")),
        datetime(2027, 1, 1, 16, 30, tzinfo=LA),
        # 16:30 PST on Dec 30, reported from a UTC clock
        id="urgent_deadline_is_shown_in_the_campaign_time_zone_across_the_year_end",
    ),
]


@pytest.mark.parametrize("reported_at, due_at", URGENT)
def test_urgent_deadline_is_forty_eight_hours_from_the_report(campaign, reported_at, due_at):
    reported_on = reported_at.astimezone(LA).date()
    d = compute_deadline(facts(urgency="urgent", reported_on=reported_on, reported_at=reported_at), campaign)
    assert d.standard == "urgent_48h" and d.hours == 48 and d.business_days is None
    assert d.due_at == due_at
    assert d.due_at.tzinfo == LA  # shown to the member in the campaign's time zone
    assert d.due_date == due_at.date()
    assert d.due_at_prior_auth - d.due_at == timedelta(hours=48)


@pytest.mark.parametrize("kind", ["individual", "group", "psychiatry", "intake", "other"])
def test_every_kind_of_appointment_gets_the_48_hour_standard_when_urgent(campaign, kind):
    d = compute_deadline(facts(kind=kind, urgency="urgent", reported_at=datetime(2026, 11, 20, 9, tzinfo=LA)), campaign)
    assert d.standard == "urgent_48h"


def test_urgent_deadline_without_a_report_time_runs_to_the_end_of_the_second_day(campaign):
    d = compute_deadline(facts(urgency="urgent", reported_on=date(2026, 11, 20)), campaign)
    assert d.due_date == date(2026, 11, 22)
    assert d.due_at is None


# --- An offered appointment, inside or outside the deadline.

OFFERS = [
    pytest.param("new_appt", date(2026, 12, 8), True, id="offer_on_the_due_date_is_within_the_deadline"),
    pytest.param("new_appt", date(2026, 12, 9), False, id="offer_the_day_after_the_due_date_is_outside"),
    pytest.param("new_appt", date(2026, 11, 23), True, id="offer_next_monday_is_within"),
    pytest.param("out_of_network", date(2027, 1, 4), False, id="late_out_of_network_offer_is_outside"),
    pytest.param("new_appt", None, None, id="undated_offer_is_unknown"),
    pytest.param("wait", None, None, id="told_to_wait_has_no_offer_to_judge"),
    pytest.param("nothing", None, None, id="nothing_offered_has_no_offer_to_judge"),
]


@pytest.mark.parametrize("offered, offered_date, within", OFFERS)
def test_offered_appointment_inside_or_outside_the_deadline(campaign, offered, offered_date, within):
    d = compute_deadline(facts(offered=offered, offered_date=offered_date), campaign)
    assert d.offer_within_deadline is within


@pytest.mark.parametrize(
    "offered_date, within",
    [(date(2026, 11, 22), True), (date(2026, 11, 23), False)],
    ids=["urgent_offer_on_the_due_day_is_within", "urgent_offer_the_next_day_is_outside"],
)
def test_urgent_offer_inside_or_outside_the_48_hours(campaign, offered_date, within):
    f = facts(
        urgency="urgent", offered="new_appt", offered_date=offered_date, reported_at=datetime(2026, 11, 20, 16, 30, tzinfo=LA)
    )
    assert compute_deadline(f, campaign).offer_within_deadline is within


# --- Has it passed?


def test_deadline_has_not_passed_on_the_due_date_and_has_the_day_after(campaign):
    d = compute_deadline(facts(reported_on=date(2026, 11, 20)), campaign)
    assert not d.is_past(date(2026, 11, 20))
    assert not d.is_past(date(2026, 12, 8))
    assert d.is_past(date(2026, 12, 9))


def test_urgent_deadline_passes_after_the_48th_hour(campaign):
    d = compute_deadline(facts(urgency="urgent", reported_at=datetime(2026, 11, 20, 16, 30, tzinfo=LA)), campaign)
    assert not d.is_past(datetime(2026, 11, 22, 16, 30, tzinfo=LA))
    assert d.is_past(datetime(2026, 11, 22, 16, 31, tzinfo=LA))
    assert not d.is_past(date(2026, 11, 22))
    assert d.is_past(date(2026, 11, 23))


# --- Bad input.


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="kind"):
        facts(kind="massage")


def test_naive_report_time_is_rejected():
    with pytest.raises(ValueError, match="aware"):
        facts(urgency="urgent", reported_at=datetime(2026, 11, 20, 9, 0))
