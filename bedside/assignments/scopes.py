"""How requirements and rules map to scopes (registered with bedside.people.access at start-up).

A requirement belongs to its person. A rule is in scope when its audience reaches into
the scope: it names a unit in scope, or the department or site of a unit in scope (an
educator with a site-wide grant sees the rules of every unit of that site; a unit educator
sees the site-wide rules that reach their unit). A rule whose audience names no unit,
department or site applies to everyone: only system-wide grants reach it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from bedside.assignments.models import Assignment, AssignmentRule
from bedside.people.access import Scope, Targets, register_scope, scope_of, scoped
from bedside.people.access.scopes import unit_q
from bedside.people.models import Audience, Capability, Department, Person, Site, Unit


def rules_inside(scope: Scope, on: dt.date) -> Q:
    if scope.everything:
        return Q()
    if not scope.organisation:
        return Q(pk__in=[])
    units = Unit.objects.filter(unit_q(scope))
    reaching = AssignmentRule.objects.filter(
        Q(audience__units__in=units.values("pk"))
        | Q(audience__departments__in=units.values("department_id"))
        | Q(audience__sites__in=units.values("site_id"))
    )
    return Q(pk__in=reaching.values("pk"))


def rule_targets(rule: AssignmentRule, on: dt.date) -> Targets:
    audience = rule.audience
    units = list(audience.units.values_list("pk", "department_id", "site_id"))
    return Targets(
        units=frozenset(u for u, _, _ in units),
        departments=frozenset(audience.departments.values_list("pk", flat=True)) | {d for _, d, _ in units},
        sites=frozenset(audience.sites.values_list("pk", flat=True)) | {s for _, _, s in units},
    )


def require_audience_in_scope(actor: Person, audience: Audience, capability: str = Capability.TEACH) -> None:
    """Refuse an actor whose grants do not cover every unit, department and site the audience names.

    An audience that names none of them is everyone: only a system-wide grant covers it.
    """
    scope = scope_of(actor, capability)
    if scope.empty:
        raise PermissionDenied("Training rules are for educators.")
    if scope.everything:
        return
    units = set(audience.units.values_list("pk", flat=True))
    departments = set(audience.departments.values_list("pk", flat=True))
    sites = set(audience.sites.values_list("pk", flat=True))
    if not (units or departments or sites):
        raise PermissionDenied("Only an educator of the whole system can require training of everyone.")
    covered = (
        units <= set(scoped(actor, capability, Unit).filter(pk__in=units).values_list("pk", flat=True))
        and departments
        <= set(scoped(actor, capability, Department).filter(pk__in=departments).values_list("pk", flat=True))
        and sites <= set(scoped(actor, capability, Site).filter(pk__in=sites).values_list("pk", flat=True))
    )
    if not covered:
        raise PermissionDenied("You can only require training of the units you teach.")


def register() -> None:
    register_scope(Assignment, via="person")
    register_scope(AssignmentRule, inside=rules_inside, targets=rule_targets)
