"""A second, fake kind of learning item goes through assign, Today, complete and compliance."""

import pytest
from django.urls import reverse

from bedside.assignments.services import rule_apply
from bedside.people.models import Capability
from bedside.records.models import ItemVersion, LearningItem, Verb
from bedside.records.services import record_add
from bedside.reports.queries import compliance_by_unit_role, total
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill_kind(make_kind):
    return make_kind(
        "fake_drill",
        label="Practice drill",
        open_url=lambda item, person: f"/drills/{item.pk}/?for={person.pk}",
        verbs={Verb.PASSED, Verb.FAILED},
        completing={Verb.PASSED},
        any_version_satisfies=False,
    )


def test_fake_kind_goes_through_assign_today_complete_and_compliance(
    drill_kind, make_person, make_rule, client
):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    manager = make_person(role=None, grants=[(Capability.MANAGE, icu)])
    item = LearningItem.objects.create(kind="fake_drill", title="Mock code: first compressions", minutes=8)
    old, new = (ItemVersion.objects.create(item=item, label=label) for label in ("1", "2"))
    rule_apply(rule=make_rule(item=item, units=[icu]))

    client.force_login(nurse)
    page = client.get(reverse("today"))
    assert b"Mock code: first compressions" in page.content
    assert f'href="/drills/{item.pk}/?for={nurse.pk}"'.encode() in page.content
    assert b"Practice drill" in page.content

    record_add(person=nurse, item=item, verb=Verb.FAILED, by=nurse, version=new)
    record_add(person=nurse, item=item, verb=Verb.PASSED, by=nurse, version=old)
    assert (
        total(compliance_by_unit_role(units=None)).satisfied == 0
    )  # neither a failure nor an old version counts

    record_add(person=nurse, item=item, verb=Verb.PASSED, by=nurse, version=new)
    summary = total(compliance_by_unit_role(units=None))
    assert (summary.total, summary.satisfied) == (1, 1)
    assert b"Mock code" not in client.get(reverse("today")).content

    client.force_login(manager)
    assert b"100.0%" in client.get(reverse("compliance")).content
