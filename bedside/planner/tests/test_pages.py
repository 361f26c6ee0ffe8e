"""Planning a campaign from its page: inputs read from shifts and minimums, a background run, the review, publish."""

import datetime as dt

import pytest

from bedside.campaigns.services import campaign_launch
from bedside.campaigns.tests.conftest import TODAY
from bedside.planner import seams
from bedside.planner.from_campaign import Options, campaign_problem
from bedside.planner.models import PlanRun, PlanStatus
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed_campaign(make_campaign, hospital, django_capture_on_commit_callbacks):
    """The ICU: minimum 3 RNs 07-19 every day; the three nurses plus two others on days 07-19 tomorrow."""
    rn = hospital.nurses[0].jobs.get().job_role
    tz = hospital.icu.site.tz
    for weekday in range(7):
        f.StaffingMinimumFactory(unit=hospital.icu, job_role=rn, weekday=weekday, minimum=3)
    tomorrow = TODAY + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(7), tzinfo=tz)
    for person in [*hospital.nurses, hospital.educator, hospital.manager]:
        f.ShiftFactory(
            person=person, unit=hospital.icu, job_role=rn, start=start, end=start + dt.timedelta(hours=12)
        )
    campaign = make_campaign(items=[hospital.items[0].item], deadline=TODAY + dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(campaign=campaign, actor=hospital.educator, today=TODAY)
    return campaign


def test_the_inputs_come_from_members_shifts_and_minimums(staffed_campaign, hospital):
    noon = dt.datetime(2026, 11, 30, 17, tzinfo=dt.UTC)  # 12:00 in New York: Monday 09:00 has passed
    assert (
        len(campaign_problem(staffed_campaign, Options(times=(dt.time(9),)), today=TODAY, now=noon).slots)
        == 2
    )
    problem = campaign_problem(staffed_campaign, Options(times=(dt.time(13),)), today=TODAY, now=noon)
    assert len(problem.learners) == 5 and all(lr.weight == 9 for lr in problem.learners)
    assert {len(lr.duties) for lr in problem.learners} == {1}
    assert len(problem.staffed) == 5 and {n.minimum for n in problem.needs} == {3}
    assert len(problem.slots) == 3  # Mon, Tue, Wed at 13:00 in one room (weekdays only)


def test_a_plan_runs_in_the_background_and_is_reviewed_then_published(
    client, staffed_campaign, hospital, django_capture_on_commit_callbacks
):
    client.force_login(hospital.manager)
    assert client.get(f"/campaigns/{staffed_campaign.pk}/plan/").status_code == 403
    client.force_login(hospital.educator)
    form = {"rooms": "Sim lab: 2", "times": "13:00", "minutes": "120", "instructors": "1",
            "teach_from": "07:00", "teach_until": "19:00", "time_limit": "5"}  # fmt: skip
    bad = client.post(f"/campaigns/{staffed_campaign.pk}/plan/", {**form, "rooms": "Sim lab twelve"})
    assert "Write each room as" in bad.content.decode() and not PlanRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/campaigns/{staffed_campaign.pk}/plan/", form)
    assert response.status_code == 302
    run = PlanRun.objects.get()
    assert run.status == PlanStatus.DONE, run.error
    # Two seats a day for three days: 5 learners fit; on Tuesday only 2 may leave the shift (5 on, minimum 3).
    assert run.report["trained"] == 5 and run.report["violations_total"] == 0
    assert run.report["bound"] == 5
    page = client.get(f"/campaigns/{staffed_campaign.pk}/plan/").content.decode()
    assert '5</span> <span class="figure-label">of 5 trained; the best possible is at most 5' in page
    assert "Every rule holds" in page and "Publish this plan" in page
    made = []

    def count(plan_run, sessions, **kwargs):
        made.append(len(sessions))
        return len(sessions)

    seams.register_materialiser(count)
    try:
        client.post(f"/campaigns/{staffed_campaign.pk}/plan/publish/")
    finally:
        seams.unregister(count)
    run.refresh_from_db()
    assert run.status == PlanStatus.PUBLISHED and made == [len(run.sessions)]


def test_a_campaign_past_its_deadline_is_not_planned(client, staffed_campaign, hospital):
    from django.core.exceptions import ValidationError

    from bedside.planner.services import plan_request

    with pytest.raises(ValidationError, match="deadline has passed"):
        plan_request(campaign=staffed_campaign, options=Options(), actor=hospital.educator,
                     today=TODAY + dt.timedelta(days=5))  # fmt: skip
