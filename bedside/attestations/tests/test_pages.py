"""The attestation page shows the person's status on it, as the attestation kind tells it."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from bedside.records.models import Verb
from bedside.records.services import record_add

pytestmark = pytest.mark.django_db

JUNE = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)


@time_machine.travel(JUNE, tick=False)
def test_a_lapsed_attestation_says_so_and_asks_again(make_person, make_attestation, client):
    nurse, colleague = make_person(), make_person()
    item = make_attestation().item
    year_ago = JUNE - dt.timedelta(days=400)
    lapsed = JUNE - dt.timedelta(days=35)
    record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse, at=year_ago, valid_until=lapsed)
    record_add(person=colleague, item=item, verb=Verb.ACKNOWLEDGED, by=colleague, at=JUNE)

    client.force_login(nurse)
    page = client.get(reverse("attestation", args=[item.pk])).content.decode()
    assert "Your last attestation lapsed on" in page and "I have read this and will follow it" in page
    assert "You attested on" not in page

    client.force_login(colleague)
    page = client.get(reverse("attestation", args=[item.pk])).content.decode()
    assert "You attested on" in page and "I have read this" not in page


@time_machine.travel(JUNE, tick=False)
def test_an_overdue_attestation_says_overdue_in_words_as_today_does(
    make_person, make_attestation, make_rule, client
):
    from bedside.assignments.models import Assignment
    from bedside.assignments.services import rule_apply
    from bedside.testing import factories as f

    unit = f.UnitFactory()
    nurse = make_person(unit=unit)
    item = make_attestation("Safe opioid prescribing").item
    rule_apply(rule=make_rule(item=item, units=[unit]))
    client.force_login(nurse)
    page = client.get(reverse("attestation", args=[item.pk])).content.decode()
    assert "Required</span> Due " in page and "Overdue" not in page

    past = JUNE - dt.timedelta(days=34)
    Assignment.objects.filter(person=nurse, item=item).update(due_at=past, overdue_at=past)
    page = client.get(reverse("attestation", args=[item.pk])).content.decode()
    # Once only the colour said so: a red "Required" beside a date gone by.
    assert '<span class="tag tag-overdue">Overdue</span> Was due Thu 7 May (34 days ago)' in page
