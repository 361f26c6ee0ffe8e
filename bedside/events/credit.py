"""Credit for events: a talk offers continuing-education credit through one `credits.Activity`.

The CME office (a `cme` grant over the event's department or site) decides what credit a talk
offers (`CreditTerms`: credit types and maxima, the provider and accreditation details, whether
the evaluation is required, enduring credit until a date). The activity's title, times,
objectives, description, site, location and format follow the event on every change, so an
organiser who only teaches may still move the talk: `activity_sync` passes the change on. Both
go through the credits services with `actor=None` once events has checked access, and
`source_app="events"`, `source_id=<event id>` point back (credits never imports events).
Cancelling the event cancels its activity in the same transaction (`activity_close`).

Once someone has claimed, the credits service refuses to change the offers or the times; its
ValidationError rises through the event's own transaction, so nothing is written.

A series may default to offering credit (`series_credit_set`): `series_schedule` then sets up an
activity for each event it creates (`series_terms`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from bedside.audit.services import audit
from bedside.credits import credit_types
from bedside.credits import services as credits
from bedside.credits.models import Activity, ActivityFormat
from bedside.events.models import Event, Mode, Series
from bedside.events.scopes import organiser_departments
from bedside.people import access
from bedside.people.models import Capability, Department, Person

NOT_CME = "Only the CME office of this department can offer credit for its events."
SOURCE_APP = "events"


@dataclass(frozen=True)
class CreditTerms:
    """What credit a talk offers and on what terms (the CME office's part of an event)."""

    offers: Mapping[str, Decimal]  # {credit type: maximum}, e.g. {"ama_pra_1": Decimal("1.00")}
    provider_name: str
    accreditor_activity_id: str = ""
    joint_provider_name: str = ""  # named: jointly provided
    commercial_supporters: str = ""  # named: commercial support received
    target_audience: str = ""
    evaluation_required: bool = True
    enduring_until: dt.datetime | None = None  # set: watching the recording earns credit until then
    checkin_opens_minutes: int = 15
    checkin_closes_minutes: int = 30
    topics: tuple = field(default=())

    def activity_fields(self) -> dict:
        return {
            "provider_name": self.provider_name.strip(),
            "accreditor_activity_id": self.accreditor_activity_id.strip(),
            "joint_providership": bool(self.joint_provider_name.strip()),
            "joint_provider_name": self.joint_provider_name.strip(),
            "commercial_support": bool(self.commercial_supporters.strip()),
            "commercial_supporters": self.commercial_supporters.strip(),
            "target_audience": self.target_audience.strip(),
            "evaluation_required": self.evaluation_required,
            "enduring_allowed": self.enduring_until is not None,
            "enduring_until": self.enduring_until,
            "checkin_opens_minutes": self.checkin_opens_minutes,
            "checkin_closes_minutes": self.checkin_closes_minutes,
        }


def terms_of(activity: Activity) -> CreditTerms:
    """The terms an event's activity offers now (the edit form's starting point)."""
    return CreditTerms(
        offers={o.credit_type: o.max_amount for o in activity.offers.all()},
        provider_name=activity.provider_name,
        accreditor_activity_id=activity.accreditor_activity_id,
        joint_provider_name=activity.joint_provider_name if activity.joint_providership else "",
        commercial_supporters=activity.commercial_supporters if activity.commercial_support else "",
        target_audience=activity.target_audience,
        evaluation_required=activity.evaluation_required,
        enduring_until=activity.enduring_until if activity.enduring_allowed else None,
        checkin_opens_minutes=activity.checkin_opens_minutes,
        checkin_closes_minutes=activity.checkin_closes_minutes,
        topics=tuple(activity.topics.all()),
    )


def can_offer_credit(person: Person, target: Event | Series | Department) -> bool:
    """The CME office over the event's (or series') department or site, or an administrator."""
    if isinstance(target, Department):
        return organiser_departments(person, Capability.CME).filter(pk=target.pk).exists()
    return access.can(person, Capability.CME, target)


def require_credit_office(actor: Person | None, target: Event | Series | Department) -> None:
    if actor is not None and not can_offer_credit(actor, target):
        raise PermissionDenied(NOT_CME)


def _format(event: Event) -> str:
    if event.series_id:
        return ActivityFormat.RSS
    return ActivityFormat.INTERNET_LIVE if event.mode == Mode.VIRTUAL else ActivityFormat.COURSE


def _location(event: Event) -> str:
    if event.mode == Mode.VIRTUAL or event.room is None:
        return "Online"
    room = f"{event.site.name}, {event.room.name}"
    return f"{room}, and online" if event.mode == Mode.HYBRID else room


def activity_title(event: Event) -> str:
    """The certificate's title: the series' name before the talk's, where the talk does not say it."""
    if event.series_id and event.series.title.lower() not in event.title.lower():
        return f"{event.series.title}: {event.title}"[:300]
    return event.title


def followed(event: Event) -> dict:
    """The activity's fields that follow the event."""
    return {
        "title": activity_title(event),
        "description": event.description,
        "objectives": event.objectives,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "site": event.site,
        "location": _location(event),
        "format": _format(event),
    }


@transaction.atomic
def credit_offer(
    *, actor: Person | None, event: Event, terms: CreditTerms, now: dt.datetime | None = None
) -> Activity:
    """Offer credit for the event (setting up its activity), or change what it offers.

    The CME office only. Refusals (no credit type, a maximum off its steps, no provider, enduring
    credit ending before the talk, offers or times changed after a claim) are the credits
    service's ValidationErrors, raised before anything is written."""
    require_credit_office(actor, event)
    if event.cancelled_at:
        raise ValidationError("This event is cancelled: it offers no credit.")
    fields = {**followed(event), **terms.activity_fields()}
    if event.activity_id is None:
        title = fields.pop("title")
        activity = credits.activity_create(
            actor=None, title=title, offers=terms.offers, topics=terms.topics, source_app=SOURCE_APP,
            source_id=str(event.pk), now=now, **fields,
        )  # fmt: skip
        Event.objects.filter(pk=event.pk).update(activity=activity)
        event.activity = activity
    else:
        activity = credits.activity_update(
            actor=None, activity=event.activity, offers=terms.offers, topics=terms.topics, **fields
        )
        event.activity = activity
    audit(
        actor=actor,
        action="events.event.credit",
        target=event,
        changes={"offers": {t: str(a) for t, a in dict(terms.offers).items()}, "activity": activity.pk},
    )
    return activity


def activity_sync(event: Event) -> None:
    """Pass the event's title, times, objectives, site and place on to its activity (if it offers credit)."""
    if event.activity_id is not None:
        event.activity = credits.activity_update(actor=None, activity=event.activity, **followed(event))


def activity_close(event: Event) -> None:
    """Cancel the activity of a cancelled event (if it offers credit and the CME office has not already)."""
    if event.activity_id is None:
        return
    activity = Activity.objects.select_for_update().get(pk=event.activity_id)
    if activity.cancelled_at is None:
        activity = credits.activity_cancel(actor=None, activity=activity, now=event.cancelled_at)
    event.activity = activity


# --- A series' default --------------------------------------------------------------------------------


def clean_offers(offers: Mapping[str, Decimal | str | None]) -> dict[str, Decimal]:
    """Offers as {type: Decimal}, each on its type's steps; empty values dropped."""
    out = {}
    for credit_type, amount in offers.items():
        if amount in (None, ""):
            continue
        rule = credit_types.rule_for(credit_type)
        label = credit_types.label_of(credit_type)
        try:
            value = Decimal(str(amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise ValidationError(f"The maximum for {label} must be a number, e.g. 1.00.") from None
        if not rule.is_step(value):
            raise ValidationError(f"The maximum for {label} must be above zero, in steps of {rule.step}.")
        out[credit_type] = value
    return out


@transaction.atomic
def series_credit_set(
    *,
    actor: Person | None,
    series: Series,
    offers: Mapping[str, Decimal | str | None],
    provider_name: str = "",
    accreditor_activity_id: str = "",
    evaluation_required: bool = True,
    enduring_days: int | None = None,
) -> Series:
    """What credit each talk the series schedules from now on offers (no offers: none). Talks already
    scheduled keep theirs; the CME office changes those one by one."""
    require_credit_office(actor, series)
    cleaned = clean_offers(offers)
    if cleaned and not provider_name.strip():
        raise ValidationError("Name the accredited provider.")
    if enduring_days is not None and not 1 <= enduring_days <= 730:
        raise ValidationError("Enduring credit runs between 1 and 730 days after each talk.")
    series.credit_offers = {t: str(a) for t, a in cleaned.items()}
    series.credit_provider = provider_name.strip() if cleaned else ""
    series.credit_accreditor_id = accreditor_activity_id.strip() if cleaned else ""
    series.credit_evaluation_required = evaluation_required
    series.credit_enduring_days = enduring_days if cleaned else None
    series.save(
        update_fields=[
            "credit_offers", "credit_provider", "credit_accreditor_id", "credit_evaluation_required",
            "credit_enduring_days",
        ]
    )  # fmt: skip
    audit(actor=actor, action="events.series.credit", target=series, changes={"offers": series.credit_offers})
    return series


def series_terms(series: Series, event: Event) -> CreditTerms | None:
    """The terms a newly scheduled talk of the series offers, or None where the series offers none."""
    if not series.offers_credit:
        return None
    days = series.credit_enduring_days
    return CreditTerms(
        offers={t: Decimal(a) for t, a in series.credit_offers.items()},
        provider_name=series.credit_provider,
        accreditor_activity_id=series.credit_accreditor_id,
        evaluation_required=series.credit_evaluation_required,
        enduring_until=event.ends_at + dt.timedelta(days=days) if days else None,
    )
