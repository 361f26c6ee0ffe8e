"""The scope registry: how each model's objects map to scopes, and the checks every view, API and service uses.

An app registers a model once (`register_scope`): `inside(scope, on)` gives the Q of
its objects that a `Scope` covers on a day, or `via="person"` follows a foreign key
to a registered model. `targets(obj, on)` (optional) names the sites, departments,
units and programs one object belongs to, which answers the reverse question
(who holds a capability over it: `holders`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bedside.people.access.grants import (
    PROGRAM_CAPABILITIES,
    Capabilities,
    Scope,
    _wanted,
    scope_of,
)
from bedside.people.models import Grant, Person, PersonStatus, ScopeKind
from bedside.people.timezones import local_date, system_tz, zones_of


@dataclass(frozen=True)
class Targets:
    """What one object belongs to; `staff` when system-wide staff grants cover it (not a job-less learner)."""

    staff: bool = True
    sites: frozenset[int] = field(default_factory=frozenset)
    departments: frozenset[int] = field(default_factory=frozenset)
    units: frozenset[int] = field(default_factory=frozenset)
    programs: frozenset[int] = field(default_factory=frozenset)


Inside = Callable[[Scope, dt.date], Q]
TargetsOf = Callable[[Any, dt.date], Targets]


@dataclass(frozen=True)
class Registration:
    inside: Inside
    owner: str | None = None  # path from the object to the person it belongs to ("pk" for Person)
    targets: TargetsOf | None = None


_REGISTRY: dict[type[Model], Registration] = {}


def register_scope(
    model: type[Model],
    *,
    inside: Inside | None = None,
    via: str | None = None,
    owner: str | None = None,
    targets: TargetsOf | None = None,
) -> None:
    """Declare how `model`'s objects map to scopes: `inside(scope, on)`, or `via` a foreign key to a registered model.

    `owner` is the path to the person an object belongs to, so `own=True` lets them see it;
    with `via` it follows the related model's owner unless given.
    """
    if (inside is None) == (via is None):
        raise ImproperlyConfigured(f"register_scope({model.__name__}): give exactly one of inside= or via=")
    if via is not None:
        related = model._meta.get_field(via).related_model

        def inside(scope: Scope, on: dt.date, via: str = via, related=related) -> Q:
            rows = related._default_manager.filter(registration_for(related).inside(scope, on))
            return Q(**{f"{via}__in": rows.values("pk")})

        if owner is None and (base := _REGISTRY.get(related)) and base.owner:
            owner = via if base.owner == "pk" else f"{via}__{base.owner}"
        if targets is None:

            def targets(obj: Any, on: dt.date, via: str = via, related=related) -> Targets:
                base = registration_for(related)
                if base.targets is None:
                    raise ImproperlyConfigured(f"{related.__name__} registers no targets")
                return base.targets(getattr(obj, via), on)

    _REGISTRY[model] = Registration(inside=inside, owner=owner, targets=targets)


def registration_for(model: type[Model]) -> Registration:
    try:
        return _REGISTRY[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model.__name__} has no scope: register it with bedside.people.access.register_scope"
        ) from None


def scoped(
    person: Person,
    capability: Capabilities,
    rows: QuerySet | type[Model],
    *,
    own: bool = False,
    on: dt.date | None = None,
) -> QuerySet:
    """`rows` narrowed to the objects the person reaches with any of the capabilities (plus their own with `own`)."""
    qs = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    if not getattr(person, "is_authenticated", False):
        return qs.none()
    reg = registration_for(qs.model)
    scope = scope_of(person, capability, on=on)
    if scope.admin:
        return qs
    # Jobs and enrolments are current by the system's day (as audiences count them); grant dates by the holder's.
    q = Q(pk__in=[]) if scope.empty else reg.inside(scope, on or timezone.localdate())
    if own and reg.owner:
        q |= Q(**{reg.owner: person.pk})
    return qs.filter(q)


def _owned_by(obj: Model, owner: str, person: Person) -> bool | None:
    """Whether `obj` belongs to `person`, read from the row when the path is one step; None if unknown."""
    if owner == "pk":
        return obj.pk == person.pk
    if "__" not in owner:
        return getattr(obj, f"{owner}_id", None) == person.pk
    return None


def can(
    person: Person, capability: Capabilities, obj: Model, *, own: bool = False, on: dt.date | None = None
) -> bool:
    """Whether the person reaches `obj` with any of the capabilities (or it is their own, with `own`)."""
    if not getattr(person, "is_authenticated", False):
        return False
    reg = registration_for(type(obj))
    if own and reg.owner and _owned_by(obj, reg.owner, person):
        return True
    scope = scope_of(person, capability, on=on)
    if scope.admin:
        return True
    if scope.empty and not own:
        return False
    return scoped(person, capability, type(obj)._default_manager.filter(pk=obj.pk), own=own, on=on).exists()


def get_in_scope(
    person: Person,
    capability: Capabilities,
    rows: QuerySet,
    *,
    denied: str,
    missing: str = "There is nothing here that you can open.",
    own: bool = False,
    **lookup,
) -> Model:
    """The one object of `rows` matching `lookup` that the person reaches: the house rule for 403 and 404.

    403 (`denied`) when the person holds none of the capabilities anywhere: the answer does not
    depend on the object, so it confirms nothing. 404 (`missing`) when the object does not exist or
    lies outside their scope: someone who could see some such objects learns nothing about others.
    """
    found = scoped(person, capability, rows, own=own).filter(**lookup).first()
    if found is not None:
        return found
    if scope_of(person, capability).empty:
        raise PermissionDenied(denied)
    raise Http404(missing)


def require(allowed: bool, message: str = "You do not have access to this.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def holders(capability: Capabilities, objs: Iterable[Model]) -> dict[int, set[int]]:
    """For each object (by pk), the persons holding one of the capabilities over it today.

    Only grants of the capability itself count (an administrator is not everyone's manager);
    persons who have left and grants that have not begun or have ended, in the holder's local
    day, count for nothing.
    """
    objs = list(objs)
    if not objs:
        return {}
    reg = registration_for(type(objs[0]))
    if reg.targets is None:
        raise ImproperlyConfigured(f"{type(objs[0]).__name__} registers no targets")
    now = timezone.now()
    utc_day = now.astimezone(dt.UTC).date()
    # Every local day on Earth is within a day of UTC's: narrow in SQL, then decide per holder.
    grants = list(
        Grant.objects.filter(capability__in=_wanted(capability))
        .exclude(person__status=PersonStatus.TERMINATED)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=utc_day + dt.timedelta(days=1)))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=utc_day - dt.timedelta(days=1)))
        .order_by("pk")
    )
    dated = {g.person_id for g in grants if g.starts_on or g.ends_on}
    zones = zones_of(dated) if dated else {}
    grants = [
        g for g in grants if g.person_id not in zones or g.holds_on(local_date(zones[g.person_id], now))
    ]
    day = local_date(system_tz(), now)
    found: dict[int, set[int]] = {}
    for obj in objs:
        t = reg.targets(obj, day)
        found[obj.pk] = {g.person_id for g in grants if _covers(g, t)}
    return found


def _covers(g: Grant, t: Targets) -> bool:
    if g.scope_kind == ScopeKind.SYSTEM:
        return t.staff or (bool(t.programs) and g.capability in PROGRAM_CAPABILITIES)
    return (
        g.scope_id
        in {
            ScopeKind.SITE: t.sites,
            ScopeKind.DEPARTMENT: t.departments,
            ScopeKind.UNIT: t.units,
            ScopeKind.PROGRAM: t.programs,
        }[g.scope_kind]
    )
