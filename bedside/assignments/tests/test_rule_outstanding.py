"""A rule's page lists who has not done it: in scope only, overdue first, each linked to their record."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bedside.assignments.models import Assignment
from bedside.assignments.services import rule_apply
from bedside.attestations.services import attestation_acknowledge
from bedside.people.models import Capability
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule_world(make_person, make_attestation, make_rule):
    mine, theirs = f.UnitFactory(name="Medical ICU"), f.UnitFactory(name="Burn Unit")
    done, late, due = (make_person(unit=mine, last_name=n) for n in ("Adams", "Baker", "Clark"))
    stranger = make_person(unit=theirs, last_name="Zed")
    item = make_attestation("Fall prevention").item
    rule = make_rule(item=item, units=[mine, theirs])
    rule_apply(rule=rule)
    attestation_acknowledge(person=done, item=item)
    past = timezone.now() - dt.timedelta(days=2)
    Assignment.objects.filter(person=late, item=item).update(due_at=past, overdue_at=past)
    educator = make_person(role=None, grants=[(Capability.TEACH, mine)])
    return {"rule": rule, "done": done, "late": late, "due": due, "stranger": stranger, "educator": educator,
            "mine": mine}  # fmt: skip


def test_educator_sees_only_their_people_not_done_overdue_first(rule_world, client):
    client.force_login(rule_world["educator"])
    page = client.get(reverse("rule", args=[rule_world["rule"].pk]))
    rows = page.context["outstanding"].rows
    assert [a.person_id for a in rows] == [rule_world["late"].pk, rule_world["due"].pk]
    assert [a.status for a in rows] == ["overdue", "due"] and rows[0].unit_name == "Medical ICU"
    text = page.content.decode()
    assert "Zed" not in text and "Adams" not in text
    assert reverse("person-transcript", args=[rule_world["late"].pk]) in text


def test_an_educator_of_another_unit_cannot_open_the_list(rule_world, make_person, client):
    client.force_login(make_person(role=None, grants=[(Capability.TEACH, f.UnitFactory())]))
    assert client.get(reverse("rule", args=[rule_world["rule"].pk])).status_code == 404


def test_admin_sees_everyone_not_done_and_can_sort_by_name(rule_world, make_person, client):
    client.force_login(make_person(role=None, grants=[(Capability.ADMINISTER, None)]))
    page = client.get(reverse("rule", args=[rule_world["rule"].pk]), {"sort": "-person"})
    assert [a.person.last_name for a in page.context["outstanding"].rows] == ["Zed", "Clark", "Baker"]
    assert 'aria-sort="descending"' in page.content.decode()


def test_everyone_done_says_there_is_nothing_to_chase(rule_world, client):
    for key in ("late", "due"):
        attestation_acknowledge(person=rule_world[key], item=rule_world["rule"].item)
    client.force_login(rule_world["educator"])
    assert (
        "Everyone has done it" in client.get(reverse("rule", args=[rule_world["rule"].pk])).content.decode()
    )


def test_rule_page_does_not_grow_a_query_per_person(
    rule_world, make_person, client, django_assert_max_num_queries
):
    client.force_login(rule_world["educator"])
    url = reverse("rule", args=[rule_world["rule"].pk])
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    people = [make_person(unit=rule_world["mine"]) for _ in range(8)]
    rule_apply(rule=rule_world["rule"], person_ids=[p.pk for p in people])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).context["outstanding"].rows) == 10
