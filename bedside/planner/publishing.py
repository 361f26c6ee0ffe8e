"""Publishing a plan into the learning app: open the chosen sessions, register each planned learner, and
invite each by mail with the session's calendar file.

Registered as the planner's materialiser (`seams`), so `services.plan_publish` runs it inside its
transaction: all of it is written, or none. Twice is harmless: a session opened for a plan's slot is kept
(`PublishedSession`), a learner already placed keeps their place, and an invitation is claimed once per
person and session (`Invitation`), so a second publish sends nothing. The mail leaves after commit, from a
job, through the outbox the learning notices use too (`core.outbox`: each invitation once); the hourly
sweep (`invitations_retry`) sends the ones a refused mail left behind.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bedside.campaigns.models import CampaignMember
from bedside.core.outbox import send_claimed, unsent
from bedside.learning import sessions as learning_sessions
from bedside.learning.calendars import session_ics
from bedside.learning.models import CourseSession, SessionMode
from bedside.learning.planned import register_planned, room_for
from bedside.people.models import Person, Unit
from bedside.people.timezones import system_tz
from bedside.planner.existing_sessions import session_courses, session_of
from bedside.planner.models import Invitation, PlanRun, PublishedSession
from bedside.rosters.models import Shift, ShiftStatus


def _site_of(run: PlanRun):
    """Where new sessions meet: the site most of the campaign's members work at."""
    units = Counter(CampaignMember.objects.filter(campaign=run.campaign).values_list("unit_id", flat=True))
    sites = Counter()
    for unit in Unit.objects.filter(pk__in=[u for u in units if u]).select_related("site"):
        sites[unit.site] += units[unit.pk]
    if not sites:
        raise ValidationError("No member of the campaign works on a unit: there is nowhere to hold sessions.")
    return sites.most_common(1)[0][0]


def _session_for(run: PlanRun, planned: dict, course, site, actor, now) -> CourseSession:
    kept = PublishedSession.objects.filter(run__campaign=run.campaign, slot=planned["slot"]).first()
    if kept is not None:
        return kept.session
    existing = session_of(planned["slot"])
    if existing is not None:
        session = CourseSession.objects.get(pk=existing)
        PublishedSession.objects.create(run=run, slot=planned["slot"], session=session, opened=False)
        return session
    seats = len(planned["learners"])
    room = room_for(site=site, name=planned["room"], seats=planned.get("capacity") or seats, actor=actor)
    session = learning_sessions.session_create(
        actor=actor,
        course=course,
        starts_at=dt.datetime.fromisoformat(planned["start"]),
        ends_at=dt.datetime.fromisoformat(planned["end"]),
        seats=max(seats, min(room.capacity, planned.get("capacity") or seats)),
        mode=SessionMode.CLASSROOM,
        room=room,
        now=now,
    )
    PublishedSession.objects.create(run=run, slot=planned["slot"], session=session, opened=True)
    return session


def materialise(run: PlanRun, sessions: list[dict], *, actor: Person | None, now: dt.datetime) -> int:
    """Open (or find) each planned session of the bundle's first session course, register its learners and
    claim their invitations; returns how many people were newly invited. A campaign whose bundle has no
    course that meets in sessions makes nothing (the plan is recorded as published)."""
    courses = session_courses(run.campaign)
    if not courses or not sessions:
        return 0
    course, site = courses[0], _site_of(run)
    reason = (
        f"Placed by plan {run.pk} of the campaign “{run.campaign.name}”, which keeps each unit's minimum."
    )
    people = Person.objects.in_bulk({p for s in sessions for p in s["learners"]})
    claims = []
    for planned in sessions:
        session = _session_for(run, planned, course, site, actor, now)
        busy = set(
            Shift.objects.filter(
                person_id__in=planned["learners"],
                status=ShiftStatus.SCHEDULED,
                start__lt=session.ends_at,
                end__gt=session.starts_at,
            ).values_list("person_id", flat=True)
        )
        for person_id in planned["learners"]:
            register_planned(person=people[person_id], session=session, actor=actor, reason=reason, now=now)
            claims.append(Invitation(run=run, person_id=person_id, session=session, on_duty=person_id in busy,
                                     claimed_at=now))  # fmt: skip
    before = Invitation.objects.filter(run=run).count()
    Invitation.objects.bulk_create(claims, ignore_conflicts=True, batch_size=2000)
    invited = Invitation.objects.filter(run=run).count() - before
    if invited:
        from bedside.planner.tasks import deliver_invitations  # tasks import this module

        transaction.on_commit(lambda: deliver_invitations.enqueue(run.pk))
    return invited


def _link(name: str, *args) -> str:
    return settings.BEDSIDE_BASE_URL.rstrip("/") + reverse(name, args=args)


def _message(invitation: Invitation) -> EmailMessage:
    session, person = invitation.session, invitation.person
    tz = system_tz()
    start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
    campaign = invitation.run.campaign
    where = session.room.name if session.room else session.virtual_link
    duty = (
        "Your unit releases you from your shift for it: it keeps its minimum staffing while you are away."
        if invitation.on_duty
        else "It falls outside your scheduled shifts (paid as overtime)."
    )
    body = (
        f"Hello {person.first_name},\n\n"
        f"For “{campaign.name}” you have a place in {session.course.title} on {start:%A %d %B}, "
        f"{start:%H:%M}–{end:%H:%M}, {where}.\n{duty}\n\n"
        f"Why: {campaign.reason}\n\n"
        f"The session, and how to cancel: {_link('session', session.pk)}\n"
        "The calendar file attached adds it to your calendar.\n"
    )
    message = EmailMessage(
        subject=f"Booked: {session.course.title} on {start:%a %d %b}, {start:%H:%M}",
        body=body,
        to=[person.email],
    )
    message.attach(f"session-{session.pk}.ics", session_ics(session), "text/calendar")
    return message


def _pending(invitations):
    """Invitations with somewhere to go, with what their message reads."""
    return invitations.exclude(person__email="").select_related(
        "person", "session__course__item", "session__room", "run__campaign"
    )


def deliver(*, run_id: int) -> int:
    """Send the run's claimed invitations not yet sent (no transaction open while mailing)."""
    pending = _pending(Invitation.objects.filter(run_id=run_id, sent_at__isnull=True))
    return send_claimed(pending.order_by("session_id", "person_id"), _message, what="an invitation")


def invitations_retry(*, now: dt.datetime | None = None) -> int:
    """Send invitations a refused mail left unsent (claimed a while ago, so a running job is not raced)."""
    return send_claimed(
        unsent(_pending(Invitation.objects), now=now or timezone.now()), _message, what="an invitation"
    )
