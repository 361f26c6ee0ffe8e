"""How the people app's objects map to scopes: organisation by containment, persons by their current jobs
and program enrolments.

A system-wide grant covers every staff member (a person with a current job); people with no
job (external learners, pipeline students) are covered only through their programs: a grant
over the program, or a system-wide grant of a program capability (coordinate).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from bedside.people.access.grants import Scope
from bedside.people.access.registry import Targets, register_scope
from bedside.people.models import (
    Department,
    Person,
    Program,
    Site,
    Unit,
    active_enrolments,
    active_jobs,
)

NOTHING = Q(pk__in=[])


def unit_q(scope: Scope, prefix: str = "") -> Q:
    """Units (at `prefix`, e.g. "unit__") that the scope's organisational grants cover."""
    if scope.everything:
        return Q()
    q = NOTHING
    if scope.units:
        q |= Q(**{f"{prefix}pk__in": scope.units})
    if scope.departments:
        q |= Q(**{f"{prefix}department_id__in": scope.departments})
    if scope.sites:
        q |= Q(**{f"{prefix}site_id__in": scope.sites})
    return q


def units_inside(scope: Scope, on: dt.date) -> Q:
    return unit_q(scope)


def sites_inside(scope: Scope, on: dt.date) -> Q:
    return Q() if scope.everything else Q(pk__in=scope.sites)


def at_site_inside(scope: Scope, on: dt.date) -> Q:
    """Objects that belong to a site (their `site`), or to the whole system when they name none: the
    grants over their site reach them, and only system-wide grants reach the system's own."""
    return Q() if scope.everything else Q(site_id__in=scope.sites)


def at_site_targets(obj, on: dt.date) -> Targets:
    """What an object of `at_site_inside` is inside: its site, or nothing below the system."""
    return Targets(sites=frozenset({obj.site_id}) if obj.site_id else frozenset())


def departments_inside(scope: Scope, on: dt.date) -> Q:
    return Q() if scope.everything else Q(pk__in=scope.departments) | Q(site_id__in=scope.sites)


def programs_inside(scope: Scope, on: dt.date) -> Q:
    return Q() if scope.all_programs else Q(pk__in=scope.programs)


def persons_inside(scope: Scope, on: dt.date) -> Q:
    """Staff with a current job in the organisational scope; members of the programs in scope."""
    q = NOTHING
    if scope.organisation:
        q |= Q(pk__in=active_jobs(on).filter(unit_q(scope, prefix="unit__")).values("person_id"))
    if scope.all_programs:
        q |= Q(pk__in=active_enrolments(on).values("person_id"))
    elif scope.programs:
        q |= Q(pk__in=active_enrolments(on).filter(program_id__in=scope.programs).values("person_id"))
    return q


def unit_targets(unit: Unit, on: dt.date) -> Targets:
    return Targets(
        sites=frozenset({unit.site_id}),
        departments=frozenset({unit.department_id}),
        units=frozenset({unit.pk}),
    )


def person_targets(person: Person, on: dt.date) -> Targets:
    units = list(
        active_jobs(on).filter(person=person).values_list("unit_id", "unit__department_id", "unit__site_id")
    )
    programs = active_enrolments(on).filter(person=person).values_list("program_id", flat=True)
    return Targets(
        staff=bool(units),
        units=frozenset(u for u, _, _ in units),
        departments=frozenset(d for _, d, _ in units),
        sites=frozenset(s for _, _, s in units),
        programs=frozenset(programs),
    )


register_scope(Unit, inside=units_inside, targets=unit_targets)
register_scope(Site, inside=sites_inside, targets=lambda site, on: Targets(sites=frozenset({site.pk})))
register_scope(
    Department,
    inside=departments_inside,
    targets=lambda d, on: Targets(sites=frozenset({d.site_id}), departments=frozenset({d.pk})),
)
register_scope(
    Program,
    inside=programs_inside,
    targets=lambda p, on: Targets(staff=False, programs=frozenset({p.pk})),
)
register_scope(Person, inside=persons_inside, owner="pk", targets=person_targets)
