"""Dates as people say them: the year only outside the current one, judged in the zone shown."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from bedside.assignments.models import AssignmentRule
from bedside.core import humanize
from bedside.people.models import Capability
from bedside.records.services import record_add
from bedside.testing import factories as f

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)


def test_a_date_of_another_year_carries_its_year():
    old = dt.datetime(2023, 11, 8, 14, 15, tzinfo=dt.UTC)
    assert humanize.when(old, "UTC", now=NOW) == "Wed 8 Nov 2023, 14:15"
    assert humanize.day(old, "UTC", now=NOW) == "Wed 8 Nov 2023"
    assert humanize.day(dt.datetime(2027, 1, 8, tzinfo=dt.UTC), "UTC", now=NOW) == "Fri 8 Jan 2027"


def test_a_date_of_the_current_year_leaves_the_year_out():
    assert (
        humanize.when(dt.datetime(2026, 11, 14, 12, 30, tzinfo=dt.UTC), NEW_YORK, now=NOW)
        == "Sat 14 Nov, 07:30"
    )
    assert humanize.day(dt.datetime(2026, 1, 2, 17, tzinfo=dt.UTC), NEW_YORK, now=NOW) == "Fri 2 Jan"


def test_the_current_year_is_the_one_of_the_zone_shown():
    # 03:00 UTC on 1 January 2027 is still 31 December 2026 in New York.
    now = dt.datetime(2027, 1, 1, 3, 0, tzinfo=dt.UTC)
    evening = dt.datetime(2027, 1, 1, 2, 0, tzinfo=dt.UTC)
    assert humanize.when(evening, NEW_YORK, now=now) == "Thu 31 Dec, 21:00"
    assert humanize.when(evening, "UTC", now=now) == "Fri 1 Jan, 02:00"
    assert humanize.day(dt.datetime(2026, 12, 31, 12, tzinfo=dt.UTC), "UTC", now=now) == "Thu 31 Dec 2026"


def test_without_a_clock_the_pinned_clock_decides():
    old = dt.datetime(2025, 6, 3, 12, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2025, 12, 1, tzinfo=dt.UTC), tick=False):
        assert humanize.day(old, "UTC") == "Tue 3 Jun"
    with time_machine.travel(dt.datetime(2026, 1, 1, 6, tzinfo=dt.UTC), tick=False):
        assert humanize.day(old, "UTC") == "Tue 3 Jun 2025"


def test_the_viewer_zone_applies_only_inside_its_block():
    moment = dt.datetime(2026, 3, 1, 5, 30, tzinfo=dt.UTC)
    with humanize.viewer_zone(lambda: CHICAGO):
        assert humanize.when(moment, now=NOW) == "Sat 28 Feb, 23:30"
    assert humanize.when(moment, now=NOW) == "Sun 1 Mar, 00:30"  # the system's zone, New York


def test_due_phrase_names_the_year_of_a_date_next_year():
    due = dt.datetime(2027, 1, 15, 4, 59, tzinfo=dt.UTC)
    assert humanize.due_phrase(due, NOW, NEW_YORK) == "Due Thu 14 Jan 2027 (in 46 days)"


@pytest.mark.django_db
def test_a_record_of_2023_shows_its_year_in_the_persons_own_zone(client, make_person, make_attestation):
    chicago_unit = f.UnitFactory(department__site__time_zone="America/Chicago")
    nurse = make_person(unit=chicago_unit)
    manager = make_person(unit=f.UnitFactory(), grants=[(Capability.MANAGE, chicago_unit)])
    item = make_attestation("Fall prevention").item
    record_add(
        person=nurse,
        item=item,
        verb="acknowledged",
        by=nurse,
        at=dt.datetime(2023, 11, 9, 4, 30, tzinfo=dt.UTC),
    )
    with time_machine.travel(NOW, tick=False):
        client.force_login(manager)
        page = client.get(reverse("person-transcript", args=[nurse.pk])).content.decode()
    # 04:30 UTC on 9 November is 22:30 on the 8th in Chicago, whoever looks.
    assert "Wed 8 Nov 2023, 22:30" in page


@pytest.mark.django_db
def test_pages_show_times_in_the_viewers_zone(client, make_person, make_attestation, make_rule):
    unit = f.UnitFactory(department__site__time_zone="America/Chicago")
    educator = make_person(unit=unit, grants=[(Capability.TEACH, unit)])
    rule = make_rule(item=make_attestation().item, units=[unit])
    AssignmentRule.objects.filter(pk=rule.pk).update(created_at=dt.datetime(2026, 1, 1, 3, 0, tzinfo=dt.UTC))
    with time_machine.travel(NOW, tick=False):
        client.force_login(educator)
        page = client.get(reverse("rule", args=[rule.pk])).content.decode()
    assert "Wed 31 Dec 2025, 21:00" in page


def test_a_zone_reads_as_its_place_not_its_identifier():
    assert humanize.zone_place("America/New_York") == "New York time"
    assert humanize.zone_place(zoneinfo.ZoneInfo("America/Chicago")) == "Chicago time"
