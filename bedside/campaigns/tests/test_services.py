"""Creating and launching campaigns: access, bad input, one background job, idempotent and resumable."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bedside.assignments.models import Assignment
from bedside.campaigns.models import Campaign, CampaignMember, LaunchStatus
from bedside.campaigns.services import campaign_launch, campaign_launch_run
from bedside.campaigns.tests.conftest import TODAY
from bedside.records.models import Verb
from bedside.records.services import record_add

pytestmark = pytest.mark.django_db


def launch(campaign, actor, capture):
    with capture(execute=True):
        assert campaign_launch(campaign=campaign, actor=actor, today=TODAY)
    return Campaign.objects.get(pk=campaign.pk)


def test_an_educator_of_another_unit_cannot_target_the_icu(make_campaign, hospital):
    with pytest.raises(PermissionDenied):
        make_campaign(actor=hospital.ward_educator)
    with pytest.raises(PermissionDenied, match="only name people on the units you teach"):
        make_campaign(units=[], named=[hospital.ward_nurse])
    assert not Campaign.objects.exists()


def test_bad_dates_and_an_empty_bundle_are_refused_with_reasons(make_campaign):
    with pytest.raises(ValidationError) as caught:
        make_campaign(items=[], deadline=TODAY - dt.timedelta(days=1))
    assert caught.value.messages == [
        "The deadline must be on or after the start.",
        "The deadline has passed; choose a day from today on.",
        "Choose at least one learning item for the campaign.",
    ]


def test_launch_requires_every_item_with_the_campaign_cycle_key(
    make_campaign, hospital, django_capture_on_commit_callbacks
):
    from bedside.testing import factories as f

    # The educator teaches the ward too, so may name its nurse without taking the whole ward.
    f.GrantFactory(person=hospital.educator, capability="teach", scope_kind="unit", unit=hospital.ward)
    campaign = make_campaign(named=[hospital.ward_nurse], units=[hospital.icu])
    done = launch(campaign, hospital.educator, django_capture_on_commit_callbacks)
    assert done.status == LaunchStatus.LAUNCHED and done.launch_percent == 100
    # Three nurses, the educator and the manager hold jobs on the ICU, plus the named ward nurse.
    assert done.people == 6 and done.created_requirements == 12
    rows = Assignment.objects.filter(source_kind="campaign", source_ref=campaign.ref)
    assert rows.count() == 12
    assert {a.cycle.kind for a in rows} == {"campaign"} and {a.cycle_ref for a in rows} == {campaign.ref}
    zone = hospital.icu.site.tz
    assert {a.due_at.astimezone(zone).date() for a in rows} == {TODAY + dt.timedelta(days=10)}
    assert CampaignMember.objects.filter(campaign=campaign, unit=hospital.ward).count() == 1


def test_a_prior_completion_closes_the_new_requirement_at_once(
    make_campaign, hospital, django_capture_on_commit_callbacks
):
    item = hospital.items[0].item
    record_add(person=hospital.nurses[0], item=item, verb=Verb.ACKNOWLEDGED, by=hospital.nurses[0])
    campaign = launch(make_campaign(), hospital.educator, django_capture_on_commit_callbacks)
    row = Assignment.objects.get(person=hospital.nurses[0], item=item, source_ref=campaign.ref)
    assert row.closed_reason == "completed"


def test_launching_again_creates_nothing_twice(make_campaign, hospital, django_capture_on_commit_callbacks):
    campaign = launch(make_campaign(), hospital.educator, django_capture_on_commit_callbacks)
    before = Assignment.objects.count()
    again = launch(campaign, hospital.educator, django_capture_on_commit_callbacks)
    assert again.status == LaunchStatus.LAUNCHED and Assignment.objects.count() == before
    assert campaign_launch_run(campaign_id=campaign.pk) == {"skipped": True}  # a job delivered twice


def test_an_interrupted_launch_is_finished_by_launching_again(
    make_campaign, hospital, django_capture_on_commit_callbacks
):
    campaign = make_campaign()
    from bedside.campaigns import services

    real = services.assignments_create
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["item"])
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return real(**kwargs)

    with mock.patch.object(services, "assignments_create", flaky):  # the task backend logs the error
        launch(campaign, hospital.educator, django_capture_on_commit_callbacks)
    stopped = Campaign.objects.get(pk=campaign.pk)
    assert stopped.status == LaunchStatus.FAILED and "Launch again" in stopped.launch_error
    assert Assignment.objects.filter(source_ref=campaign.ref).count() == 5
    done = launch(stopped, hospital.educator, django_capture_on_commit_callbacks)
    assert done.status == LaunchStatus.LAUNCHED
    assert Assignment.objects.filter(source_ref=campaign.ref).count() == 10


def test_a_manager_cannot_launch_and_a_past_deadline_cannot_be_launched(make_campaign, hospital):
    campaign = make_campaign()
    with pytest.raises(PermissionDenied):
        campaign_launch(campaign=campaign, actor=hospital.manager, today=TODAY)
    with pytest.raises(ValidationError, match="deadline has passed"):
        campaign_launch(campaign=campaign, actor=hospital.educator, today=TODAY + dt.timedelta(days=11))
