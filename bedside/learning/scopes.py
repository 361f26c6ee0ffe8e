"""How the learning app's objects map to scopes (registered in `LearningConfig.ready`).

- A course is in a scope when its department is: a department or site grant covers it, and so
  does a unit grant on one of the department's units. Its owner reaches it too (`own=True`).
- A session is in scope with its course; its instructors reach it (`own=True`) without any
  unit grant: that is how an instructor sees the roster.
- A registration and an enrolment follow their person (a manager sees their staff's).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from bedside.people import access
from bedside.people.access import Scope, Targets
from bedside.people.models import Capability, Department, Person, Unit

NOTHING = Q(pk__in=[])
AUTHORS = (Capability.TEACH,)


def department_q(scope: Scope, prefix: str) -> Q:
    """Departments (at `prefix`, e.g. "department__") a scope's grants cover, a unit grant included."""
    if scope.everything:
        return Q()
    q = NOTHING
    if scope.departments:
        q |= Q(**{f"{prefix}pk__in": scope.departments})
    if scope.sites:
        q |= Q(**{f"{prefix}site_id__in": scope.sites})
    if scope.units:
        q |= Q(**{f"{prefix}pk__in": Unit.objects.filter(pk__in=scope.units).values("department_id")})
    return q


def courses_inside(scope: Scope, on: dt.date) -> Q:
    return Q() if scope.everything else department_q(scope, "department__")


def sessions_inside(scope: Scope, on: dt.date) -> Q:
    return Q() if scope.everything else department_q(scope, "course__department__")


def course_targets(course, on: dt.date) -> Targets:
    if course.department_id is None:
        return Targets()
    return Targets(
        sites=frozenset({course.department.site_id}), departments=frozenset({course.department_id})
    )


def authoring_departments(person: Person) -> QuerySet[Department]:
    """Departments where the person may file a course: those they teach, and those of units they teach."""
    if access.is_admin(person):
        return Department.objects.select_related("site").order_by("site__code", "name")
    units = access.scoped(person, AUTHORS, Unit).values("department_id")
    depts = access.scoped(person, AUTHORS, Department).values("pk")
    return (
        Department.objects.filter(Q(pk__in=units) | Q(pk__in=depts))
        .select_related("site")
        .order_by("site__code", "name")
    )


def register() -> None:
    from bedside.learning.models import Course, CourseSession, Enrolment, LearningPath, Registration

    access.register_scope(Course, inside=courses_inside, owner="owner", targets=course_targets)
    access.register_scope(
        CourseSession,
        inside=sessions_inside,
        owner="instructors",
        targets=lambda s, on: course_targets(s.course, on),
    )
    access.register_scope(LearningPath, inside=courses_inside, owner="owner", targets=course_targets)
    access.register_scope(Registration, via="person")
    access.register_scope(Enrolment, via="person")
