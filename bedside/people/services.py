"""Writes of organisational data that other apps ask for (audiences)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from bedside.audit.services import audit
from bedside.people.models import Audience, JobRole, Person, Unit


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
