"""The periodic-job registry: schedules keyed by the local day or by fixed slots."""

import datetime as dt

import pytest

from bedside.core.periodic import daily_at, every, periodic_jobs, register_periodic, unregister_periodic

NEW_YORK_2330 = dt.datetime(2026, 11, 26, 4, 30, tzinfo=dt.UTC)  # Wed 25 Nov, 23:30 in New York


def test_a_daily_job_is_keyed_by_the_local_day_not_utcs(settings):
    settings.BEDSIDE_TIME_ZONE = "America/New_York"
    assert daily_at(0, 0).period(NEW_YORK_2330) == "2026-11-25"
    assert daily_at(0, 0, tz="Europe/Paris").period(NEW_YORK_2330) == "2026-11-26"


def test_a_daily_job_is_not_due_before_its_local_time_and_still_due_after_it(settings):
    settings.BEDSIDE_TIME_ZONE = "America/New_York"
    six_am = daily_at(6, 0)
    assert six_am.period(dt.datetime(2026, 11, 25, 10, 59, tzinfo=dt.UTC)) is None  # 05:59 local
    assert six_am.period(dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC)) == "2026-11-25"
    assert six_am.period(NEW_YORK_2330) == "2026-11-25"  # a scheduler that was down catches up


def test_every_n_minutes_gives_fixed_slots():
    quarter = every(minutes=15)
    at = dt.datetime(2026, 11, 25, 8, 14, 59, tzinfo=dt.UTC)
    assert quarter.period(at) == "2026-11-25T08:00Z"
    assert quarter.period(at + dt.timedelta(seconds=1)) == "2026-11-25T08:15Z"


@pytest.mark.parametrize("make", [lambda: daily_at(24, 0), lambda: daily_at(7, 60), lambda: every(minutes=0)])
def test_an_impossible_schedule_is_refused(make):
    with pytest.raises(ValueError):
        make()


def test_registering_again_under_a_name_replaces_the_job():
    def first():
        return 1

    def second():
        return 2

    try:
        register_periodic("test.job", first, when=every(minutes=5))
        register_periodic("test.job", second, when=every(minutes=5))
        assert [j.job for j in periodic_jobs() if j.name == "test.job"] == [second]
    finally:
        unregister_periodic("test.job")
    assert "test.job" not in [j.name for j in periodic_jobs()]


def test_something_that_cannot_run_is_refused():
    with pytest.raises(TypeError):
        register_periodic("test.bad", "bedside.assignments.tasks.apply_rules", when=every(minutes=5))
