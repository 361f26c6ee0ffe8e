"""Changing a scheduled session (time, room, seats, link, instructors) and what follows from it.

- Fewer seats than people holding one: the latest to book go back to the head of the waiting list
  (they keep their place in the queue, ahead of everyone who booked after them) and are told.
  A hospital moves a class to a smaller room when the big one is lost; refusing would leave the
  educator to pick whom to cancel by hand, and cancelling loses people's place altogether. The
  page says how many will move before the author confirms. Seats below those already marked
  attended or absent are refused: that session has happened.
- More seats: the waiting list is promoted into them, in order.
- A new time, room or link: every registered and waiting learner is told, and the clash check runs
  again against the new time (a clash is named in their mail and counted for the author; their
  place is kept, the learner or their manager decides).
Everything under the session's row lock, audited, mail after commit through the notices outbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.learning.authoring import require_author
from bedside.learning.models import CourseSession, Registration, RegistrationStatus, Room
from bedside.learning.notices import Notice, link, notices_claim
from bedside.learning.sessions import check_shape, clashes, promote, when
from bedside.people.models import Person

S = RegistrationStatus
UNSET = object()


@dataclass
class SessionChange:
    """What an edit did: who moved to the waiting list or got a seat, who was told, who now clashes."""

    session: CourseSession
    changed: list[str] = field(default_factory=list)
    moved_to_waitlist: list[Registration] = field(default_factory=list)
    promoted: list[Registration] = field(default_factory=list)
    told: int = 0
    clashing: list[Registration] = field(default_factory=list)


def seats_overflow(session: CourseSession, seats: int) -> int:
    """How many people holding a seat would go back to the waiting list with `seats` seats."""
    held = Registration.objects.filter(session=session, status=S.REGISTERED).count()
    done = Registration.objects.filter(session=session, status__in=(S.ATTENDED, S.NO_SHOW)).count()
    return max(held + done - seats, 0)


def _check(session, *, starts_at, ends_at, seats, mode, room, virtual_link, now) -> None:
    if session.cancelled_at is not None:
        raise ValidationError("This session is cancelled: schedule a new one instead.")
    if session.starts_at <= now:
        raise ValidationError("This session has already started: it can no longer be changed.")
    check_shape(
        starts_at=starts_at, ends_at=ends_at, seats=seats, mode=mode, room=room, virtual_link=virtual_link
    )
    if starts_at <= now:
        raise ValidationError("Choose a time in the future.")
    done = Registration.objects.filter(session=session, status__in=(S.ATTENDED, S.NO_SHOW)).count()
    if seats < done:
        raise ValidationError(
            f"{done} people are already marked for this session: keep at least {done} seats."
        )


@transaction.atomic
def session_update(
    *,
    actor: Person | None,
    session: CourseSession,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    seats: int | None = None,
    mode: str | None = None,
    room: Room | None | object = UNSET,
    virtual_link: str | None = None,
    instructors=None,
    cancel_cutoff_hours: int | None = None,
    now: dt.datetime | None = None,
) -> SessionChange:
    """Change a session the actor authors; only the arguments given change. See the module for what follows."""
    require_author(actor, session.course)
    now = now or timezone.now()
    session = (
        CourseSession.objects.select_for_update(of=("self",))
        .select_related("course__item", "room")
        .get(pk=session.pk)
    )
    new = {
        "starts_at": starts_at or session.starts_at,
        "ends_at": ends_at or session.ends_at,
        "seats": session.seats if seats is None else seats,
        "mode": mode or session.mode,
        "room": session.room if room is UNSET else room,
        "virtual_link": session.virtual_link if virtual_link is None else virtual_link,
        "cancel_cutoff_hours": session.cancel_cutoff_hours
        if cancel_cutoff_hours is None
        else cancel_cutoff_hours,
    }
    _check(session, now=now, **{k: v for k, v in new.items() if k != "cancel_cutoff_hours"})
    before = {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "seats": session.seats,
        "mode": session.mode,
        "room": session.room,
        "virtual_link": session.virtual_link,
        "cancel_cutoff_hours": session.cancel_cutoff_hours,
    }
    result = SessionChange(session=session)
    result.changed = [k for k, v in new.items() if v != before[k]]
    for name, value in new.items():
        setattr(session, name, value)
    session.save(update_fields=[*new])
    instructors_before = set(session.instructors.values_list("pk", flat=True))
    if instructors is not None and {p.pk for p in instructors} != instructors_before:
        session.instructors.set(list(instructors))
        result.changed.append("instructors")
    if not result.changed:
        return result

    if session.seats < before["seats"]:
        result.moved_to_waitlist = _back_to_waitlist(session, now)
    result.promoted = promote(session, now)
    moved_time = "starts_at" in result.changed or "ends_at" in result.changed
    where_changed = {"room", "virtual_link", "mode"} & set(result.changed)
    if moved_time or where_changed:
        result.told, result.clashing = _tell_changed(session, before, moved_time=moved_time, now=now)
    audit(
        actor=actor,
        action="session.update",
        target=session,
        changes={k: [_plain(before[k]), _plain(new[k])] for k in result.changed if k in before}
        | ({"instructors": [p.pk for p in instructors]} if "instructors" in result.changed else {})
        | {
            "moved_to_waitlist": [r.person_id for r in result.moved_to_waitlist],
            "promoted": [r.person_id for r in result.promoted],
            "told": result.told,
            "clashing": [r.person_id for r in result.clashing],
        },
    )
    return result


def _plain(value) -> str | int | None:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Room):
        return value.pk
    return value


def _back_to_waitlist(session: CourseSession, now: dt.datetime) -> list[Registration]:
    """The latest to book beyond the seats go back to the waiting list, keeping their queue time."""
    over = seats_overflow(session, session.seats)
    if not over:
        return []
    latest = list(
        Registration.objects.filter(session=session, status=S.REGISTERED)
        .order_by("-queued_at", "-pk")
        .select_related("person")[:over]
    )
    Registration.objects.filter(pk__in=[r.pk for r in latest]).update(status=S.WAITLISTED)
    title, on = session.course.title, when(session)
    for r in latest:
        r.status = S.WAITLISTED
        audit(
            actor=None,
            action="registration.waitlist",
            target=r,
            changes={"session": session.pk, "seats": session.seats},
        )
    notices_claim(
        [
            Notice(
                r,
                f"waitlisted:{now.isoformat()}",
                f"Back on the waiting list: {title} on {on}",
                f"The session of “{title}” on {on} now has {session.seats} seats, fewer than were booked. "
                "As one of the last to book, you are back at the head of the waiting list and will get "
                f"the next seat that frees. Your place:\n{link('session', session.pk)}\n",
            )
            for r in latest
        ]
    )
    return latest


def _tell_changed(session: CourseSession, before: dict, *, moved_time: bool, now: dt.datetime):
    """Tell every registered and waiting learner what changed; name any clash with the new time."""
    live = list(
        Registration.objects.filter(session=session, status__in=(S.REGISTERED, S.WAITLISTED)).select_related(
            "person"
        )
    )
    title, on = session.course.title, when(session)
    lines = []
    if moved_time:
        old = timezone.localtime(before["starts_at"]).strftime("%a %d %b %Y, %H:%M")
        lines.append(f"It now runs {on}–{timezone.localtime(session.ends_at):%H:%M} (it was {old}).")
    if session.room is not None and session.room != before["room"]:
        lines.append(f"It is now in {session.room.name}.")
    if session.virtual_link and session.virtual_link != before["virtual_link"]:
        lines.append("It has a new link to join: open the session page for it.")
    clashing, notices = [], []
    for r in live:
        found = clashes(r.person, session) if moved_time else []
        warning = ""
        if found:
            clashing.append(r)
            parts = ", ".join(
                f"your {c.what} ({timezone.localtime(c.starts_at):%a %d %b %H:%M}–"
                f"{timezone.localtime(c.ends_at):%H:%M})"
                for c in found
            )
            warning = (
                f"\nThe new time overlaps {parts}. If you cannot come, cancel your place, or ask your "
                "manager to free you for it.\n"
            )
        notices.append(
            Notice(
                r,
                f"changed:{now.isoformat()}",
                f"Changed: {title} on {on}",
                f"The session of “{title}” you are booked on has changed.\n"
                + "\n".join(lines)
                + "\n"
                + warning
                + f"Your place is kept ({r.get_status_display().lower()}):\n{link('session', session.pk)}\n",
            )
        )
    notices_claim(notices)
    return len(live), clashing
