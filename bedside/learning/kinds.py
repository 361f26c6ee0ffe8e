"""The course as a learning-item kind: verbs, status and where a person opens it (resume)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from bedside.core.humanize import when
from bedside.learning.models import Course, Enrolment, Registration, RegistrationStatus
from bedside.people.models import Person
from bedside.records.kinds import ItemKind, ItemStatus, Progress, ledger_status
from bedside.records.models import LearningItem, Verb

KIND = "course"
VERBS = frozenset({Verb.COMPLETED, Verb.PASSED, Verb.FAILED, Verb.ATTENDED, Verb.VALIDATED})


def course_status(item: LearningItem, person: Person, *, now: dt.datetime) -> ItemStatus:
    """Done (or expired) as the ledger says; else in progress with how many steps are done and any
    booked session; else not started."""
    status = ledger_status(item, person, now=now)
    if status.progress in (Progress.DONE, Progress.EXPIRED):
        return status
    enrolment = (
        Enrolment.objects.filter(person=person, course__item=item, completed_at__isnull=True)
        .select_related("revision")
        .first()
    )
    place = (
        Registration.objects.filter(
            person=person,
            session__course__item=item,
            status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED),
            session__ends_at__gt=now,
            session__cancelled_at__isnull=True,
        )
        .select_related("session")
        .order_by("session__starts_at")
        .first()
    )
    if enrolment is None and place is None:
        return status
    parts = []
    if enrolment is not None:
        total = enrolment.revision.modules.count()
        done = enrolment.progress.filter(done_at__isnull=False).count()
        parts.append(f"{done} of {total} steps done")
    if place is not None:
        word = "Booked" if place.status == RegistrationStatus.REGISTERED else "Waiting list"
        parts.append(f"{word}: session {when(place.session.starts_at, now=now)}")
    at = enrolment.started_at if enrolment else place.queued_at
    return ItemStatus(Progress.IN_PROGRESS, at=at, detail="; ".join(parts))


def course_open_url(item: LearningItem, person: Person) -> str:
    """The next step of the person's enrolment (resume), else the course page."""
    course = Course.objects.filter(item=item).only("pk").first()
    if course is None:
        return reverse("learning-catalogue")
    enrolment = (
        Enrolment.objects.filter(person=person, course=course, completed_at__isnull=True)
        .select_related("revision")
        .first()
    )
    if enrolment is not None:
        from bedside.learning.progress import next_module

        module = next_module(enrolment)
        if module is not None:
            return reverse("course-module", args=[module.pk])
    return reverse("course", args=[course.pk])


COURSE_KIND = ItemKind(
    kind=KIND,
    label="Course",
    open_url=course_open_url,
    verbs=VERBS,
    completing_verbs=frozenset({Verb.COMPLETED}),
    status=course_status,
)


PATH_KIND = ItemKind(
    kind="path",
    label="Learning path",
    open_url=lambda item, person: reverse("learning-path", args=[item.learning_path.pk]),
    verbs=frozenset({Verb.COMPLETED}),
    completing_verbs=frozenset({Verb.COMPLETED}),
)
