"""How events map to scopes (registered in `EventsConfig.ready`).

- A series or an event is in a scope with its department (a unit grant covers its department's
  events, as for courses) or, without a department, with its site. Organisers are educators
  (`teach`) and the CME office (`cme`) over that scope.
- An event's moderators reach it with `own=True` (the moderator's phone page), and a speaker
  reaches their own `Speaker` row (the speaker's view): roles held through the registry, not grants.
- A registration follows its person; so does a person's counted watching time (`WatchTime`). A
  recording follows its event.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from bedside.people import access
from bedside.people.access import Scope, Targets
from bedside.people.models import Capability, Department, Unit

ORGANISERS = (Capability.TEACH, Capability.CME)
NOTHING = Q(pk__in=[])


def _inside(scope: Scope, on: dt.date) -> Q:
    if scope.everything:
        return Q()
    q = NOTHING
    if scope.sites:
        q |= Q(site_id__in=scope.sites)
    if scope.departments:
        q |= Q(department_id__in=scope.departments)
    if scope.units:
        q |= Q(department_id__in=Unit.objects.filter(pk__in=scope.units).values("department_id"))
    return q


def _targets(obj, on: dt.date) -> Targets:
    return Targets(sites=frozenset({obj.site_id}), departments=frozenset({obj.department_id}))


def organiser_departments(person, capability=ORGANISERS) -> QuerySet[Department]:
    """Departments whose series and events the person may organise: those they teach or run CME for,
    those of units they teach, and every department of a site they hold. With `capability=CME`: the
    departments whose events they may offer credit for."""
    rows = Department.objects.select_related("site").order_by("site__code", "name")
    if access.is_admin(person):
        return rows
    scope = access.scope_of(person, capability)
    if scope.empty:
        return rows.none()
    if scope.everything:
        return rows
    return rows.filter(
        Q(pk__in=scope.departments)
        | Q(site_id__in=scope.sites)
        | Q(pk__in=Unit.objects.filter(pk__in=scope.units).values("department_id"))
    )


def register() -> None:
    from bedside.events.models import Event, Recording, Registration, Series, Speaker, WatchTime

    access.register_scope(Series, inside=_inside, targets=_targets)
    access.register_scope(Event, inside=_inside, owner="moderators", targets=_targets)
    access.register_scope(Speaker, via="event", owner="person")
    access.register_scope(Registration, via="person")
    access.register_scope(Recording, via="event")
    access.register_scope(WatchTime, via="person")
