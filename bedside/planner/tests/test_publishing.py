"""Publishing a plan: existing sessions offered as slots, sessions opened, learners registered and invited
(with a calendar file), twice harmless, and managers see whom of their unit the plan releases when."""

import datetime as dt

import pytest
from django.core import mail

from bedside.audit.models import AuditEntry
from bedside.campaigns.services import campaign_launch
from bedside.campaigns.tests.conftest import TODAY
from bedside.core.periodic import every, periodic_jobs
from bedside.learning import sessions
from bedside.learning.authoring import course_create
from bedside.learning.models import CourseSession, Modality, Registration, RegistrationStatus, Room
from bedside.planner.from_campaign import Options, campaign_problem
from bedside.planner.models import Invitation, PlanRun, PlanStatus, PublishedSession
from bedside.planner.publishing import deliver, invitations_retry
from bedside.planner.services import plan_publish, plan_request, plan_run
from bedside.testing import factories as f
from bedside.testing.mail import REFUSING

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 30, 17, tzinfo=dt.UTC)  # 12:00 in New York, Monday


@pytest.fixture
def course_campaign(make_campaign, hospital, django_capture_on_commit_callbacks):
    """The ICU keeps 3 RNs 07-19; five are on Tuesday's day shift. The bundle holds a classroom course with
    an existing session on Wednesday 10:00 (3 seats, one taken by a ward nurse)."""
    rn = hospital.nurses[0].jobs.get().job_role
    tz = hospital.icu.site.tz
    for weekday in range(7):
        f.StaffingMinimumFactory(unit=hospital.icu, job_role=rn, weekday=weekday, minimum=3)
    start = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(7), tzinfo=tz)
    for person in [*hospital.nurses, hospital.educator, hospital.manager]:
        f.ShiftFactory(
            person=person, unit=hospital.icu, job_role=rn, start=start, end=start + dt.timedelta(hours=12)
        )
    course = course_create(actor=hospital.educator, title="Proning workshop", modality=Modality.CLASSROOM)
    room = Room.objects.create(site=hospital.icu.site, name="Classroom 1", capacity=3)
    wednesday = dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(10), tzinfo=tz)
    existing = sessions.session_create(actor=None, course=course, starts_at=wednesday,
                                       ends_at=wednesday + dt.timedelta(hours=2), seats=3, room=room, now=NOON)  # fmt: skip
    sessions.register(person=hospital.ward_nurse, session=existing, now=NOON)
    campaign = make_campaign(
        items=[course.item, hospital.items[0].item], deadline=TODAY + dt.timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(campaign=campaign, actor=hospital.educator, today=TODAY)
    campaign.existing_session = existing
    return campaign


OPTIONS = Options(rooms=(("Sim lab", 2),), times=(dt.time(13),), instructors=1, time_limit=10)


def test_existing_sessions_are_slots_with_their_free_seats(course_campaign):
    problem = campaign_problem(course_campaign, OPTIONS, today=TODAY, now=NOON)
    existing = [s for s in problem.slots if s.existing]
    assert [(s.id, s.capacity, s.room) for s in existing] == [
        (f"session-{course_campaign.existing_session.pk}", 2, "Classroom 1")
    ]
    assert len(problem.slots) == 4  # Mon, Tue, Wed at 13:00 in the Sim lab, and the existing one


def test_publishing_opens_registers_and_invites_once(
    course_campaign, hospital, django_capture_on_commit_callbacks
):
    run = plan_request(campaign=course_campaign, options=OPTIONS, actor=hospital.educator, today=TODAY)
    plan_run(run_id=run.pk, today=TODAY)
    run.refresh_from_db()
    assert (
        run.status == PlanStatus.DONE and run.report["trained"] == 5 and run.report["violations_total"] == 0
    )
    # The existing session is filled first: 2 there, so only two new sessions for the other three.
    assert (run.report["existing_filled"], run.report["sessions"]) == (1, 2)
    with django_capture_on_commit_callbacks(execute=True):
        invited = plan_publish(run=run, actor=hospital.educator, now=NOON)
    assert invited == 5
    run.refresh_from_db()
    assert run.status == PlanStatus.PUBLISHED
    assert PublishedSession.objects.filter(run=run, opened=True).count() == 2
    assert CourseSession.objects.count() == 3
    places = Registration.objects.exclude(person=hospital.ward_nurse)
    assert places.count() == 5 and {p.status for p in places} == {RegistrationStatus.REGISTERED}
    released = places.filter(session__starts_at__date=TODAY + dt.timedelta(days=1))
    assert released and all(p.override_reason.startswith(f"Placed by plan {run.pk}") for p in released)
    assert len(mail.outbox) == 5 and Invitation.objects.filter(sent_at__isnull=False).count() == 5
    message = mail.outbox[0]
    assert message.subject.startswith("Booked: Proning workshop")
    name, ics, mimetype = message.attachments[0]
    assert mimetype == "text/calendar" and "BEGIN:VEVENT" in ics and "Proning workshop" in ics
    assert AuditEntry.objects.filter(action="plan.publish").count() == 1
    # Twice: nothing more is made or sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert plan_publish(run=PlanRun.objects.get(pk=run.pk), actor=hospital.educator, now=NOON) == 0
    assert CourseSession.objects.count() == 3 and places.count() == 5 and len(mail.outbox) == 5


def test_the_manager_sees_whom_the_plan_releases_when(client, course_campaign, hospital):
    client.force_login(hospital.manager)
    url = f"/campaigns/{course_campaign.pk}/plan/releases/"
    assert "No plan is published" in client.get(url).content.decode()
    run = plan_request(campaign=course_campaign, options=OPTIONS, actor=hospital.educator, today=TODAY)
    plan_run(run_id=run.pk, today=TODAY)
    plan_publish(run=PlanRun.objects.get(pk=run.pk), actor=hospital.educator, now=NOON)
    page = client.get(url).content.decode()
    assert "Medical ICU: 5 people" in page and "Released from shift" in page and "Proning workshop" in page
    client.force_login(hospital.ward_educator)
    assert client.get(url).status_code == 404


def test_a_plan_that_cannot_be_published_changes_nothing(course_campaign, hospital):
    from django.core.exceptions import ValidationError

    run = plan_request(campaign=course_campaign, options=OPTIONS, actor=hospital.educator, today=TODAY)
    with pytest.raises(ValidationError, match="Only a proposed plan"):
        plan_publish(run=run, actor=hospital.educator, now=NOON)
    assert not Registration.objects.exclude(person=hospital.ward_nurse).exists()


def test_a_refused_invitation_is_sent_by_the_hourly_sweep_once(
    course_campaign, hospital, settings, django_capture_on_commit_callbacks
):
    run = plan_request(campaign=course_campaign, options=OPTIONS, actor=hospital.educator, today=TODAY)
    plan_run(run_id=run.pk, today=TODAY)
    run.refresh_from_db()
    locmem, settings.EMAIL_BACKEND = settings.EMAIL_BACKEND, REFUSING
    with django_capture_on_commit_callbacks(execute=True):
        assert plan_publish(run=run, actor=hospital.educator, now=NOON) == 5
    assert mail.outbox == [] and Invitation.objects.filter(sent_at__isnull=True).count() == 5
    settings.EMAIL_BACKEND = locmem  # the server is back
    assert invitations_retry(now=NOON + dt.timedelta(minutes=5)) == 0  # too fresh: its own job may still run
    assert invitations_retry(now=NOON + dt.timedelta(hours=1)) == 5
    assert invitations_retry(now=NOON + dt.timedelta(hours=2)) == 0
    assert deliver(run_id=run.pk) == 0  # a late delivery of the run sends nothing twice
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Invitation.objects.values_list("person__email", flat=True)
    )
    assert Invitation.objects.filter(sent_at__isnull=True).count() == 0


def test_the_invitation_sweep_runs_hourly():
    (job,) = [j for j in periodic_jobs() if j.name == "planner.invitations_retry"]
    assert job.is_task and job.when == every(minutes=60)
