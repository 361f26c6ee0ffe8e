"""The version workflow, immutability, acknowledgment per version, and curate grants."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bedside.assignments.models import Assignment, ClosedReason
from bedside.library.models import ResourceVersion, ReviewDecision, VersionStatus
from bedside.library.services import (
    acknowledge,
    draft_start,
    draft_update,
    resource_create,
    resource_retire,
    review_decide,
    review_submit,
    version_publish,
)
from bedside.library.tests.conftest import publish
from bedside.people.models import Capability
from bedside.records.kinds import Progress, item_status
from bedside.records.models import ItemVersion
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def test_published_version_is_the_catalogues_item_version(make_resource):
    version = make_resource()
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert ItemVersion.objects.filter(item=version.resource.item).get() == version.item_version
    assert version.label == "v1"


def test_a_draft_needs_every_named_reviewer_before_publishing(make_resource, curator, reviewer, make_person):
    other = make_person()
    draft = make_resource(published=False)
    reviews = review_submit(version=draft, actor=curator, reviewers=[reviewer, other])
    review_decide(review=reviews[0], actor=reviewer, approve=True)
    with pytest.raises(ValidationError, match="Every named reviewer"):
        version_publish(version=draft, actor=curator)
    with pytest.raises(PermissionDenied):
        review_decide(review=reviews[1], actor=reviewer, approve=True)
    review_decide(review=reviews[1], actor=other, approve=True)
    assert version_publish(version=draft, actor=curator).status == VersionStatus.PUBLISHED


def test_sent_back_with_comments_returns_to_draft_and_a_new_round_starts(make_resource, curator, reviewer):
    draft = make_resource(published=False)
    (review,) = review_submit(version=draft, actor=curator, reviewers=[reviewer])
    with pytest.raises(ValidationError):
        review_decide(review=review, actor=reviewer, approve=False, comment="")
    review_decide(review=review, actor=reviewer, approve=False, comment="Add the tube check.")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert draft.reviews.get().decision == ReviewDecision.CHANGES
    draft_update(version=draft, actor=curator, key_points="Check the tube.\nFive people turn.")
    publish(draft, curator=curator, reviewer=reviewer)
    assert draft.reviews.count() == 2


def test_a_published_version_cannot_be_edited_a_new_one_is_made(make_resource, curator):
    v1 = make_resource()
    with pytest.raises(ValidationError, match="cannot be edited"):
        draft_update(version=v1, actor=curator, key_points="Changed")
    v1 = ResourceVersion.objects.get(pk=v1.pk)
    v1.key_points = "Changed behind the service's back"
    with pytest.raises(ValidationError, match="cannot be edited"):
        v1.save()
    v2 = draft_start(resource=v1.resource, actor=curator)
    assert v2.pk != v1.pk and v2.key_points == ResourceVersion.objects.get(pk=v1.pk).key_points
    assert draft_start(resource=v1.resource, actor=curator) == v2  # one open draft


def test_publishing_a_new_version_retires_the_old(make_resource, curator, reviewer):
    v1 = make_resource()
    v2 = draft_start(resource=v1.resource, actor=curator)
    draft_update(version=v2, actor=curator, change_summary="Six people now.", key_points="Six people turn.")
    v2 = publish(v2, curator=curator, reviewer=reviewer)
    v1.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED and v2.label == "v2"


def test_change_summary_is_required_for_a_second_version(make_resource, curator, reviewer):
    v1 = make_resource()
    v2 = draft_start(resource=v1.resource, actor=curator)
    with pytest.raises(ValidationError):
        review_submit(version=v2, actor=curator, reviewers=[reviewer])


def test_key_points_must_be_short_enough_for_two_minutes(curator):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="two minutes"):
        resource_create(actor=curator, title="Long", kind="guideline", owner=curator, key_points="x" * 1300,
                        effective_on=today, next_review_on=today)  # fmt: skip


def test_curating_is_a_grant_over_the_resources_site(make_person, reviewer):
    site, other_site = f.SiteFactory(), f.SiteFactory()
    local = make_person(role=None, grants=[(Capability.CURATE, site)])
    nurse = make_person()
    today = timezone.localdate()
    fields = {"kind": "guideline", "key_points": "Point", "effective_on": today, "next_review_on": today}
    with pytest.raises(PermissionDenied, match="Curating"):
        resource_create(actor=nurse, title="A", owner=nurse, **fields)
    with pytest.raises(PermissionDenied):
        resource_create(actor=local, title="B", owner=local, site=other_site, **fields)
    with pytest.raises(PermissionDenied):
        resource_create(actor=local, title="C", owner=local, site=None, **fields)
    draft = resource_create(actor=local, title="D", owner=local, site=site, **fields)
    outsider = make_person(role=None, grants=[(Capability.CURATE, other_site)])
    with pytest.raises(PermissionDenied):
        draft_update(version=draft, actor=outsider, body="x")


def test_acknowledgment_required_of_the_audience_per_version(
    make_resource, make_person, curator, reviewer, icu_audience
):
    icu, audience = icu_audience
    nurse, elsewhere = make_person(unit=icu), make_person()
    v1 = make_resource(audience=audience, requires_acknowledgment=True)
    first = Assignment.objects.get(person=nurse)
    assert first.cycle_kind == "version" and first.cycle_version_id == v1.item_version_id
    assert not Assignment.objects.filter(person=elsewhere).exists()

    record = acknowledge(person=nurse, resource=v1.resource)
    assert record.version_id == v1.item_version_id
    assert acknowledge(person=nurse, resource=v1.resource) == record  # twice is once
    first.refresh_from_db()
    assert first.closed_reason == ClosedReason.COMPLETED

    colleague = make_person(unit=icu)
    v2 = draft_start(resource=v1.resource, actor=curator)
    draft_update(
        version=v2, actor=curator, change_summary="Prone for 16 hours.", requires_acknowledgment=True
    )
    # The colleague never acknowledged v1: v1's open requirement is superseded by v2's.
    v2 = publish(v2, curator=curator, reviewer=reviewer)
    rows = {a.cycle_version_id: a for a in Assignment.objects.filter(person=colleague)}
    assert rows[v2.item_version_id].closed_at is None and rows[v2.item_version_id].current
    assert item_status(v1.resource.item, nurse, now=timezone.now()).progress == Progress.NOT_STARTED
    acknowledge(person=nurse, resource=v1.resource)
    assert item_status(v1.resource.item, nurse, now=timezone.now()).progress == Progress.DONE
    assert (
        Assignment.objects.get(person=nurse, cycle_version=v2.item_version).closed_reason
        == ClosedReason.COMPLETED
    )


def test_superseded_requirement_of_an_old_version(
    make_resource, make_person, curator, reviewer, icu_audience
):
    icu, audience = icu_audience
    nurse = make_person(unit=icu)
    v1 = make_resource(audience=audience, requires_acknowledgment=True)
    v2 = draft_start(resource=v1.resource, actor=curator)
    draft_update(version=v2, actor=curator, change_summary="New dose.", requires_acknowledgment=True)
    v2 = publish(v2, curator=curator, reviewer=reviewer)
    old = Assignment.objects.get(person=nurse, cycle_version=v1.item_version)
    assert old.closed_reason == ClosedReason.SUPERSEDED and not old.current


def test_acknowledgment_needs_an_audience(make_resource):
    with pytest.raises(ValidationError, match="audience"):
        make_resource(requires_acknowledgment=True)


def test_retiring_a_resource_takes_it_out(make_resource, curator):
    v1 = make_resource()
    resource_retire(resource=v1.resource, actor=curator)
    v1.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED
    with pytest.raises(ValidationError):
        draft_start(resource=v1.resource, actor=curator)
    with pytest.raises(ValidationError):
        acknowledge(person=curator, resource=v1.resource)


def test_dates_must_be_in_order(curator):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="after the effective date"):
        resource_create(actor=curator, title="X", kind="guideline", owner=curator, key_points="p",
                        effective_on=today, next_review_on=today - dt.timedelta(days=1))  # fmt: skip
