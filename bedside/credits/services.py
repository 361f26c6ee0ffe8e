"""Writes of the credits app: activities, check-in, time present, evaluations and claims.

Every refusal is a ValidationError with a sentence a learner can act on, raised before anything
is written (each function runs in one transaction). Attendance writes the ledger once (verb
`attended`); a claim writes exactly one ledger record (verb `claimed`, with the credit amount and
type), which closes any open requirement for the activity through the ledger's announcement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bedside.audit.services import audit
from bedside.core.rotating_codes import RotatingCode, Verdict
from bedside.credits import credit_types
from bedside.credits.models import (
    KIND,
    Activity,
    ActivityFormat,
    Agreement,
    Attendance,
    AttendanceMethod,
    Claim,
    CreditOffer,
    Evaluation,
    Topic,
)
from bedside.people import access
from bedside.people.models import Capability, Person, Site
from bedside.people.timezones import system_tz
from bedside.records.models import LearningItem, Verb
from bedside.records.services import record_add

CLAIMED = "claimed"
SELF = "self"  # minutes the learner typed in (enduring materials only)
CODE_STEP_SECONDS = 20
MAX_PRESENCE_CALL_MINUTES = 24 * 60


def activity_zone(activity: Activity) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(activity.site.time_zone) if activity.site_id else system_tz()


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


def require_cme(actor: Person | None, activity_or_site: Activity | Site | None) -> None:
    """The CME office (a cme grant over the activity's site, or the system for one without) sets activities up."""
    if actor is None or access.is_admin(actor):
        return
    if isinstance(activity_or_site, Activity):
        if access.can(actor, Capability.CME, activity_or_site, own=True):
            return
    elif activity_or_site is not None:
        if access.can(actor, Capability.CME, activity_or_site):
            return
    elif access.scope_of(actor, Capability.CME).everything:
        return
    raise PermissionDenied("Activities are set up by the CME office for its sites.")


# --- Activities -------------------------------------------------------------------------------------


def _offers(
    offers: Mapping[str, Decimal | str | float] | Iterable[tuple[str, Decimal]],
) -> list[tuple[str, Decimal]]:
    pairs = list(offers.items()) if isinstance(offers, Mapping) else list(offers)
    if not pairs:
        raise ValidationError(
            "Offer at least one credit type, with its maximum (e.g. 1.00 AMA PRA Category 1)."
        )
    seen, out = set(), []
    for credit_type, amount in pairs:
        rule = credit_types.rule_for(credit_type)
        label = credit_types.label_of(credit_type)
        if credit_type in seen:
            raise ValidationError(f"{label} is offered twice: give it once.")
        seen.add(credit_type)
        try:
            amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise ValidationError(f"The maximum for {label} must be a number, e.g. 1.00.") from None
        if not rule.is_step(amount):
            raise ValidationError(f"The maximum for {label} must be above zero, in steps of {rule.step}.")
        out.append((credit_type, amount))
    return out


ACTIVITY_FIELDS = (
    "title", "description", "objectives", "starts_at", "ends_at", "site", "format", "location",
    "provider_name", "accreditor_activity_id", "joint_providership", "joint_provider_name",
    "commercial_support", "commercial_supporters", "target_audience", "checkin_opens_minutes",
    "checkin_closes_minutes", "evaluation_required", "enduring_allowed", "enduring_until",
)  # fmt: skip


def _check_activity(activity: Activity) -> None:
    if not activity.title.strip():
        raise ValidationError("Give the activity a title.")
    if not activity.provider_name.strip():
        raise ValidationError("Name the accredited provider.")
    if activity.ends_at <= activity.starts_at:
        raise ValidationError("The activity must end after it starts.")
    if activity.format not in ActivityFormat.values:
        raise ValidationError("Choose the activity's format.")
    if activity.joint_providership and not activity.joint_provider_name.strip():
        raise ValidationError("Name the joint provider, or untick joint providership.")
    if activity.commercial_support and not activity.commercial_supporters.strip():
        raise ValidationError("Name the commercial supporters, or untick commercial support.")
    if activity.enduring_until is not None and activity.enduring_until <= activity.ends_at:
        raise ValidationError("Enduring credit must run until after the activity ends.")
    if activity.checkin_opens_minutes > 24 * 60 or activity.checkin_closes_minutes > 24 * 60:
        raise ValidationError("Keep the check-in window within a day of the activity.")


@transaction.atomic
def activity_create(
    *,
    actor: Person | None,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    provider_name: str,
    offers: Mapping[str, Decimal] | Iterable[tuple[str, Decimal]],
    topics: Iterable[Topic] = (),
    source_app: str = "",
    source_id: str = "",
    now: dt.datetime | None = None,
    **fields,
) -> Activity:
    """Set up an activity with the credit it offers; the catalogue gets its learning item (kind credit).

    `fields` are any of the accreditation and check-in fields of `Activity` (description,
    objectives, site, format, location, accreditor_activity_id, joint_providership, ...).
    `actor=None` is a higher app or a job acting on its own checks (events creating an event's activity).
    `now` dates the catalogue item and the activity (the demo seed passes its clock).
    """
    now = now or timezone.now()
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"activity_create() got unknown fields: {sorted(unknown)}")
    require_cme(actor, fields.get("site"))
    pairs = _offers(offers)
    activity = Activity(
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        provider_name=provider_name.strip(),
        source_app=source_app,
        source_id=str(source_id),
        created_by=actor,
        created_at=now,
        **fields,
    )
    _check_activity(activity)
    activity.item = LearningItem.objects.create(
        created_at=now, kind=KIND, title=activity.title[:300], minutes=max(activity.minutes, 1)
    )
    activity.save()
    activity.topics.set(list(topics))
    CreditOffer.objects.bulk_create(
        [CreditOffer(activity=activity, credit_type=t, max_amount=a) for t, a in pairs]
    )
    audit(
        actor=actor,
        action="credits.activity_create",
        target=activity,
        changes={"offers": {t: str(a) for t, a in pairs}},
    )
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: Person | None,
    activity: Activity,
    offers: Mapping[str, Decimal] | Iterable[tuple[str, Decimal]] | None = None,
    topics: Iterable[Topic] | None = None,
    **fields,
) -> Activity:
    """Change an activity's details; the offers may change only while nobody has claimed."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"activity_update() got unknown fields: {sorted(unknown)}")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    require_cme(actor, activity)
    if "site" in fields and fields["site"] != activity.site:
        require_cme(actor, fields["site"])
    changes = {}
    for name, value in fields.items():
        if getattr(activity, name) != value:
            changes[name] = str(value)
            setattr(activity, name, value)
    _check_activity(activity)
    pairs = _offers(offers) if offers is not None else None
    claimed = activity.claims.exists()
    if pairs is not None:
        current = {o.credit_type: o.max_amount for o in activity.offers.all()}
        if dict(pairs) != current:
            if claimed:
                raise ValidationError(
                    "Credit has been claimed for this activity: its offers can no longer change."
                )
            activity.offers.all().delete()
            CreditOffer.objects.bulk_create(
                [CreditOffer(activity=activity, credit_type=t, max_amount=a) for t, a in pairs]
            )
            changes["offers"] = {t: str(a) for t, a in pairs}
    if claimed and ({"starts_at", "ends_at"} & set(changes)):
        raise ValidationError("Credit has been claimed for this activity: its times can no longer change.")
    activity.save()
    if "title" in changes or "starts_at" in changes or "ends_at" in changes:
        LearningItem.objects.filter(pk=activity.item_id).update(
            title=activity.title[:300], minutes=max(activity.minutes, 1)
        )
    if topics is not None:
        activity.topics.set(list(topics))
    audit(actor=actor, action="credits.activity_update", target=activity, changes=changes)
    return activity


# --- Attendance -------------------------------------------------------------------------------------

_CODE_REFUSALS = {
    Verdict.MALFORMED: "That is not a check-in code: scan the code on the screen, or type its six digits.",
    Verdict.OTHER_SUBJECT: "That code is for another activity: scan the code on the screen in this room.",
    Verdict.EXPIRED: "That code has expired (it changes every 20 seconds): scan the code on the screen again.",
    Verdict.WRONG: "That code is not right for this activity, or it has changed: type the code on the screen now.",
}


def checkin_open(activity: Activity, now: dt.datetime) -> bool:
    return activity.is_live and activity.checkin_opens_at <= now <= activity.checkin_closes_at


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

    Refused, writing nothing: an activity without live attendance, outside the window (by default
    15 minutes before the start to 30 minutes after the end), a code of another activity, an
    expired or wrong code, a second check-in. `device` is the browser's device id, `ip` the client
    address (kept only as a keyed hash); both feed the CME office's view of suspicious check-ins.
    """
    now = now or timezone.now()
    activity = Activity.objects.select_related("site", "item").get(pk=activity.pk)
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
    is open. Minutes add up, capped at the activity's length for a live activity. The first
    minutes make the attendance (and its ledger record). Minutes the learner types in (source
    "self") count only for an enduring material: a live activity's time is counted by the app
    that saw it (events' virtual room and recording player).
    """
    now = now or timezone.now()
    activity = Activity.objects.select_related("site", "item").get(pk=activity.pk)
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


# --- Evaluation and claim -----------------------------------------------------------------------------


@transaction.atomic
def evaluation_submit(
    *,
    activity: Activity,
    person: Person,
    objectives_met: str,
    free_of_bias: bool,
    practice_change: str,
    bias_comment: str = "",
    practice_change_text: str = "",
    comments: str = "",
    now: dt.datetime | None = None,
) -> Evaluation:
    """A learner who attended evaluates the activity, once."""
    now = now or timezone.now()
    attendance = Attendance.objects.filter(activity=activity, person=person).first()
    if attendance is None:
        raise ValidationError("Evaluate after you attend: check in (or record your time) first.")
    if objectives_met not in Agreement.values:
        raise ValidationError("Say whether the learning objectives were met: yes, partly or no.")
    if practice_change not in Agreement.values:
        raise ValidationError("Say whether you intend to change your practice: yes, partly or no.")
    if free_of_bias is None:
        raise ValidationError("Say whether the activity was free of commercial bias.")
    if not free_of_bias and not bias_comment.strip():
        raise ValidationError("Describe the commercial bias you noticed, so the CME office can act on it.")
    done = Evaluation.objects.filter(activity=activity, person=person).first()
    if done is not None:
        raise ValidationError(
            f"You already evaluated this activity on {timezone.localtime(done.submitted_at, activity_zone(activity)):%d %b %Y}."
        )
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                activity=activity, person=person, objectives_met=objectives_met, free_of_bias=bool(free_of_bias),
                bias_comment=bias_comment.strip(), practice_change=practice_change,
                practice_change_text=practice_change_text.strip(), comments=comments.strip(), submitted_at=now,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError("You already evaluated this activity.") from None
    audit(actor=person, action="credits.evaluate", target=evaluation)
    return evaluation


@transaction.atomic
def claim(
    *,
    activity: Activity,
    person: Person,
    credit_type: str,
    amount: Decimal | str | None = None,
    now: dt.datetime | None = None,
) -> Claim:
    """Claim credit: after attending and (where required) evaluating, within the offer and the time attended.

    `amount=None` claims the most allowed. Writes one ledger record (verb claimed, with the credit
    amount and type) and the claim its certificate and badge are issued for. A second claim is refused.
    """
    now = now or timezone.now()
    activity = Activity.objects.select_related("site", "item").get(pk=activity.pk)
    label = credit_types.label_of(credit_type)
    attendance = Attendance.objects.select_for_update().filter(activity=activity, person=person).first()
    if attendance is None:
        raise ValidationError("Check in (or record your time) before claiming credit.")
    attendance.activity = activity
    if (
        activity.evaluation_required
        and not Evaluation.objects.filter(activity=activity, person=person).exists()
    ):
        raise ValidationError("Evaluate the activity first: credit can be claimed only after the evaluation.")
    offer = CreditOffer.objects.filter(activity=activity, credit_type=credit_type).first()
    if offer is None:
        offered = ", ".join(f"{o.max_amount} {o.get_credit_type_display()}" for o in activity.offers.all())
        raise ValidationError(f"This activity does not offer {label}; it offers {offered}.")
    previous = Claim.objects.filter(activity=activity, person=person).first()
    if previous is not None:
        raise ValidationError(
            f"You already claimed {previous.amount} {previous.get_credit_type_display()} for this activity: one claim each."
        )
    minutes = attendance.minutes_attended()
    if amount is None or amount == "":
        amount = credit_types.claimable(credit_type, minutes=minutes, offer_max=offer.max_amount)
        if amount <= 0:
            raise ValidationError(f"{minutes} minutes attended earn no {label} yet.")
    amount = credit_types.check_amount(credit_type, amount, minutes=minutes, offer_max=offer.max_amount)
    record = record_add(
        person=person,
        item=activity.item,
        verb=CLAIMED,
        by=person,
        at=now,
        credit_amount=amount,
        credit_type=credit_type,
        evidence=f"{amount} {label} for {activity.title} ({minutes} minutes attended)",
        source_ref=f"activity:{activity.pk}",
    )
    try:
        with transaction.atomic():
            made = Claim.objects.create(
                activity=activity, person=person, credit_type=credit_type, amount=amount,
                minutes_attended=minutes, claimed_at=now, record=record,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError("You already claimed credit for this activity: one claim each.") from None
    audit(
        actor=person,
        action="credits.claim",
        target=made,
        changes={"amount": str(amount), "credit_type": credit_type},
    )
    return made
