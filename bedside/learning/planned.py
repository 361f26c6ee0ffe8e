"""What a published plan (the `planner` app, above this one) asks of sessions: a room by name, and a place
for each learner it placed.

The planner has checked each learner's shifts against their unit's staffing minimum before placing them,
so a clash with a shift is no refusal here: the place is recorded as an override by whoever published the
plan, with the plan as the reason, and audited like any override.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.learning.authoring import require_author
from bedside.learning.models import LIVE_STATUSES, CourseSession, Registration, Room
from bedside.learning.sessions import clashes, place
from bedside.people.models import Person, Site


@transaction.atomic
def room_for(*, site: Site, name: str, seats: int, actor: Person | None) -> Room:
    """The site's room of that name (any case), made with `seats` seats if the site has none yet."""
    room = Room.objects.filter(site=site, name__iexact=name.strip()).first()
    if room is None:
        room = Room.objects.create(site=site, name=name.strip()[:120], capacity=seats)
        audit(actor=actor, action="room.create", target=room, changes={"name": room.name, "capacity": seats})
    return room


@transaction.atomic
def register_planned(
    *,
    person: Person,
    session: CourseSession,
    actor: Person | None,
    reason: str,
    now: dt.datetime | None = None,
) -> Registration:
    """A place for a learner a plan put in this session: a seat if one is free, else the waiting list.
    Registering twice returns the same place. Refuses a cancelled session and one that has begun."""
    now = now or timezone.now()
    session = CourseSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    require_author(actor, session.course)
    if session.cancelled_at is not None:
        raise ValidationError(
            f"The session of {session.course.title} at {session.starts_at:%d %b %H:%M} is cancelled."
        )
    if session.starts_at <= now:
        raise ValidationError(
            f"The session of {session.course.title} at {session.starts_at:%d %b %H:%M} has begun."
        )
    existing = Registration.objects.filter(session=session, person=person, status__in=LIVE_STATUSES).first()
    if existing is not None:
        return existing
    found = clashes(person, session)
    return place(
        session=session, person=person, actor=actor, now=now,
        override_reason=reason if found else "",
        changes={"planned": reason} | ({"clashes": [c.what for c in found]} if found else {}),
    )  # fmt: skip
