"""Factories for the events tests: a department's educator, a grand rounds event now, its room."""

from __future__ import annotations

import datetime as dt

import pytest

from bedside.events import services
from bedside.events.models import Mode
from bedside.learning.models import Room
from bedside.people.models import Capability
from bedside.testing import factories as f

NOW = dt.datetime(2026, 11, 12, 13, 10, tzinfo=dt.UTC)  # Thu 12 Nov 2026, 08:10 in New York


@pytest.fixture
def unit(db):
    return f.UnitFactory(department=f.DepartmentFactory(site=f.SiteFactory(time_zone="America/New_York")))


@pytest.fixture
def educator(make_person, unit):
    return make_person(unit=unit, grants=[(Capability.TEACH, unit)])


@pytest.fixture
def room(unit):
    return Room.objects.create(site=unit.site, name="Ether Dome", capacity=2)


@pytest.fixture
def make_event(unit, room):
    def make(*, starts_at=NOW - dt.timedelta(minutes=10), minutes=60, mode=Mode.HYBRID, **kwargs):
        fields = {
            "title": "Sepsis update",
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(minutes=minutes),
            "mode": mode,
            "room": room if mode != Mode.VIRTUAL else None,
            "stream_url": "https://stream.example.org/rounds" if mode != Mode.IN_PERSON else "",
            "objectives": "Recognise sepsis early\nStart the bundle within an hour",
            **kwargs,
        }
        return services.event_create(
            actor=None, department=unit.department, fields=services.EventFields(**fields)
        )

    return make
