"""Reminders before due and escalation to unit managers when overdue, each sent once.

A run claims its (assignment, kind) pairs in bulk: one INSERT ... ON CONFLICT DO NOTHING
(`bulk_create(ignore_conflicts=True)`) tagged with the run's batch id, read back by that id,
so a second scheduler or a retried job claims nothing twice. No transaction stays open while
mail goes out: after commit a job (`tasks.deliver_reminders`) sends one message per recipient
and stamps it sent, or releases that recipient's claims so the next run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bedside.assignments.models import Assignment, Reminder
from bedside.assignments.queries import overdue_q
from bedside.core.humanize import day
from bedside.people import access
from bedside.people.models import Capability, Person, Unit, active_jobs
from bedside.people.timezones import local_date, zones_of

log = logging.getLogger(__name__)
ESCALATION_PEOPLE_LISTED = 50


def link(name: str, *args) -> str:
    """An absolute link for an e-mail."""
    return settings.BEDSIDE_BASE_URL.rstrip("/") + reverse(name, args=args)


def _claim(claims: Iterable[tuple[int, str, int]]) -> uuid.UUID | None:
    """Claim (assignment id, kind, recipient id) rows in bulk; the batch id of those this run won, if any."""
    batch = uuid.uuid4()
    rows = [Reminder(assignment_id=a, kind=k, recipient_id=r, batch=batch) for a, k, r in claims]
    if not rows:
        return None
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    if not Reminder.objects.filter(batch=batch).exists():
        return None
    from bedside.assignments.tasks import deliver_reminders  # tasks import this module

    transaction.on_commit(lambda: deliver_reminders.enqueue(batch=str(batch)))
    return batch


@transaction.atomic
def send_due_reminders(now: dt.datetime | None = None) -> int:
    """Claim a reminder for each person, once per lead time (e.g. 7 days and 1 day before, in their local
    day), of what falls due soon; the mail goes out after commit. Returns how many people will hear."""
    now = now or timezone.now()
    leads = sorted(settings.REMINDER_DAYS_BEFORE_DUE)
    if not leads:
        return 0
    rows = list(
        Assignment.objects.filter(
            current=True,
            closed_at__isnull=True,
            due_at__gt=now,
            due_at__lte=now + dt.timedelta(days=leads[-1] + 1),
        )
        .exclude(person__email__isnull=True)
        .values_list("pk", "person_id", "due_at")
    )
    zones = zones_of({person_id for _, person_id, _ in rows})
    claims = []
    for pk, person_id, due_at in rows:
        tz = zones[person_id]
        days_left = (local_date(tz, due_at) - local_date(tz, now)).days
        claims += [(pk, f"due-{lead}", person_id) for lead in leads if days_left <= lead]
    batch = _claim(claims)
    return Reminder.objects.filter(batch=batch).values("recipient_id").distinct().count() if batch else 0


@transaction.atomic
def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Claim, for each manager of a unit (a manage grant that holds today, held by someone who has not
    left), the requirements of their staff newly overdue; one grouped e-mail each goes out after commit."""
    now = now or timezone.now()
    rows = list(Assignment.objects.filter(overdue_q(now), current=True).values_list("pk", "person_id"))
    if not rows:
        return 0
    unit_of = dict(
        active_jobs(timezone.localdate(now))
        .filter(person_id__in={person_id for _, person_id in rows}, primary=True)
        .order_by("person_id", "start_date")  # dict() keeps the last: the newest primary job
        .values_list("person_id", "unit_id")
    )
    managers = access.holders(Capability.MANAGE, Unit.objects.filter(pk__in=set(unit_of.values())))
    reachable = set(
        Person.objects.filter(
            pk__in={m for ids in managers.values() for m in ids}, email__isnull=False
        ).values_list("pk", flat=True)
    )
    claims = [
        (pk, f"escalation-{manager_id}", manager_id)
        for pk, person_id in rows
        for manager_id in managers.get(unit_of.get(person_id), ())
        if manager_id in reachable
    ]
    batch = _claim(claims)
    return Reminder.objects.filter(batch=batch).values("recipient_id").distinct().count() if batch else 0


def deliver(*, batch: str) -> int:
    """Send each recipient of a claimed batch their message (no transaction open while mailing).

    A recipient whose mail fails has their claims released, so the next run claims and tries again.
    """
    claimed = list(
        Reminder.objects.filter(batch=batch, sent_at__isnull=True)
        .select_related("recipient", "assignment__item", "assignment__person")
        .order_by("recipient_id", "assignment__due_at", "pk")
    )
    by_recipient: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in claimed:
        by_recipient[reminder.recipient_id].append(reminder)
    zones = zones_of({r.assignment.person_id for r in claimed} | set(by_recipient))
    sent = 0
    for reminders in by_recipient.values():
        recipient = reminders[0].recipient
        escalation = reminders[0].kind.startswith("escalation-")
        compose = _escalation if escalation else _due_soon
        subject, message = compose(recipient, [r.assignment for r in reminders], zones)
        ids = [r.pk for r in reminders]
        try:
            send_mail(subject=subject, message=message, from_email=None, recipient_list=[recipient.email])
        except (OSError, SMTPException):
            log.exception("a reminder was not sent; the next run tries again")
            Reminder.objects.filter(pk__in=ids).delete()
            continue
        Reminder.objects.filter(pk__in=ids).update(sent_at=timezone.now())
        sent += 1
    return sent


def _unique(assignments: list[Assignment]) -> list[Assignment]:
    seen: dict[int, Assignment] = {}
    for a in assignments:
        seen.setdefault(a.pk, a)  # several lead times of one requirement make one line
    return list(seen.values())


def _due_soon(person: Person, assignments: list[Assignment], zones) -> tuple[str, str]:
    fresh = _unique(assignments)
    tz = zones[person.pk].key
    lines = "\n".join(f"- {a.item.title} (due {day(a.due_at, tz)})" for a in fresh)
    count = f"{len(fresh)} item{'s' if len(fresh) > 1 else ''}"
    return (
        f"Due soon: {count} in Bedside",
        f"Hello {person.first_name},\n\nThese are due soon:\n{lines}\n\n"
        f"Open Today in Bedside to clear them:\n{link('today')}\n",
    )


def _escalation(manager: Person, assignments: list[Assignment], zones) -> tuple[str, str]:
    by_person: dict[int, list[Assignment]] = defaultdict(list)
    for a in _unique(assignments):
        by_person[a.person_id].append(a)
    people = sorted(
        by_person.values(), key=lambda items: (items[0].person.last_name, items[0].person.first_name)
    )
    blocks = []
    for items in people[:ESCALATION_PEOPLE_LISTED]:
        person = items[0].person
        tz = zones[person.pk].key
        lines = "\n".join(f"  - {a.item.title} (was due {day(a.due_at, tz)})" for a in items)
        blocks.append(
            f"{person.full_name}: {len(items)} overdue\n{lines}\n  {link('person-transcript', person.pk)}"
        )
    more = len(people) - ESCALATION_PEOPLE_LISTED
    tail = (
        f"\n\n...and {more} more people. See them all on the compliance page:\n{link('compliance')}"
        if more > 0
        else ""
    )
    total = sum(len(items) for items in people)
    return (
        f"Overdue training on your units: {len(people)} {'person' if len(people) == 1 else 'people'}",
        f"Hello {manager.first_name},\n\n{len(people)} of your staff have newly overdue training "
        f"({total} requirement{'s' if total != 1 else ''}):\n\n" + "\n\n".join(blocks) + tail + "\n",
    )
