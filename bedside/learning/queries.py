"""Reads for the learning pages: the catalogue, a course page, an instructor's roster."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from bedside.learning.models import (
    SEAT_STATUSES,
    Course,
    CourseSession,
    Enrolment,
    ModuleProgress,
    Registration,
    RegistrationStatus,
    RevisionState,
)
from bedside.people.audiences import audiences_of
from bedside.people.models import Person


def published_courses() -> QuerySet[Course]:
    """Courses a learner can open: a published revision, an active item."""
    from bedside.learning.models import CourseRevision

    published = CourseRevision.objects.filter(course=OuterRef("pk"), state=RevisionState.PUBLISHED)
    return (
        Course.objects.filter(Exists(published), item__active=True)
        .select_related("item", "audience")
        .order_by("item__title", "pk")
    )


def catalogue(
    person: Person, *, q: str = "", modality: str = "", duration: str = "", for_me: bool = False
) -> QuerySet[Course]:
    rows = published_courses()
    if q:
        rows = rows.filter(Q(item__title__icontains=q) | Q(summary__icontains=q))
    if modality:
        rows = rows.filter(modality=modality)
    if duration == "15":
        rows = rows.filter(item__minutes__lte=15)
    elif duration == "60":
        rows = rows.filter(item__minutes__lte=60)
    elif duration == "61":
        rows = rows.filter(item__minutes__gt=60)
    if for_me:
        rows = rows.filter(Q(audience__isnull=True) | Q(audience__in=[a.pk for a in audiences_of(person)]))
    return rows


def sessions_open(course: Course, now: dt.datetime) -> QuerySet[CourseSession]:
    """A course's sessions still to come, with seats taken and the waiting list counted."""
    return (
        CourseSession.objects.filter(course=course, starts_at__gt=now, cancelled_at__isnull=True)
        .select_related("room")
        .annotate(
            taken=Count("registrations", filter=Q(registrations__status__in=SEAT_STATUSES)),
            waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
        )
        .order_by("starts_at")
    )


def sessions_with_places(course: Course, person: Person, now: dt.datetime) -> list[CourseSession]:
    """Open sessions, each with `place`: the person's live registration in it, or None."""
    places = places_of(person, course)
    rows = list(sessions_open(course, now))
    for s in rows:
        s.place = places.get(s.pk)
    return rows


def progress_by_module(enrolment: Enrolment | None) -> dict[int, ModuleProgress]:
    if enrolment is None:
        return {}
    return {p.module_id: p for p in enrolment.progress.all()}


def places_of(person: Person, course: Course) -> dict[int, Registration]:
    return {
        r.session_id: r
        for r in Registration.objects.filter(person=person, session__course=course).exclude(
            status=RegistrationStatus.CANCELLED
        )
    }


def roster(session: CourseSession) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(session=session)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("person")
        .order_by("status", "person__last_name", "person__first_name")
    )
