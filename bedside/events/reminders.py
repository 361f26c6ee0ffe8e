"""Reminders a day before a talk to everyone with a place, once per event (claimed in the database)."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.core import humanize
from bedside.events.models import Event, Registration

REMIND_BEFORE = dt.timedelta(hours=24)


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Mail the places of events starting within the next 24 hours; returns how many mails went.

    Each event is claimed with a conditional update before mailing, so two schedulers (or a re-run)
    never remind twice; the mails leave after the claim commits."""
    from bedside.assignments.notify import link

    now = now or timezone.now()
    due = Event.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
        reminded_at__isnull=True,
        cancelled_at__isnull=True,
    ).select_related("room", "site")
    sent = 0
    for event in due:
        with transaction.atomic():
            if not Event.objects.filter(pk=event.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            places = list(
                Registration.objects.filter(event=event, cancelled_at__isnull=True)
                .exclude(person__email__isnull=True)
                .select_related("person")
            )
            mails = []
            for place in places:
                where = f"in {event.room.name}" if place.attendance == "room" and event.room_id else "online"
                starts = humanize.when(event.starts_at, event.tz, now=now)
                mails.append(
                    (
                        f"Tomorrow: {event.title}"
                        if event.starts_at - now > dt.timedelta(hours=12)
                        else f"Soon: {event.title}",
                        f"{event.title} starts {starts} ({event.site.name} time), {where}.\n\n"
                        f"Speakers, disclosures and the live questions: {link('event', event.pk)}\n",
                        None,
                        [place.person.email],
                    )
                )
            audit(actor=None, action="events.remind", target=event, changes={"places": len(places)})
            transaction.on_commit(lambda mails=mails: send_mass_mail(mails, fail_silently=False))
            sent += len(mails)
    return sent


def prune_live_log(*, now: dt.datetime | None = None, keep: dt.timedelta = dt.timedelta(days=2)) -> int:
    """The live log is for delivery and catching up, not a record: rows older than two days go."""
    from bedside.events.models import LiveMessage

    deleted, _ = LiveMessage.objects.filter(at__lt=(now or timezone.now()) - keep).delete()
    return deleted
