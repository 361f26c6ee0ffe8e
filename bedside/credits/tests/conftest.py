"""What the credits tests share: a grand rounds hour on a Thursday morning and a physician to attend it."""

import datetime as dt

import pytest

from bedside.testing.credits import credit_activity

START = dt.datetime(2026, 11, 26, 13, 0, tzinfo=dt.UTC)  # Thursday 08:00 in New York


@pytest.fixture
def rounds(db):
    return credit_activity(starts_at=START)


@pytest.fixture
def physician(make_person):
    return make_person(role="MD")
