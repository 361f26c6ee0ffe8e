"""The one place access is decided: grants of a capability over a scope.

Views and API endpoints ask `can()` for one object or take a scoped queryset
from `units_in_scope()` / `persons_in_scope()`; they never filter in templates.
A system-wide `administer` grant (or a superuser) holds every capability.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from bedside.people.models import Capability, Grant, Person, PersonStatus, ScopeKind, Unit, active_jobs

# Capabilities that let a person look at other people's training.
OVERSIGHT = (Capability.MANAGE, Capability.TEACH, Capability.REPORT, Capability.VALIDATE)


def _grants(person: Person) -> list[Grant]:
    cached = getattr(person, "_grant_cache", None)
    if cached is None:
        # A person who has left holds no grant, even before anyone removes the rows.
        active = person.pk and person.status != PersonStatus.TERMINATED
        cached = list(Grant.objects.filter(person=person).order_by("pk")) if active else []
        person._grant_cache = cached
    return cached


def is_admin(person: Person) -> bool:
    if not getattr(person, "is_authenticated", False):
        return False
    if person.is_superuser and person.status != PersonStatus.TERMINATED:
        return True
    return any(
        g.capability == Capability.ADMINISTER and g.scope_kind == ScopeKind.SYSTEM for g in _grants(person)
    )


def _matching(person: Person, capabilities: Iterable[str]) -> list[Grant]:
    wanted = set(capabilities)
    return [g for g in _grants(person) if g.capability in wanted]


def has_any(person: Person, capabilities: Iterable[str]) -> bool:
    """Whether the person holds any of the capabilities anywhere."""
    if not getattr(person, "is_authenticated", False):
        return False
    return is_admin(person) or bool(_matching(person, capabilities))


def unit_filter(person: Person, capabilities: Iterable[str], prefix: str = "") -> Q | None:
    """A Q over units (at `prefix`) that the person's grants cover; None means everything."""
    if is_admin(person):
        return None
    q = Q(pk__in=[])
    for g in _matching(person, capabilities):
        if g.scope_kind == ScopeKind.SYSTEM:
            return None
        if g.scope_kind == ScopeKind.SITE:
            q |= Q(**{f"{prefix}site_id": g.scope_id})
        elif g.scope_kind == ScopeKind.DEPARTMENT:
            q |= Q(**{f"{prefix}department_id": g.scope_id})
        elif g.scope_kind == ScopeKind.UNIT:
            q |= Q(**{f"{prefix}id" if prefix else "pk": g.scope_id})
    return q


def units_in_scope(person: Person, capabilities: Iterable[str] = OVERSIGHT) -> QuerySet[Unit]:
    """Units whose people the person may oversee with any of the capabilities."""
    q = unit_filter(person, capabilities)
    units = Unit.objects.all() if q is None else Unit.objects.filter(q)
    return units.order_by("name", "pk")


def persons_in_scope(person: Person, capabilities: Iterable[str] = OVERSIGHT, on=None) -> QuerySet[Person]:
    """Persons with a current job on a unit in scope (plus anyone, for system-wide grants)."""
    q = unit_filter(person, capabilities, prefix="unit__")
    if q is None:
        return Person.objects.all()
    jobs = active_jobs(on or timezone.localdate()).filter(q)
    return Person.objects.filter(pk__in=jobs.values("person_id"))


def can_oversee_unit(person: Person, unit: Unit, capabilities: Iterable[str] = OVERSIGHT) -> bool:
    q = unit_filter(person, capabilities)
    return q is None or Unit.objects.filter(q, pk=unit.pk).exists()


def can_see_person(viewer: Person, subject: Person, capabilities: Iterable[str] = OVERSIGHT) -> bool:
    """A learner sees their own data; overseers see the persons of their units."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.pk == subject.pk:
        return True
    if not has_any(viewer, capabilities):
        return False
    return persons_in_scope(viewer, capabilities).filter(pk=subject.pk).exists()


def require(allowed: bool, message: str = "You do not have access to this.") -> None:
    if not allowed:
        raise PermissionDenied(message)
