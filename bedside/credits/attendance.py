"""Attendance at a credit activity: the room's rotating code within the check-in window, and time present.

Attendance writes the ledger once (verb `attended`). Every refusal is a ValidationError with a sentence
a learner can act on, raised before anything is written; each function runs in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bedside.audit.services import audit
from bedside.core.rotating_codes import RotatingCode, Verdict
from bedside.credits.activities import activity_zone, refuse_if_cancelled
from bedside.credits.models import Activity, Attendance, AttendanceMethod
from bedside.people.models import Person
from bedside.records.models import Verb
from bedside.records.services import record_add

SELF = "self"  # minutes the learner typed in (enduring materials only)
CODE_STEP_SECONDS = 20
MAX_PRESENCE_CALL_MINUTES = 24 * 60


def _clock(activity: Activity, at: dt.datetime) -> str:
    return f"{timezone.localtime(at, activity_zone(activity)):%H:%M}"


def rotating_code(activity: Activity) -> RotatingCode:
    return RotatingCode(
        subject_id=activity.pk, secret=activity.checkin_secret, step_seconds=CODE_STEP_SECONDS
    )


def ip_hash(ip: str) -> str:
    """A keyed hash of the client address: enough to see one address checking in many people, not the address."""
    if not ip:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:ip:{ip}".encode()).hexdigest()[:16]


_CODE_REFUSALS = {
    Verdict.MALFORMED: "That is not a check-in code: scan the code on the screen, or type its six digits.",
    Verdict.OTHER_SUBJECT: "That code is for another activity: scan the code on the screen in this room.",
    Verdict.EXPIRED: "That code has expired (it changes every 20 seconds): scan the code on the screen again.",
    Verdict.WRONG: "That code is not right for this activity, or it has changed: type the code on the screen now.",
}


def checkin_open(activity: Activity, now: dt.datetime) -> bool:
    return (
        activity.is_live
        and activity.cancelled_at is None
        and activity.checkin_opens_at <= now <= activity.checkin_closes_at
    )


def _attended_record(
    activity: Activity, attendance: Attendance, *, by: Person | None, now: dt.datetime
) -> None:
    """The ledger's evidence of attendance, once per person and activity."""
    if attendance.record_id is not None:
        return
    record = record_add(
        person=attendance.person,
        item=activity.item,
        verb=Verb.ATTENDED,
        by=by,
        at=now,
        evidence=f"{attendance.get_method_display()}: {activity.title}",
        source_ref=f"activity:{activity.pk}",
    )
    Attendance.objects.filter(pk=attendance.pk).update(record=record)
    attendance.record = record


@transaction.atomic
def checkin(
    *,
    activity: Activity,
    person: Person,
    code: str,
    device: str = "",
    ip: str = "",
    now: dt.datetime | None = None,
) -> Attendance:
    """Check a person in with the room's rotating code (QR token or six digits), within the window.

    Refused, writing nothing: a cancelled activity, an activity without live attendance, outside
    the window (by default 15 minutes before the start to 30 minutes after the end), a code of
    another activity, an expired or wrong code, a second check-in. `device` is the browser's device id, `ip` the client
    address (kept only as a keyed hash); both feed the CME office's view of suspicious check-ins.
    """
    now = now or timezone.now()
    activity = Activity.objects.select_related("site", "item").get(pk=activity.pk)
    refuse_if_cancelled(activity, "check-in is closed and it offers no credit.")
    if not activity.is_live:
        raise ValidationError(
            "This activity has no room check-in: record your time on its page after you complete it."
        )
    if now < activity.checkin_opens_at:
        raise ValidationError(
            f"Check-in opens at {_clock(activity, activity.checkin_opens_at)}, "
            f"{activity.checkin_opens_minutes} minutes before the start."
        )
    if now > activity.checkin_closes_at:
        raise ValidationError(
            f"Check-in closed at {_clock(activity, activity.checkin_closes_at)}, "
            f"{activity.checkin_closes_minutes} minutes after the end."
        )
    verdict = rotating_code(activity).check(code, now)
    if verdict is not Verdict.OK:
        raise ValidationError(_CODE_REFUSALS[verdict])
    method = AttendanceMethod.QR if "." in code else AttendanceMethod.CODE
    existing = Attendance.objects.select_for_update().filter(activity=activity, person=person).first()
    if existing is not None and existing.checked_in_at is not None:
        raise ValidationError(
            f"You already checked in at {_clock(activity, existing.checked_in_at)}: one check-in is enough."
        )
    device, hashed = device[:64], ip_hash(ip)
    if existing is None:
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    activity=activity, person=person, method=method, checked_in_at=now,
                    device_id=device, ip_hash=hashed, created_at=now, updated_at=now,
                )  # fmt: skip
        except IntegrityError:
            raise ValidationError("You already checked in: one check-in is enough.") from None
    else:
        attendance = existing
        attendance.method, attendance.checked_in_at, attendance.updated_at = method, now, now
        attendance.device_id, attendance.ip_hash = device, hashed
        attendance.save(update_fields=["method", "checked_in_at", "updated_at", "device_id", "ip_hash"])
    attendance.activity = activity
    _attended_record(activity, attendance, by=person, now=now)
    audit(
        actor=person,
        action="credits.checkin",
        target=attendance,
        changes={"method": method, "device": device},
    )
    return attendance


@transaction.atomic
def presence_record(
    *,
    activity: Activity,
    person: Person,
    minutes: int,
    source: str,
    now: dt.datetime | None = None,
) -> Attendance:
    """Add minutes a person was present (a virtual room, a recording watched, an enduring material done).

    Counted while the activity's check-in window is open; afterwards only where enduring credit
    is open; never once the activity is cancelled. Minutes add up, capped at the activity's length
    for a live activity. The first minutes make the attendance (and its ledger record). Minutes the learner types in (source
    "self") count only for an enduring material: a live activity's time is counted by the app
    that saw it (events' virtual room and recording player).
    """
    now = now or timezone.now()
    activity = Activity.objects.select_related("site", "item").get(pk=activity.pk)
    refuse_if_cancelled(activity, "time no longer counts toward credit.")
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise ValidationError("Give the minutes present as a whole number.") from None
    if minutes <= 0 or minutes > MAX_PRESENCE_CALL_MINUTES:
        raise ValidationError("Give the minutes present as a whole number between 1 and 1440.")
    if not source.strip():
        raise ValidationError("Say where the time was counted (the source).")
    if source == SELF and activity.is_live:
        raise ValidationError(
            "Time at a live activity is counted where it happened (the virtual room, or the recording's "
            "player): it cannot be typed in."
        )
    if checkin_open(activity, now):
        method = AttendanceMethod.PRESENCE
    elif activity.enduring_open(now):
        method = AttendanceMethod.ENDURING
    elif activity.is_live and now < activity.checkin_opens_at:
        raise ValidationError("Time counts from when check-in opens, shortly before the start.")
    else:
        raise ValidationError("This activity no longer counts time toward credit.")
    cap = activity.minutes if activity.is_live else MAX_PRESENCE_CALL_MINUTES
    attendance = Attendance.objects.select_for_update().filter(activity=activity, person=person).first()
    if attendance is None:
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    activity=activity, person=person, method=method, minutes_present=min(minutes, cap),
                    presence_source=source[:40], created_at=now, updated_at=now,
                )  # fmt: skip
        except IntegrityError:
            raise ValidationError("Attendance was being recorded at the same moment: try again.") from None
    else:
        Attendance.objects.filter(pk=attendance.pk).update(
            minutes_present=F("minutes_present") + minutes, presence_source=source[:40], updated_at=now
        )
        attendance.refresh_from_db()
        if attendance.minutes_present > cap:
            Attendance.objects.filter(pk=attendance.pk).update(minutes_present=cap)
            attendance.minutes_present = cap
    attendance.activity = activity
    _attended_record(activity, attendance, by=None if source != SELF else person, now=now)
    audit(actor=person if source == SELF else None, action="credits.presence", target=attendance,
          changes={"minutes": minutes, "source": source})  # fmt: skip
    return attendance
