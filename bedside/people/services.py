"""Writes of organisational data: audiences that other apps ask for, and grants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model

from bedside.audit.services import audit
from bedside.people.models import SCOPE_FIELDS, Audience, Grant, JobRole, Person, ScopeKind, Unit


@transaction.atomic
def audience_create(
    *,
    name: str,
    actor: Person | None,
    units: Iterable[Unit] = (),
    job_roles: Iterable[JobRole] = (),
    unit_kinds: Iterable[str] = (),
) -> Audience:
    """Create an audience of the given units, job roles and unit kinds (empty dimensions match everyone)."""
    audience = Audience.objects.create(name=name, unit_kinds=sorted(set(unit_kinds)))
    audience.units.set(list(units))
    audience.job_roles.set(list(job_roles))
    audit(
        actor=actor,
        action="audience.create",
        target=audience,
        changes={
            "units": sorted(u.pk for u in audience.units.all()),
            "job_roles": sorted(r.code for r in audience.job_roles.all()),
            "unit_kinds": audience.unit_kinds,
        },
    )
    return audience


@transaction.atomic
def grant_create(
    *,
    person: Person,
    capability: str,
    scope: Model | None,
    by: Person | None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Grant:
    """Grant a capability over a site, department, unit or program (None: the whole system), optionally
    from one day to another; only an administrator (or a job, `by=None`) may.

    Raises ValidationError for a scope that is not one of those kinds or not saved, dates the
    wrong way round, or the same grant twice.
    """
    from bedside.people import access

    if by is not None and not access.is_admin(by):
        raise PermissionDenied("Only administrators can grant access.")
    kind = ScopeKind.SYSTEM if scope is None else scope._meta.model_name
    if kind not in ScopeKind.values or kind != ScopeKind.SYSTEM and kind not in SCOPE_FIELDS:
        raise ValidationError(f"A grant covers a site, department, unit or program, not a {kind}.")
    if scope is not None and (
        scope.pk is None or not type(scope)._default_manager.filter(pk=scope.pk).exists()
    ):
        raise ValidationError(f"That {kind} does not exist.")
    target = {} if scope is None else {SCOPE_FIELDS[kind]: scope}
    grant = Grant(
        person=person,
        capability=capability,
        scope_kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        granted_by=by,
        **target,
    )
    grant.full_clean()
    grant.save()
    audit(
        actor=by,
        action="grant.create",
        target=grant,
        changes={
            "person": person.pk,
            "capability": capability,
            "scope": f"{kind}:{grant.scope_id or '*'}",
            "starts_on": starts_on.isoformat() if starts_on else None,
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    return grant
