"""GET /api/v1/assignments: current requirements with their status, within the caller's grants."""

import datetime as dt

import pytest
from django.utils import timezone

from bedside.assignments.models import Assignment
from bedside.assignments.services import rule_apply
from bedside.records.models import Verb
from bedside.records.services import record_add
from bedside.testing import factories as f
from bedside.testing.api import api_url, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def icu(make_person, make_attestation, make_rule):
    """Three ICU nurses required to attest: one done, one overdue, one due; a ward nurse elsewhere."""
    unit = f.UnitFactory()
    ward = f.UnitFactory()
    done, late, due = (make_person(unit=unit) for _ in range(3))
    elsewhere = make_person(unit=ward)
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[unit, ward]))
    record_add(person=done, item=item, verb=Verb.ACKNOWLEDGED, by=done)
    past = timezone.now() - dt.timedelta(days=3)
    Assignment.objects.filter(person=late).update(due_at=past, overdue_at=past)
    return {
        "unit": unit,
        "ward": ward,
        "item": item,
        "done": done,
        "late": late,
        "due": due,
        "elsewhere": elsewhere,
        "manager": make_person(unit=unit, role="NM", grants=[("manage", unit)]),
    }


def rows(client, viewer, **params):
    response = client.get(api_url("assignments-list"), params, headers=bearer(viewer))
    assert response.status_code == 200, response.content
    return {row["person"]["id"]: row["status"] for row in response.json()["items"]}


def test_learner_sees_only_their_own_requirements(client, icu):
    assert rows(client, icu["late"]) == {icu["late"].pk: "overdue"}
    assert rows(client, icu["late"], person=icu["due"].pk) == {}


def test_manager_sees_their_unit_with_status(client, icu):
    assert rows(client, icu["manager"]) == {
        icu["done"].pk: "satisfied",
        icu["late"].pk: "overdue",
        icu["due"].pk: "due",
    }


def test_filters_by_status_person_item_and_unit(client, icu, make_person):
    admin = make_person(role=None, grants=[("administer", None)])
    assert rows(client, admin, status="overdue") == {icu["late"].pk: "overdue"}
    assert rows(client, admin, status="satisfied") == {icu["done"].pk: "satisfied"}
    assert rows(client, admin, person=icu["due"].pk) == {icu["due"].pk: "due"}
    assert rows(client, admin, unit=icu["ward"].pk) == {icu["elsewhere"].pk: "due"}
    assert len(rows(client, admin, item=icu["item"].pk)) == 4
    assert rows(client, admin, item=icu["item"].pk + 1) == {}


def test_soonest_due_first(client, icu):
    response = client.get(api_url("assignments-list"), headers=bearer(icu["manager"]))
    due = [row["due_at"] for row in response.json()["items"]]
    assert due == sorted(due)
    assert response.json()["items"][0]["person"]["id"] == icu["late"].pk


@pytest.mark.parametrize("params", [{"status": "foo"}, {"person": "me"}, {"unit": -1}, {"page_size": 0}])
def test_bad_filters_are_422(client, icu, params):
    response = client.get(api_url("assignments-list"), params, headers=bearer(icu["manager"]))
    assert response.status_code == 422
    assert response.json()["detail"]


def test_anonymous_is_401(client, icu):
    assert client.get(api_url("assignments-list")).status_code == 401


def test_list_does_not_grow_a_query_per_row(
    client, icu, make_person, make_attestation, make_rule, django_assert_max_num_queries
):
    for _ in range(15):
        make_person(unit=icu["unit"])
    rule_apply(rule=make_rule(item=make_attestation("Sharps").item, units=[icu["unit"]]))
    headers = bearer(icu["manager"])
    with django_assert_max_num_queries(5):
        response = client.get(api_url("assignments-list"), {"page_size": 200}, headers=headers)
    assert response.json()["count"] == 22  # 3 of the first rule, 19 of the second
