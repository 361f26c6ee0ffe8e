"""Sessions: scheduling, registration with a waiting list, cancellation, clash checks.

Seats are counted under a row lock on the session (`select_for_update`): on PostgreSQL, 50
people registering at once for 12 seats leave exactly 12 registered and 38 waiting, and each
cancellation of a seat promotes exactly one from the waiting list (SQLite serialises writers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.learning import queries
from bedside.learning.authoring import require_author
from bedside.learning.models import (
    LIVE_STATUSES,
    SEAT_STATUSES,
    Course,
    CourseSession,
    Registration,
    RegistrationStatus,
    Room,
    SessionMode,
)
from bedside.learning.notices import Notice, link, notices_claim
from bedside.people import access
from bedside.people.models import Capability, Person
from bedside.rosters.models import Shift, ShiftStatus

MANAGERS = (Capability.MANAGE,)


def check_shape(*, starts_at, ends_at, seats: int, mode: str, room: Room | None, virtual_link: str) -> None:
    """Refuse a session that could not be held: it ends before it starts, has no seat, more seats than its
    room holds, or lacks the room or link its mode needs."""
    if ends_at <= starts_at:
        raise ValidationError("The session must end after it starts.")
    if seats < 1:
        raise ValidationError("Offer at least one seat.")
    if room is not None and seats > room.capacity:
        raise ValidationError(f"{room.name} holds {room.capacity}: offer at most {room.capacity} seats.")
    if mode == SessionMode.VIRTUAL and not virtual_link:
        raise ValidationError("A virtual session needs its link.")
    if mode == SessionMode.CLASSROOM and room is None:
        raise ValidationError("A classroom session needs a room.")


@transaction.atomic
def session_create(
    *,
    actor: Person | None,
    course: Course,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    seats: int,
    mode: str = SessionMode.CLASSROOM,
    room: Room | None = None,
    virtual_link: str = "",
    instructors=(),
    cancel_cutoff_hours: int = 24,
    now: dt.datetime | None = None,
) -> CourseSession:
    """Schedule a session of a course the actor authors; a room must hold the seats offered."""
    require_author(actor, course)
    check_shape(
        starts_at=starts_at, ends_at=ends_at, seats=seats, mode=mode, room=room, virtual_link=virtual_link
    )
    session = CourseSession.objects.create(
        course=course,
        mode=mode,
        starts_at=starts_at,
        ends_at=ends_at,
        seats=seats,
        room=room,
        virtual_link=virtual_link,
        cancel_cutoff_hours=cancel_cutoff_hours,
        created_at=now or timezone.now(),
    )
    session.instructors.set(list(instructors))
    audit(
        actor=actor,
        action="session.create",
        target=session,
        changes={"course": course.pk, "starts_at": starts_at.isoformat(), "seats": seats},
    )
    return session


@transaction.atomic
def session_delete(*, actor: Person | None, session: CourseSession) -> None:
    """Delete a session nobody registered for; one with registrants is cancelled instead."""
    require_author(actor, session.course)
    if session.registrations.exists():
        raise ValidationError("People have registered for this session: cancel it instead, which tells them.")
    audit(actor=actor, action="session.delete", target=session, changes={"course": session.course_id})
    session.instructors.clear()
    session.delete()


def when(session: CourseSession) -> str:
    """The session's start as people say it, in the hospital's time zone."""
    return timezone.localtime(session.starts_at).strftime("%a %d %b %Y, %H:%M")


@transaction.atomic
def session_cancel(*, actor: Person | None, session: CourseSession, reason: str = "", now=None) -> int:
    """Cancel a session: every live registration is cancelled (freeing the learner to book another),
    and each registrant is told by e-mail after commit. Returns how many were told."""
    require_author(actor, session.course)
    now = now or timezone.now()
    session = CourseSession.objects.select_for_update().get(pk=session.pk)
    if session.cancelled_at is not None:
        return 0
    session.cancelled_at = now
    session.save(update_fields=["cancelled_at"])
    live = list(
        Registration.objects.filter(session=session, status__in=LIVE_STATUSES).select_related("person")
    )
    Registration.objects.filter(pk__in=[r.pk for r in live]).update(
        status=RegistrationStatus.CANCELLED, cancelled_at=now
    )
    audit(actor=actor, action="session.cancel", target=session, changes={"reason": reason, "told": len(live)})
    title, on = session.course.title, when(session)
    notices_claim(
        [
            Notice(
                r,
                f"cancelled:{now.isoformat()}",
                f"Cancelled: {title} on {on}",
                f"The session of “{title}” on {on} is cancelled. {reason}\n"
                "Your place is freed: choose another session on the course page in Bedside:\n"
                f"{link('course', session.course_id)}\n",
            )
            for r in live
        ]
    )
    return len(live)


@dataclass(frozen=True)
class Clash:
    what: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def clashes(person: Person, session: CourseSession) -> list[Clash]:
    """The person's scheduled shifts and live session places that overlap the session."""
    found = [
        Clash("shift", s.start, s.end)
        for s in Shift.objects.filter(
            person=person, start__lt=session.ends_at, end__gt=session.starts_at
        ).exclude(status=ShiftStatus.CANCELLED)
    ]
    others = (
        Registration.objects.filter(
            person=person,
            status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED),
            session__starts_at__lt=session.ends_at,
            session__ends_at__gt=session.starts_at,
            session__cancelled_at__isnull=True,
        )
        .exclude(session=session)
        .select_related("session__course__item")
    )
    found += [
        Clash(f"session “{r.session.course.title}”", r.session.starts_at, r.session.ends_at) for r in others
    ]
    return found


class ClashError(ValidationError):
    """Registering would clash with a shift or another session; a manager may override."""

    def __init__(self, found: list[Clash]):
        self.clashes = found
        super().__init__(
            [
                f"This session overlaps your {c.what}"
                f" ({timezone.localtime(c.starts_at):%a %d %b %H:%M}–{timezone.localtime(c.ends_at):%H:%M})."
                for c in found
            ]
            + ["Choose another session, or ask your manager to register you anyway."]
        )


def _seats_taken(session: CourseSession) -> int:
    return Registration.objects.filter(session=session, status__in=SEAT_STATUSES).count()


@transaction.atomic
def register(
    *,
    person: Person,
    session: CourseSession,
    actor: Person | None = None,
    override_reason: str = "",
    now: dt.datetime | None = None,
) -> Registration:
    """A seat if one is free, else a place on the waiting list; registering twice returns the same place.

    `actor` is who registers (the person themselves when None). A clash with the person's shifts
    or sessions is refused with a warning, unless a manager of the person registers them with a
    reason (the override is audited).
    """
    now = now or timezone.now()
    actor = actor or person
    if actor.pk != person.pk and not access.can(actor, MANAGERS, person):
        raise PermissionDenied("You can register only yourself, or staff you manage.")
    session = CourseSession.objects.select_for_update().select_related("course__item").get(pk=session.pk)
    if not queries.may_open(person, session.course):
        raise ValidationError("This course is for the hospital's staff.")
    if session.cancelled_at is not None:
        raise ValidationError("This session is cancelled: choose another.")
    if session.starts_at <= now:
        raise ValidationError("This session has already started: choose a later one.")
    existing = Registration.objects.filter(session=session, person=person, status__in=LIVE_STATUSES).first()
    if existing is not None:
        return existing
    found = clashes(person, session)
    override = bool(found) and actor.pk != person.pk
    if found and not override:
        raise ClashError(found)
    if override and not override_reason.strip():
        raise ValidationError("Say why you register them despite the clash.")
    return place(
        session=session, person=person, actor=actor, now=now,
        override_reason=override_reason if override else "",
        changes={"reason": override_reason, "clashes": [c.what for c in found]} if override else {},
    )  # fmt: skip


def place(
    *,
    session: CourseSession,
    person: Person,
    actor: Person | None,
    now: dt.datetime,
    override_reason: str,
    changes: dict,
) -> Registration:
    """Write a new place (a seat if one is free, else the waiting list), an override when it has a
    reason, and audit it with `changes` added. The caller holds the session's row lock and has
    checked the session is open and the person has no live place in it."""
    status = (
        RegistrationStatus.REGISTERED
        if _seats_taken(session) < session.seats
        else RegistrationStatus.WAITLISTED
    )
    registration = Registration.objects.create(
        session=session,
        person=person,
        status=status,
        queued_at=now,
        override_by=actor if override_reason else None,
        override_reason=override_reason,
    )
    audit(
        actor=actor,
        action="registration.override" if override_reason else "registration.create",
        target=registration,
        changes={"session": session.pk, "status": status, "person": person.pk} | changes,
    )
    return registration


def promote(session: CourseSession, now: dt.datetime) -> list[Registration]:
    """Give every free seat to the first on the waiting list, in order, and tell each (the caller holds
    the session's row lock). Returns who was promoted."""
    free = session.seats - _seats_taken(session)
    if free <= 0:
        return []
    first = list(
        Registration.objects.filter(session=session, status=RegistrationStatus.WAITLISTED)
        .order_by("queued_at", "pk")
        .select_related("person")[:free]
    )
    if not first:
        return []
    Registration.objects.filter(pk__in=[r.pk for r in first], status=RegistrationStatus.WAITLISTED).update(
        status=RegistrationStatus.REGISTERED
    )
    title, on = session.course.title, when(session)
    for r in first:
        r.status = RegistrationStatus.REGISTERED
        audit(actor=None, action="registration.promote", target=r, changes={"session": session.pk})
    notices_claim(
        [
            Notice(
                r,
                f"promoted:{now.isoformat()}",
                f"You have a seat: {title} on {on}",
                f"A seat freed up and it is yours: “{title}” on {on}.\n"
                f"If you cannot come, cancel your place so the next person gets it:\n{link('session', session.pk)}\n",
            )
            for r in first
        ]
    )
    return first


@transaction.atomic
def registration_cancel(
    *, actor: Person, registration: Registration, now: dt.datetime | None = None
) -> Registration | None:
    """Give up a place; a freed seat goes to the first on the waiting list. Returns who was promoted.

    Learners cancel until the session's cut-off; after it, an author or instructor of the session
    or the person's manager may still cancel for them.
    """
    now = now or timezone.now()
    session = (
        CourseSession.objects.select_for_update()
        .select_related("course__item")
        .get(pk=registration.session_id)
    )
    registration = Registration.objects.get(pk=registration.pk)
    own = registration.person_id == actor.pk
    staff = access.can(actor, (Capability.TEACH,), session, own=True) or access.can(
        actor, MANAGERS, registration.person
    )
    if not own and not staff:
        raise PermissionDenied("You can cancel only your own place.")
    if registration.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED):
        raise ValidationError("This place is no longer open to cancel.")
    cutoff = session.starts_at - dt.timedelta(hours=session.cancel_cutoff_hours)
    held_seat = registration.status == RegistrationStatus.REGISTERED
    if own and not staff and held_seat and now > cutoff:
        raise ValidationError(
            f"Cancellations close {session.cancel_cutoff_hours} hours before the start: ask the instructor."
        )
    changed = Registration.objects.filter(
        pk=registration.pk, status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)
    ).update(status=RegistrationStatus.CANCELLED, cancelled_at=now)
    if not changed:  # pragma: no cover - the session lock serialises cancellations
        return None
    audit(actor=actor, action="registration.cancel", target=registration, changes={"session": session.pk})
    return (promote(session, now) or [None])[0] if held_seat else None


def upcoming_for(person: Person, now: dt.datetime):
    """The person's live places in sessions that have not ended, soonest first."""
    return (
        Registration.objects.filter(
            person=person,
            status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED),
            session__ends_at__gt=now,
            session__cancelled_at__isnull=True,
        )
        .select_related("session__course__item", "session__room")
        .order_by("session__starts_at")
    )
