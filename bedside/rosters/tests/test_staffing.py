"""Staffing minimums resolved to real instants in the site's time zone."""

import datetime as dt

import pytest

from bedside.rosters.staffing import local_window, minimums_on
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def test_night_window_over_the_autumn_dst_change_is_13_hours():
    import zoneinfo

    tz = zoneinfo.ZoneInfo("America/New_York")
    start, end = local_window(dt.date(2026, 10, 31), dt.time(19), dt.time(7), tz)
    assert end - start == dt.timedelta(hours=13)
    start, end = local_window(dt.date(2026, 3, 7), dt.time(19), dt.time(7), tz)
    assert end - start == dt.timedelta(hours=11)


def test_minimums_resolve_per_weekday_in_the_site_time_zone():
    unit = f.UnitFactory()
    rn = f.JobRoleFactory(code="RN")
    f.StaffingMinimumFactory(
        unit=unit, job_role=rn, weekday=5, start_time=dt.time(19), end_time=dt.time(7), minimum=10
    )
    f.StaffingMinimumFactory(
        unit=unit, job_role=rn, weekday=6, start_time=dt.time(7), end_time=dt.time(19), minimum=9
    )
    windows = minimums_on(unit, dt.date(2026, 10, 31))  # a Saturday
    assert len(windows) == 1
    assert windows[0].minimum == 10
    assert windows[0].start == dt.datetime(2026, 10, 31, 23, tzinfo=dt.UTC)
    assert windows[0].end == dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
