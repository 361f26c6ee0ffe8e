"""Reads for the learning pages: the catalogue, a course page, an instructor's roster."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from bedside.assignments.models import Assignment
from bedside.learning.models import (
    SEAT_STATUSES,
    Course,
    CourseSession,
    Enrolment,
    LearningPath,
    Module,
    ModuleProgress,
    Registration,
    RegistrationStatus,
    RevisionState,
)
from bedside.people import access
from bedside.people.audiences import audiences_of
from bedside.people.models import Person
from bedside.records.search import search_items

READING_HITS = 50


def published_courses() -> QuerySet[Course]:
    """Courses a learner can open: a published revision, an active item."""
    from bedside.learning.models import CourseRevision

    published = CourseRevision.objects.filter(course=OuterRef("pk"), state=RevisionState.PUBLISHED)
    return (
        Course.objects.filter(Exists(published), item__active=True)
        .select_related("item", "audience")
        .order_by("item__title", "pk")
    )


def _theirs(person: Person) -> Q:
    """Courses that are someone's own: required of them, enrolled on, or naming them in the audience."""
    return (
        Exists(Enrolment.objects.filter(course=OuterRef("pk"), person=person))
        | Exists(Assignment.objects.filter(item=OuterRef("item_id"), person=person))
        | Q(audience__include_persons=person)
    )


def courses_for(person: Person) -> QuerySet[Course]:
    """Published courses this person may open: every one for the hospital's staff; for someone
    outside it (an outside clinician, a pipeline student) only those that are theirs (`_theirs`).
    The hospital's own courses are not theirs to browse."""
    rows = published_courses()
    if access.is_hospital_staff(person):
        return rows
    return rows.filter(_theirs(person)).distinct()


def may_open(person: Person, course: Course) -> bool:
    """Whether the person may enrol on the course or book its sessions (published or not: a campaign
    books sessions of the courses it plans)."""
    if access.is_hospital_staff(person):
        return True
    return Course.objects.filter(pk=course.pk).filter(_theirs(person)).exists()


def sessions_for(person: Person) -> QuerySet[CourseSession]:
    """Sessions of active courses; for someone outside the hospital, only of courses that are theirs."""
    rows = CourseSession.objects.filter(course__item__active=True)
    if not access.is_hospital_staff(person):
        rows = rows.filter(course__in=Course.objects.filter(_theirs(person)).values("pk"))
    return rows


def paths_for(person: Person) -> QuerySet[LearningPath]:
    """Active learning paths: all for staff; for someone outside, those they are required to follow."""
    rows = LearningPath.objects.filter(item__active=True).select_related("item")
    if not access.is_hospital_staff(person):
        rows = rows.filter(Exists(Assignment.objects.filter(item=OuterRef("item_id"), person=person)))
    return rows


@dataclass(frozen=True)
class ReadingMatch:
    """A course found through one of its readings: the reading, and where its text matched."""

    module_title: str
    title: str
    snippet: str  # safe HTML from the searching app


def reading_matches(q: str) -> dict[int, list[ReadingMatch]]:
    """Published courses whose current revision reads an item that the catalogue's search finds for `q`
    (a library resource, any version of it), with the search's highlighted snippet."""
    hits = {h.item_id: h for h in search_items(q, limit=READING_HITS)}
    if not hits:
        return {}
    modules = (
        Module.objects.filter(
            revision__state=RevisionState.PUBLISHED, resource_version__item_id__in=list(hits)
        )
        .select_related("resource_version")
        .order_by("revision__course_id", "position")
        .values_list("revision__course_id", "title", "resource_version__item_id")
    )
    found: dict[int, list[ReadingMatch]] = {}
    for course_id, module_title, item_id in modules:
        hit = hits[item_id]
        found.setdefault(course_id, []).append(ReadingMatch(module_title, hit.title, hit.snippet))
    return found


def catalogue(
    person: Person, *, q: str = "", modality: str = "", duration: str = "", for_me: bool = False
) -> QuerySet[Course]:
    """Published courses filtered as asked; `q` matches a title or summary, or a reading the search finds
    (each such course carries `reading_matches`, the readings and their snippets)."""
    rows = courses_for(person)
    readings: dict[int, list[ReadingMatch]] = {}
    if q:
        readings = reading_matches(q)
        rows = rows.filter(Q(item__title__icontains=q) | Q(summary__icontains=q) | Q(pk__in=list(readings)))
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
    if readings:
        found = list(rows)
        for c in found:
            c.reading_matches = readings.get(c.pk, [])
        return found
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
