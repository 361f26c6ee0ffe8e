"""Attendance: a rotating check-in code shown in the room, and the instructor's roster.

The room screen shows a QR code (a signed token naming the session and a 20-second window) and
a six-digit fallback code the instructor reads out; both are valid for their window and the one
before, so a code sent outside the room is dead within 40 seconds. Check-in opens 30 minutes
before the start and closes at the end. A refused check-in writes nothing. Attendance writes
the ledger (verb attended) and completes the session modules of the learner's enrolment.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.core.rotating_codes import RotatingCode, Verdict
from bedside.learning.models import CourseSession, ModuleKind, Registration, RegistrationStatus
from bedside.learning.progress import enrol, module_complete
from bedside.people import access
from bedside.people.models import Capability, Person
from bedside.records.models import Verb
from bedside.records.services import record_add

STEP_SECONDS = 20
OPENS_BEFORE = dt.timedelta(minutes=30)


def rotating_code(session: CourseSession) -> RotatingCode:
    return RotatingCode(subject_id=session.pk, secret=session.checkin_secret, step_seconds=STEP_SECONDS)


def window_of(now: dt.datetime) -> int:
    return int(now.timestamp() // STEP_SECONDS)


def short_code(session: CourseSession, now: dt.datetime) -> str:
    """The six digits the instructor reads out, for the current window."""
    return rotating_code(session).short_code(now)


def qr_token(session: CourseSession, now: dt.datetime) -> str:
    return rotating_code(session).token(now)


def seconds_left(now: dt.datetime) -> int:
    return STEP_SECONDS - int(now.timestamp()) % STEP_SECONDS


def checkin_open(session: CourseSession, now: dt.datetime) -> bool:
    return session.cancelled_at is None and session.starts_at - OPENS_BEFORE <= now <= session.ends_at


_REFUSALS = {
    Verdict.MALFORMED: "That check-in code is not one of ours: scan the code on the screen.",
    Verdict.OTHER_SUBJECT: "That code is for another session: scan the code in your room.",
    Verdict.EXPIRED: "That code has expired: scan the code on the screen again.",
}
_WRONG_DIGITS = "That code is not right for this session, or it has changed: type the code on the screen now."


def _code_valid(session: CourseSession, code: str, now: dt.datetime) -> None:
    """Raise a readable ValidationError unless `code` is this session's, current or just before."""
    verdict = rotating_code(session).check(code, now)
    if verdict is Verdict.OK:
        return
    token = "." in (code or "")
    if not token:
        raise ValidationError(_WRONG_DIGITS)
    raise ValidationError(_REFUSALS.get(verdict, _REFUSALS[Verdict.MALFORMED]))


def _attend(registration: Registration, *, by: Person, method: str, now: dt.datetime) -> Registration:
    """Mark attended once (conditional update), write the ledger, complete the session modules."""
    session = registration.session
    marked = Registration.objects.filter(
        pk=registration.pk, status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.NO_SHOW)
    ).update(status=RegistrationStatus.ATTENDED, attended_at=now, checkin_method=method)
    if not marked:
        raise ValidationError("Already checked in: nothing more to do.")
    registration.status, registration.attended_at = RegistrationStatus.ATTENDED, now
    course = session.course
    enrolment = enrol(person=registration.person, course=course, now=now)
    record_add(
        person=registration.person,
        item=course.item,
        verb=Verb.ATTENDED,
        by=by,
        at=now,
        version=enrolment.revision.version,
        evidence=f"Attended the session of {timezone.localtime(session.starts_at):%Y-%m-%d %H:%M} ({method})",
        source_ref=f"session:{session.pk}",
    )
    audit(actor=by, action="attendance.mark", target=registration, changes={"method": method})
    for module in enrolment.revision.modules.filter(kind=ModuleKind.SESSION):
        module_complete(enrolment=enrolment, module=module, person=None, now=now)
    return registration


@transaction.atomic
def checkin(
    *, person: Person, session: CourseSession, code: str, now: dt.datetime | None = None
) -> Registration:
    """A learner checks in with the code on the screen; anything wrong is refused and writes nothing."""
    now = now or timezone.now()
    # One read: the person's place (locked), with its session, course and item (the session as it is now).
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("session__course__item")
        .filter(session_id=session.pk, person=person)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if registration is not None:
        session = registration.session
        registration.person = person
    else:
        session = CourseSession.objects.select_related("course__item").get(pk=session.pk)
    if session.cancelled_at is not None:
        raise ValidationError("This session is cancelled.")
    if not checkin_open(session, now):
        raise ValidationError("Check-in opens 30 minutes before the session starts and closes when it ends.")
    _code_valid(session, code, now)
    if registration is None or registration.status == RegistrationStatus.WAITLISTED:
        raise ValidationError("You do not have a seat in this session: ask the instructor to add you.")
    if registration.status == RegistrationStatus.ATTENDED:
        raise ValidationError(
            f"You already checked in at {timezone.localtime(registration.attended_at):%H:%M}."
        )
    return _attend(registration, by=person, method="code", now=now)


def require_instructor(actor: Person, session: CourseSession) -> None:
    """Instructors of the session, and its course's authors, hold its roster."""
    if not access.can(actor, (Capability.TEACH,), session, own=True):
        raise PermissionDenied("Only the session's instructors and its course's educators take attendance.")


@transaction.atomic
def roster_mark(*, actor: Person, registration: Registration, present: bool, now=None) -> Registration:
    """The instructor ticks someone present (one tap) or absent (a no-show)."""
    now = now or timezone.now()
    session = CourseSession.objects.select_related("course__item").get(pk=registration.session_id)
    require_instructor(actor, session)
    if session.cancelled_at is not None:
        raise ValidationError("This session is cancelled.")
    if now < session.starts_at - OPENS_BEFORE:
        raise ValidationError("Attendance opens 30 minutes before the session starts.")
    registration = Registration.objects.select_for_update().select_related("person").get(pk=registration.pk)
    registration.session = session
    if present:
        if registration.status == RegistrationStatus.ATTENDED:
            return registration
        if registration.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.NO_SHOW):
            raise ValidationError("Only people with a seat can be marked present.")
        return _attend(registration, by=actor, method="roster", now=now)
    if registration.status == RegistrationStatus.ATTENDED:
        raise ValidationError("Already marked present: correct the record from their transcript instead.")
    if registration.status != RegistrationStatus.REGISTERED:
        raise ValidationError("Only people with a seat can be marked absent.")
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.NO_SHOW)
    registration.status = RegistrationStatus.NO_SHOW
    audit(actor=actor, action="attendance.no_show", target=registration)
    return registration


@transaction.atomic
def no_shows_record(*, session: CourseSession, actor: Person | None, now=None) -> int:
    """After a session ends, everyone still registered and not checked in is a no-show."""
    now = now or timezone.now()
    if actor is not None:
        require_instructor(actor, session)
    if now < session.ends_at:
        raise ValidationError("Record no-shows once the session has ended.")
    rows = Registration.objects.filter(session=session, status=RegistrationStatus.REGISTERED)
    ids = list(rows.values_list("pk", flat=True))
    rows.update(status=RegistrationStatus.NO_SHOW)
    for reg in Registration.objects.filter(pk__in=ids):
        audit(actor=actor, action="attendance.no_show", target=reg)
    return len(ids)
