"""Writes for series, events, speakers and registration. Each checks the actor, validates, writes, audits.

`actor=None` means a job or a command (the demo seed). Errors are `ValidationError` with a message a
person can read, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from bedside.audit.services import audit
from bedside.events import credit
from bedside.events.credit import CreditTerms
from bedside.events.models import (
    Attendance,
    DisclosureStatus,
    Event,
    Mode,
    Registration,
    Relationship,
    Series,
    Speaker,
)
from bedside.events.scopes import ORGANISERS, organiser_departments
from bedside.learning.models import Room
from bedside.people import access
from bedside.people.models import Audience, Department, Person

NOT_ORGANISER = "Only the educators and CME office of this department can organise its events."


def require_organiser(actor: Person | None, department: Department) -> None:
    if actor is None:
        return
    if not organiser_departments(actor).filter(pk=department.pk).exists():
        raise PermissionDenied(NOT_ORGANISER)


def can_organise(person: Person, event: Event) -> bool:
    return access.can(person, ORGANISERS, event)


def _unique_slug(model, text: str) -> str:
    base = slugify(text)[:100] or "event"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def local_start(day: dt.date, at: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """`at` on `day` where the site is, in UTC: the same wall-clock time before and after a DST change.

    A time that does not exist that day (skipped by the spring change) moves forward by the gap, as
    zoneinfo resolves it (fold=0)."""
    return dt.datetime.combine(day, at, tzinfo=tz).astimezone(dt.UTC)


@transaction.atomic
def series_create(
    *,
    actor: Person | None,
    title: str,
    department: Department,
    weekday: int,
    at: dt.time,
    minutes: int = 60,
    description: str = "",
    audience: Audience | None = None,
    public: bool = False,
) -> Series:
    """A weekly series of a department, at a local time of its site."""
    require_organiser(actor, department)
    title = title.strip()
    if not title:
        raise ValidationError("Give the series a title, e.g. Medicine Grand Rounds.")
    if not 0 <= weekday <= 6:
        raise ValidationError("Choose the day of the week the series meets.")
    if not 5 <= minutes <= 600:
        raise ValidationError("A talk lasts between 5 minutes and 10 hours.")
    series = Series.objects.create(
        title=title,
        slug=_unique_slug(Series, title),
        description=description.strip(),
        site=department.site,
        department=department,
        weekday=weekday,
        local_start=at,
        minutes=minutes,
        audience=audience,
        public=public,
    )
    audit(actor=actor, action="events.series.create", target=series, changes={"title": title})
    return series


@dataclass(frozen=True)
class EventFields:
    """What an organiser sets on an event (the form's cleaned data, or the seed's)."""

    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    mode: str = Mode.HYBRID
    room: Room | None = None
    stream_url: str = ""
    meeting_url: str = ""
    description: str = ""
    objectives: str = ""
    audience: Audience | None = None
    registration_required: bool = False
    public: bool = False
    premoderated: bool = False


def _check_event(fields: EventFields, department: Department) -> None:
    problems = []
    if not fields.title.strip():
        problems.append("Give the event a title.")
    if fields.ends_at <= fields.starts_at:
        problems.append("The event must end after it starts.")
    elif fields.ends_at - fields.starts_at > dt.timedelta(hours=12):
        problems.append("An event lasts at most 12 hours.")
    if fields.mode not in Mode.values:
        problems.append("Choose in person, virtual or hybrid.")
    if fields.mode in (Mode.IN_PERSON, Mode.HYBRID) and fields.room is None:
        problems.append("An event in the room needs a room.")
    if fields.mode == Mode.VIRTUAL and fields.room is not None:
        problems.append("A virtual event has no room: choose hybrid to use one.")
    if fields.room is not None and fields.room.site_id != department.site_id:
        problems.append(f"The room {fields.room.name} is at another site than {department.name}.")
    if fields.mode in (Mode.VIRTUAL, Mode.HYBRID) and not (fields.stream_url or fields.meeting_url):
        problems.append("An event online needs a stream or meeting link.")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def event_create(
    *,
    actor: Person | None,
    department: Department,
    fields: EventFields,
    series: Series | None = None,
    credit_terms: CreditTerms | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """One event of a department (of a series, or on its own); with `credit_terms` (the CME office's
    part) it offers credit through its own activity. `now` dates the activity (the seed's clock)."""
    require_organiser(actor, department)
    if credit_terms is not None:
        credit.require_credit_office(actor, department)
    if series is not None and series.department_id != department.pk:
        raise ValidationError("An event of a series belongs to the series' department.")
    _check_event(fields, department)
    tz = zoneinfo.ZoneInfo(department.site.time_zone)
    event = Event.objects.create(
        series=series,
        slug=_unique_slug(Event, f"{fields.title} {fields.starts_at.astimezone(tz):%Y-%m-%d}"),
        site=department.site,
        department=department,
        title=fields.title.strip(),
        starts_at=fields.starts_at,
        ends_at=fields.ends_at,
        mode=fields.mode,
        room=fields.room,
        stream_url=fields.stream_url,
        meeting_url=fields.meeting_url,
        description=fields.description.strip(),
        objectives=fields.objectives.strip(),
        audience=fields.audience,
        registration_required=fields.registration_required,
        public=fields.public,
        premoderated=fields.premoderated,
    )
    audit(actor=actor, action="events.event.create", target=event, changes={"title": event.title})
    if credit_terms is not None:
        credit.credit_offer(actor=actor, event=event, terms=credit_terms, now=now)
    return event


@transaction.atomic
def event_update(
    *, actor: Person | None, event: Event, fields: EventFields, credit_terms: CreditTerms | None = None
) -> Event:
    """Change an event; its activity (if it offers credit) follows. `credit_terms` (the CME office
    only) also change what credit it offers, or start offering it. Once someone has claimed credit,
    moving the talk is refused (the credits service's message) and nothing is written."""
    if actor is not None and not can_organise(actor, event):
        raise PermissionDenied(NOT_ORGANISER)
    if credit_terms is not None:
        credit.require_credit_office(actor, event)
    _check_event(fields, event.department)
    if fields.room is not None and event.capacity is not None:
        taken = event.registrations.filter(cancelled_at__isnull=True, attendance=Attendance.ROOM).count()
        if taken > fields.room.capacity:
            raise ValidationError(
                f"{taken} people have a seat in the room; {fields.room.name} has {fields.room.capacity}."
            )
    for name in EventFields.__dataclass_fields__:
        value = getattr(fields, name)
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    event.save()
    audit(actor=actor, action="events.event.update", target=event, changes={"title": event.title})
    if credit_terms is not None:
        credit.credit_offer(actor=actor, event=event, terms=credit_terms)
    else:
        credit.activity_sync(event)
    return event


@transaction.atomic
def series_schedule(
    *,
    actor: Person | None,
    series: Series,
    first_day: dt.date,
    weeks: int,
    fields: EventFields,
    now: dt.datetime | None = None,
) -> list[Event]:
    """The series' events (each as `fields` says, at its own time) for `weeks` weeks from `first_day`, each on its weekday at its local time
    (the same wall-clock time across daylight-saving changes); a week that has one already is skipped.
    Where the series offers credit by default, each new event offers it (an activity each)."""
    if actor is not None and not access.can(actor, ORGANISERS, series):
        raise PermissionDenied(NOT_ORGANISER)
    if not 1 <= weeks <= 52:
        raise ValidationError("Schedule between 1 and 52 weeks at a time.")
    tz = series.tz
    day = first_day + dt.timedelta(days=(series.weekday - first_day.weekday()) % 7)
    made = []
    for _ in range(weeks):
        starts = local_start(day, series.local_start, tz)
        exists = series.events.filter(
            starts_at__gte=starts - dt.timedelta(hours=12), starts_at__lt=starts + dt.timedelta(hours=12)
        ).exists()
        if not exists:
            base = fields or EventFields(
                title=series.title, starts_at=starts, ends_at=starts, mode=Mode.VIRTUAL
            )
            made.append(
                event_create(
                    actor=None,
                    department=series.department,
                    series=series,
                    fields=EventFields(
                        **{
                            **base.__dict__,
                            "starts_at": starts,
                            "ends_at": starts + dt.timedelta(minutes=series.minutes),
                            "audience": base.audience or series.audience,
                            "public": base.public or series.public,
                        }
                    ),
                )
            )
            terms = credit.series_terms(series, made[-1])
            if terms is not None:
                credit.credit_offer(actor=None, event=made[-1], terms=terms, now=now)
        day += dt.timedelta(days=7)
    audit(actor=actor, action="events.series.schedule", target=series, changes={"events": len(made)})
    return made


@transaction.atomic
def event_cancel(*, actor: Person | None, event: Event, now: dt.datetime | None = None) -> Event:
    """Cancel the event, and its credit activity with it (no check-in, time, claim or certificate
    after this; what was recorded before stays)."""
    if actor is not None and not can_organise(actor, event):
        raise PermissionDenied(NOT_ORGANISER)
    if event.cancelled_at:
        raise ValidationError("This event is already cancelled.")
    event.cancelled_at = now or timezone.now()
    event.save(update_fields=["cancelled_at"])
    audit(actor=actor, action="events.event.cancel", target=event)
    credit.activity_close(event)
    return event


@dataclass(frozen=True)
class Disclosed:
    company: str
    nature: str
    mitigation: str


@transaction.atomic
def speaker_add(
    *,
    actor: Person | None,
    event: Event,
    name: str,
    person: Person | None = None,
    credentials: str = "",
    affiliation: str = "",
    disclosure: str = DisclosureStatus.PENDING,
    relationships: Sequence[Disclosed] = (),
) -> Speaker:
    """A speaker with their disclosure: nothing to disclose, or each relationship with its mitigation."""
    if actor is not None and not can_organise(actor, event):
        raise PermissionDenied(NOT_ORGANISER)
    name = name.strip() or (person.full_name if person else "")
    problems = []
    if not name:
        problems.append("Give the speaker's name.")
    if disclosure not in DisclosureStatus.values:
        problems.append("Say whether the speaker has financial relationships to disclose.")
    if disclosure == DisclosureStatus.RELATIONSHIPS and not relationships:
        problems.append("Name each financial relationship (company, nature, and how it was mitigated).")
    if disclosure != DisclosureStatus.RELATIONSHIPS and relationships:
        problems.append("Relationships are listed only for a speaker who has some to disclose.")
    for r in relationships:
        if not (r.company.strip() and r.nature.strip()):
            problems.append("Each relationship names the company and its nature.")
        if not r.mitigation.strip():
            problems.append(f"Say how the relationship with {r.company or 'the company'} was mitigated.")
    if problems:
        raise ValidationError(problems)
    speaker = Speaker.objects.create(
        event=event,
        person=person,
        name=name,
        credentials=credentials.strip(),
        affiliation=affiliation.strip(),
        disclosure=disclosure,
        order=event.speakers.count(),
    )
    Relationship.objects.bulk_create(
        Relationship(
            speaker=speaker,
            company=r.company.strip(),
            nature=r.nature.strip(),
            mitigation=r.mitigation.strip(),
        )
        for r in relationships
    )
    audit(actor=actor, action="events.speaker.add", target=speaker, changes={"event": event.pk, "name": name})
    return speaker


@transaction.atomic
def speaker_remove(*, actor: Person | None, speaker: Speaker) -> None:
    if actor is not None and not can_organise(actor, speaker.event):
        raise PermissionDenied(NOT_ORGANISER)
    audit(actor=actor, action="events.speaker.remove", target=speaker, changes={"name": speaker.name})
    speaker.delete()


@transaction.atomic
def moderators_set(*, actor: Person | None, event: Event, persons: Iterable[Person]) -> None:
    """Who moderates the event's questions (on their phones); the role reaches this event only."""
    if actor is not None and not can_organise(actor, event):
        raise PermissionDenied(NOT_ORGANISER)
    persons = list(persons)
    event.moderators.set(persons)
    audit(
        actor=actor,
        action="events.moderators.set",
        target=event,
        changes={"persons": [p.pk for p in persons]},
    )


def seats_taken(event: Event) -> int:
    return event.registrations.filter(cancelled_at__isnull=True, attendance=Attendance.ROOM).count()


@transaction.atomic
def register(
    *, person: Person, event: Event, attendance: str, now: dt.datetime | None = None
) -> Registration:
    """A place at the event, in the room (while seats last) or online; one live place per person."""
    now = now or timezone.now()
    event = Event.objects.select_for_update(of=("self",)).select_related("room").get(pk=event.pk)
    if event.cancelled_at:
        raise ValidationError("This event is cancelled.")
    if event.ends_at <= now:
        raise ValidationError("This event is over.")
    if not event.public and not access.is_hospital_staff(person):
        raise ValidationError("This event is for the hospital's staff.")
    if attendance not in Attendance.values:
        raise ValidationError("Choose to attend in the room or online.")
    if attendance == Attendance.ROOM and not event.in_room:
        raise ValidationError("This event is online only.")
    if attendance == Attendance.ONLINE and not event.online:
        raise ValidationError("This event is in the room only.")
    if Registration.objects.filter(event=event, person=person, cancelled_at__isnull=True).exists():
        raise ValidationError("You already have a place at this event.")
    if attendance == Attendance.ROOM and event.capacity is not None and seats_taken(event) >= event.capacity:
        hint = " Join online instead." if event.online else ""
        raise ValidationError(f"The room is full ({event.capacity} seats).{hint}")
    place = Registration.objects.create(event=event, person=person, attendance=attendance, registered_at=now)
    audit(actor=person, action="events.register", target=place, changes={"attendance": attendance})
    return place


@transaction.atomic
def registration_cancel(*, person: Person, event: Event, now: dt.datetime | None = None) -> Registration:
    now = now or timezone.now()
    place = Registration.objects.filter(event=event, person=person, cancelled_at__isnull=True).first()
    if place is None:
        raise ValidationError("You have no place at this event to cancel.")
    place.cancelled_at = now
    place.save(update_fields=["cancelled_at"])
    audit(actor=person, action="events.registration.cancel", target=place)
    return place
