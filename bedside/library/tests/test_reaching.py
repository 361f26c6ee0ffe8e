"""'What changed for you' on Today (set-based audiences), and review-date reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from bedside.library.models import ResourceVersion
from bedside.library.reviews import (
    overdue_counts,
    overdue_for_review,
    published_versions,
    send_review_reminders,
)
from bedside.library.services import collection_create, draft_start, draft_update, mark_seen
from bedside.library.tests.conftest import publish
from bedside.library.today import changed_cards
from bedside.people.audiences import audience_ids_holding, audiences_of
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def test_audiences_holding_a_person_match_the_python_answer(make_person):
    icu = f.UnitFactory()
    ward = f.UnitFactory(department=icu.department)
    nurse = make_person(unit=icu, role="RN")
    rn = f.JobRoleFactory(code="RN")
    tag = f.UnitTag.objects.create(name="critical") if hasattr(f, "UnitTag") else None
    audiences = [
        f.AudienceFactory(units=[icu]),
        f.AudienceFactory(units=[ward]),
        f.AudienceFactory(job_roles=[rn]),
        f.AudienceFactory(units=[icu], job_roles=[f.JobRoleFactory(code="MD")]),
        f.AudienceFactory(),  # everyone
    ]
    named = f.AudienceFactory()
    named.include_persons.set([nurse])
    others = f.AudienceFactory()
    others.include_persons.set([make_person()])
    excluded = f.AudienceFactory(units=[icu])
    excluded.exclude_persons.set([nurse])
    sites = f.AudienceFactory()
    sites.sites.set([icu.department.site])
    kinds = f.AudienceFactory(units=[icu])
    kinds.unit_kinds = ["nowhere"]
    kinds.save()
    del tag, audiences
    assert audience_ids_holding(nurse) == [a.pk for a in audiences_of(nurse)]


def test_audiences_holding_is_one_query(make_person, django_assert_num_queries):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    for _ in range(20):
        f.AudienceFactory(units=[icu])
    with django_assert_num_queries(1):
        assert len(audience_ids_holding(nurse)) == 20


def test_what_changed_shows_new_and_changed_guidance_until_opened(
    make_resource, make_person, curator, reviewer, icu_audience
):
    icu, audience = icu_audience
    nurse, elsewhere = make_person(unit=icu), make_person()
    v1 = make_resource(audience=audience)
    make_resource("Hand hygiene for everyone")  # no audience: not "for you"
    (card,) = changed_cards(nurse)
    assert card.title == v1.resource.item.title and card.status_label == "New"
    assert changed_cards(elsewhere) == []

    mark_seen(person=nurse, version=v1)
    assert changed_cards(nurse) == []
    v2 = draft_start(resource=v1.resource, actor=curator)
    draft_update(
        version=v2, actor=curator, change_summary="Prone for 16 hours, not 12.", requires_acknowledgment=True
    )
    publish(v2, curator=curator, reviewer=reviewer)
    (card,) = changed_cards(nurse)
    assert card.status_label == "Changed · v2" and "16 hours" in card.detail and "Acknowledge" in card.detail


def test_overdue_for_review_with_counts_per_owner_and_collection(make_resource, curator):
    today = timezone.localdate()
    a, b = make_resource("A"), make_resource("B")
    make_resource("C")
    ResourceVersion.objects.filter(pk__in=[a.pk, b.pk]).update(
        effective_on=today - dt.timedelta(days=400), next_review_on=today - dt.timedelta(days=3)
    )
    collection_create(actor=curator, name="Old things", resources=[a.resource])
    rows = overdue_for_review(published_versions(), on=today)
    assert [v.resource.item.title for v in rows] == ["A", "B"]
    counts = overdue_counts(published_versions(), on=today)
    assert counts["total"] == 2 and counts["owners"][0]["n"] == 2
    assert [(c["collection__name"], c["n"]) for c in counts["collections"]] == [("Old things", 1)]


def test_owners_are_reminded_30_and_7_days_before_on_the_day_then_weekly(make_resource, curator):
    today = timezone.localdate()
    versions = [make_resource(f"R{n}") for n in range(5)]
    for v, days in zip(versions, (30, 7, 0, -14, 5), strict=True):
        ResourceVersion.objects.filter(pk=v.pk).update(
            effective_on=today - dt.timedelta(days=400), next_review_on=today + dt.timedelta(days=days)
        )
    assert send_review_reminders() == 1
    (message,) = mail.outbox
    assert message.to == [curator.email]
    assert "R0" in message.body and "R1" in message.body and "R2: review due today" in message.body
    assert "R3: review overdue by 14 days" in message.body and "R4" not in message.body
