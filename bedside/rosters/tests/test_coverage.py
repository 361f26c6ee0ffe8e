"""The coverage count (who counts toward which minimum), the coverage page and its API."""

import datetime as dt
import re

import pytest

from bedside.people.models import Capability
from bedside.rosters.coverage import Staffed, lowest, profile, unit_coverage
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db
UTC = dt.UTC
DAY = dt.date(2026, 12, 7)  # a Monday


def at(hour: int, day: int = 7) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, tzinfo=UTC)


def test_the_count_follows_who_covers_whom():
    rn, cn, trainee = 1, 2, 3
    toward = {rn: frozenset({rn}), cn: frozenset({cn, rn}), trainee: frozenset({trainee})}
    staffed = [Staffed(rn, at(7), at(19)), Staffed(cn, at(7), at(13)), Staffed(trainee, at(7), at(19))]
    assert lowest(staffed, rn, at(7), at(19), toward) == 1
    assert [(s.start.hour, s.end.hour, s.count) for s in profile(staffed, rn, at(7), at(19), toward)] == [
        (7, 13, 2),
        (13, 19, 1),
    ]
    assert lowest(staffed, trainee, at(7), at(19), toward) == 1  # a trainee counts only toward their own


@pytest.fixture
def icu(org):
    """A UTC site's ICU: minimum 2 RNs 07-19 on Mondays; a charge nurse covers RN, a trainee nothing."""
    org.site.time_zone = "UTC"
    org.site.save()
    cn, trainee = f.JobRoleFactory(code="CN"), f.JobRoleFactory(code="RNT")
    f.RoleCoverFactory(job_role=cn, covers=org.rn)
    f.StaffingMinimumFactory(unit=org.icu, job_role=org.rn, weekday=0, minimum=2, optimal=3)
    f.ShiftFactory(unit=org.icu, job_role=org.rn, start=at(7), end=at(19))
    f.ShiftFactory(unit=org.icu, job_role=cn, start=at(7), end=at(15))
    f.ShiftFactory(unit=org.icu, job_role=trainee, start=at(7), end=at(19))
    f.ShiftFactory(unit=org.med, job_role=org.rn, start=at(7), end=at(19))  # another unit
    return org


def test_unit_coverage_shows_scheduled_against_minimum_with_gaps(icu):
    [window] = unit_coverage(icu.icu, DAY)
    assert (window.role, window.window.minimum, window.window.optimal) == ("RN", 2, 3)
    assert (window.scheduled, window.highest, window.short, window.met) == (1, 2, 1, False)
    assert [(g.start.hour, g.end.hour, g.count) for g in window.gaps] == [(15, 19, 1)]


def test_the_coverage_page_tries_the_wrong_person_first(client, make_person, icu):
    nurse = make_person(unit=icu.icu)
    client.force_login(nurse)
    assert client.get(f"/roster/coverage/{icu.icu.pk}/").status_code == 403
    other_manager = make_person(unit=icu.med, grants=[(Capability.MANAGE, icu.med)])
    client.force_login(other_manager)
    assert client.get(f"/roster/coverage/{icu.icu.pk}/").status_code == 404


def test_a_manager_sees_the_day_as_a_chart_and_a_table(
    client, make_person, icu, django_assert_max_num_queries
):
    manager = make_person(unit=icu.icu, grants=[(Capability.MANAGE, icu.icu)])
    client.force_login(manager)
    with django_assert_max_num_queries(20):
        page = client.get(f"/roster/coverage/{icu.icu.pk}/?day=2026-12-07").content.decode()
    assert "coverage-chart" in page and "Short by 1" in page and "15:00–19:00: 1" in page
    listing = client.get("/roster/coverage/").content.decode()
    assert icu.icu.name in listing and icu.med.name not in listing
    bad = client.get(f"/roster/coverage/{icu.icu.pk}/?day=yesterday")
    assert bad.status_code == 200 and "is not a date" in bad.content.decode()


def test_the_api_reads_minimums_and_coverage_of_the_callers_units(client, make_person, icu):
    manager = make_person(unit=icu.icu, grants=[(Capability.MANAGE, icu.icu)])
    nurse = make_person(unit=icu.icu)
    client.force_login(nurse)
    assert client.get("/api/v1/staffing/minimums").json()["items"] == []
    assert client.get(f"/api/v1/units/{icu.icu.pk}/coverage?day=2026-12-07").status_code == 403
    client.force_login(manager)
    rows = client.get("/api/v1/staffing/minimums?on=2026-12-07").json()["items"]
    assert [(r["job_role"], r["minimum"], r["optimal"]) for r in rows] == [("RN", 2, 3)]
    # Documented as the wall-clock time it is: JSON Schema's "time" format needs an offset.
    start = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["MinimumOut"]["properties"]
    assert start["start_time"].get("format") != "time"
    assert re.fullmatch(start["start_time"]["pattern"], rows[0]["start_time"])
    assert client.get("/api/v1/staffing/minimums?on=2026-12-08").json()["items"] == []
    coverage = client.get(f"/api/v1/units/{icu.icu.pk}/coverage?day=2026-12-07").json()
    assert coverage["windows"][0]["scheduled"] == 1 and coverage["windows"][0]["gaps"][0]["count"] == 1
    assert client.get("/api/v1/staffing/covers").json()["items"] == [{"job_role": "CN", "covers": "RN"}]
    assert client.get(f"/api/v1/units/{icu.med.pk}/coverage").status_code == 404
