"""The one place access is decided: grants of a capability over a scope, and a registry of how objects map
to scopes.

- `can(person, capability, obj)`: whether the person reaches one object.
- `scoped(person, capability, queryset_or_model)`: the objects they reach.
- `get_in_scope(...)`: one object, with the house rule: 403 without the capability anywhere,
  404 for an object that does not exist or lies outside the scope.
- `holders(capability, objs)`: who holds a capability over each object (e.g. a unit's managers).
- `register_scope(Model, inside=... | via=..., owner=..., targets=...)`: how an app's model maps to scopes.

Grants hold from `starts_on` to `ends_on` in the holder's local day; a person who has left
holds nothing. A system-wide `administer` grant (or a superuser) holds every capability
everywhere. See docs/contracts.md, "Access".
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from bedside.people.access import scopes  # noqa: F401  (registers the people app's models)
from bedside.people.access.grants import (
    OVERSIGHT,
    PROGRAM_CAPABILITIES,
    Capabilities,
    Scope,
    has_any,
    is_admin,
    scope_of,
    today_of,
)
from bedside.people.access.registry import (
    Registration,
    Targets,
    can,
    get_in_scope,
    holders,
    register_scope,
    registration_for,
    require,
    scoped,
)
from bedside.people.models import Capability, Person, Unit, active_jobs

__all__ = [
    "OVERSIGHT",
    "PROGRAM_CAPABILITIES",
    "Registration",
    "Scope",
    "Targets",
    "can",
    "get_in_scope",
    "has_any",
    "holders",
    "is_admin",
    "is_hospital_staff",
    "persons_in_scope",
    "register_scope",
    "registration_for",
    "require",
    "scope_of",
    "scoped",
    "today_of",
    "units_in_scope",
]


def is_hospital_staff(person: Person | None, *, on: dt.date | None = None) -> bool:
    """Whether the person is of the hospital: a current job, a grant of any capability, or a superuser.

    Everyone else who signs in (an outside clinician with no job, a pipeline student) sees what is
    public and what is theirs (their enrolments, their requirements), never the hospital's internal
    library, events or courses.
    """
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    on = on or today_of(person)
    if person.is_superuser or active_jobs(on).filter(person=person).exists():
        return True
    return has_any(person, list(Capability), on=on)


def units_in_scope(person: Person, capabilities: Capabilities = OVERSIGHT) -> QuerySet[Unit]:
    """Units the person reaches with any of the capabilities, by name."""
    return scoped(person, capabilities, Unit).order_by("name", "pk")


def persons_in_scope(
    person: Person, capabilities: Capabilities = OVERSIGHT, *, on: dt.date | None = None
) -> QuerySet[Person]:
    """Persons the person reaches with any of the capabilities (not themselves unless in scope)."""
    return scoped(person, capabilities, Person, on=on)
