"""What a person's grants cover on a day: the `Scope` of some capabilities, read once per request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from bedside.people.models import Capability, Grant, Person, PersonStatus, ScopeKind
from bedside.people.timezones import local_date, tz_of

# Capabilities that let a person look at other people's training (a coordinator: their program's people).
OVERSIGHT = (
    Capability.MANAGE,
    Capability.TEACH,
    Capability.REPORT,
    Capability.VALIDATE,
    Capability.COORDINATE,
)
# Capabilities that concern program members (who may hold no job): a system-wide grant of one of
# these covers every program; other system-wide grants cover staff only.
PROGRAM_CAPABILITIES = frozenset({Capability.COORDINATE})

Capabilities = str | Iterable[str]


def _wanted(capabilities: Capabilities) -> frozenset[str]:
    return frozenset([capabilities] if isinstance(capabilities, str) else capabilities)


@dataclass(frozen=True)
class Scope:
    """What some grants cover: everything (admin), all staff, all programs, or named targets."""

    admin: bool = False
    everything: bool = False  # a system-wide grant: every staff member and every organisational unit
    all_programs: bool = False  # a system-wide grant of a program capability
    sites: frozenset[int] = field(default_factory=frozenset)
    departments: frozenset[int] = field(default_factory=frozenset)
    units: frozenset[int] = field(default_factory=frozenset)
    programs: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (
            self.admin
            or self.everything
            or self.all_programs
            or self.sites
            or self.departments
            or self.units
            or self.programs
        )

    @property
    def organisation(self) -> bool:
        """Whether it covers any site, department or unit (everything included)."""
        return self.admin or self.everything or bool(self.sites or self.departments or self.units)


ADMIN_SCOPE = Scope(admin=True, everything=True, all_programs=True)
NO_SCOPE = Scope()


def today_of(person: Person) -> dt.date:
    """The person's local calendar day: grants start and end by it."""
    return local_date(tz_of(person), timezone.now())


def _grants(person: Person) -> list[Grant]:
    cached = getattr(person, "_grant_cache", None)
    if cached is None:
        # A person who has left holds no grant, even before anyone removes the rows.
        active = person.pk and person.status != PersonStatus.TERMINATED
        cached = list(Grant.objects.filter(person=person).order_by("pk")) if active else []
        person._grant_cache = cached
    return cached


def _held(person: Person, on: dt.date | None) -> list[Grant]:
    if not getattr(person, "is_authenticated", False):
        return []
    grants = _grants(person)
    if any(g.starts_on or g.ends_on for g in grants):
        day = on or today_of(person)
        grants = [g for g in grants if g.holds_on(day)]
    return grants


def is_admin(person: Person, *, on: dt.date | None = None) -> bool:
    """A superuser who has not left, or a holder of `administer` over the whole system today."""
    if not getattr(person, "is_authenticated", False):
        return False
    if person.is_superuser and person.status != PersonStatus.TERMINATED:
        return True
    return any(
        g.capability == Capability.ADMINISTER and g.scope_kind == ScopeKind.SYSTEM for g in _held(person, on)
    )


def scope_of(person: Person, capabilities: Capabilities, *, on: dt.date | None = None) -> Scope:
    """What the person's grants of any of the capabilities cover on day `on` (their local today)."""
    if is_admin(person, on=on):
        return ADMIN_SCOPE
    wanted = _wanted(capabilities)
    everything = all_programs = False
    targets: dict[str, set[int]] = {"site": set(), "department": set(), "unit": set(), "program": set()}
    for g in _held(person, on):
        if g.capability not in wanted:
            continue
        if g.scope_kind == ScopeKind.SYSTEM:
            everything = True
            all_programs = all_programs or g.capability in PROGRAM_CAPABILITIES
        else:
            targets[g.scope_kind].add(g.scope_id)
    return Scope(
        everything=everything,
        all_programs=all_programs,
        sites=frozenset(targets["site"]),
        departments=frozenset(targets["department"]),
        units=frozenset(targets["unit"]),
        programs=frozenset(targets["program"]),
    )


def has_any(person: Person, capabilities: Capabilities, *, on: dt.date | None = None) -> bool:
    """Whether the person holds any of the capabilities anywhere today."""
    return not scope_of(person, capabilities, on=on).empty
