"""Credit activities: setting one up with the credit it offers, and changing it (the CME office).

Every refusal is a ValidationError with a sentence the office can act on, raised before anything is
written; each function runs in one transaction.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.credits import credit_types
from bedside.credits.models import KIND, Activity, ActivityFormat, CreditOffer, Topic
from bedside.people import access
from bedside.people.models import Capability, Person, Site
from bedside.people.timezones import system_tz
from bedside.records.models import LearningItem


def activity_zone(activity: Activity) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(activity.site.time_zone) if activity.site_id else system_tz()


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


# --- Cancelling -------------------------------------------------------------------------------------


def cancelled_on(activity: Activity) -> str:
    """'This activity was cancelled on 26 Nov 2026' (the day in the activity's time zone), or ''."""
    if activity.cancelled_at is None:
        return ""
    day = timezone.localtime(activity.cancelled_at, activity_zone(activity))
    return f"This activity was cancelled on {day.day} {day:%b %Y}"


def refuse_if_cancelled(activity: Activity, consequence: str) -> None:
    """A ValidationError saying when the activity was cancelled and what that closes (`consequence`)."""
    if activity.cancelled_at is not None:
        raise ValidationError(f"{cancelled_on(activity)}: {consequence}")


@transaction.atomic
def activity_cancel(*, actor: Person | None, activity: Activity, now: dt.datetime | None = None) -> Activity:
    """Cancel (close) an activity: from now on it takes no check-in, time, evaluation or claim, and
    issues no certificate or badge.

    What was recorded before stays as it is (attendance, evaluations, claims and their ledger
    records are the history the CME office answers for); the audit entry says how many there were.
    The CME office, or `actor=None` for a higher app that checked access itself (events cancelling
    a talk). A second cancellation is refused.
    """
    now = now or timezone.now()
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    require_cme(actor, activity)
    if activity.cancelled_at is not None:
        raise ValidationError(f"{cancelled_on(activity)}: it is already cancelled.")
    activity.cancelled_at = now
    activity.save(update_fields=["cancelled_at"])
    audit(
        actor=actor,
        action="credits.activity_cancel",
        target=activity,
        changes={
            "attendances_kept": activity.attendances.count(),
            "claims_kept": activity.claims.count(),
        },
    )
    return activity
