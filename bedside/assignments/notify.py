"""Reminders before due and escalation to unit managers when overdue, each sent once.

A `Reminder` row is claimed before the mail goes out: the unique key on
(assignment, kind) makes a second scheduler or a retried job send nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from bedside.assignments.models import Assignment, Reminder
from bedside.assignments.queries import overdue_q
from bedside.core.humanize import day
from bedside.people.models import Capability, Grant, Person, ScopeKind, active_jobs

log = logging.getLogger(__name__)


def _claim(pairs: list[tuple[int, str]]) -> set[int]:
    """Insert Reminder rows; the assignment ids of those this caller inserted (another caller's are skipped).

    One savepoint a row tells, on both databases, exactly which inserts won.
    """
    if not pairs:
        return set()
    before = set(
        Reminder.objects.filter(
            assignment_id__in=[pk for pk, _ in pairs], kind__in={kind for _, kind in pairs}
        ).values_list("assignment_id", "kind")
    )
    won: set[int] = set()
    for pk, kind in pairs:
        if (pk, kind) in before:
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(assignment_id=pk, kind=kind)
        except IntegrityError:
            continue
        won.add(pk)
    return won


def _claim_and_send(claims: list[tuple[int, str]], compose) -> bool:
    """Claim, then mail what was claimed, as one: a failed mail rolls its claims back for the next run.

    `compose(won_assignment_ids)` returns (recipient, subject, message).
    """
    try:
        with transaction.atomic():
            won = _claim(claims)
            if not won:
                return False
            recipient, subject, message = compose(won)
            send_mail(subject=subject, message=message, from_email=None, recipient_list=[recipient])
    except (OSError, SMTPException):
        log.exception("a reminder was not sent; the next run tries again")
        return False
    return True


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """E-mail each person, once per lead time (e.g. 7 days and 1 day before), what falls due soon."""
    now = now or timezone.now()
    leads = sorted(settings.REMINDER_DAYS_BEFORE_DUE)
    if not leads:
        return 0
    rows = list(
        Assignment.objects.filter(
            current=True,
            closed_at__isnull=True,
            due_at__gt=now,
            due_at__lte=now + dt.timedelta(days=leads[-1]),
        )
        .exclude(person__email__isnull=True)
        .select_related("person", "item")
        .order_by("person_id", "due_at")
    )
    by_person: dict[int, list[Assignment]] = defaultdict(list)
    for a in rows:
        by_person[a.person_id].append(a)
    sent = 0
    for items in by_person.values():
        person = items[0].person
        claims = [
            (a.pk, f"due-{lead}")
            for a in items
            for lead in leads
            if a.due_at <= now + dt.timedelta(days=lead)
        ]

        def compose(won: set[int], person=person, items=items):
            fresh = [a for a in items if a.pk in won]
            lines = "\n".join(f"- {a.item.title} (due {day(a.due_at)})" for a in fresh)
            return (
                person.email,
                f"Due soon: {len(fresh)} item{'s' if len(fresh) > 1 else ''} in Bedside",
                f"Hello {person.first_name},\n\nThese are due soon:\n{lines}\n\nOpen Today in Bedside to clear them.",
            )

        sent += _claim_and_send(claims, compose)
    return sent


def managers_of(unit_ids: set[int]) -> dict[int, set[int]]:
    """For each unit, the persons holding a manage grant over it (unit, department, site or system)."""
    from bedside.people.models import Unit

    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    grants = list(Grant.objects.filter(capability=Capability.MANAGE).order_by("pk"))
    found: dict[int, set[int]] = defaultdict(set)
    for unit in units.values():
        for g in grants:
            if (
                g.scope_kind == ScopeKind.SYSTEM
                or (g.scope_kind == ScopeKind.SITE and g.scope_id == unit.site_id)
                or (g.scope_kind == ScopeKind.DEPARTMENT and g.scope_id == unit.department_id)
                or (g.scope_kind == ScopeKind.UNIT and g.scope_id == unit.pk)
            ):
                found[unit.pk].add(g.person_id)
    return found


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Tell each unit manager, in one e-mail, which of their staff are newly overdue."""
    now = now or timezone.now()
    rows = list(
        Assignment.objects.filter(overdue_q(now), current=True)
        .select_related("person", "item")
        .order_by("person_id", "due_at")
    )
    if not rows:
        return 0
    unit_of = dict(
        active_jobs(timezone.localdate(now))
        .filter(person_id__in={a.person_id for a in rows}, primary=True)
        .order_by("person_id", "start_date")  # dict() keeps the last: the newest primary job
        .values_list("person_id", "unit_id")
    )
    managers = managers_of(set(unit_of.values()))
    per_manager: dict[int, list[Assignment]] = defaultdict(list)
    for a in rows:
        for manager_id in managers.get(unit_of.get(a.person_id), ()):
            per_manager[manager_id].append(a)
    people = Person.objects.in_bulk(per_manager.keys())
    sent = 0
    for manager_id, items in per_manager.items():
        manager = people[manager_id]
        if not manager.email:
            continue

        def compose(won: set[int], manager=manager, items=items):
            fresh = [a for a in items if a.pk in won]
            lines = "\n".join(
                f"- {a.person.full_name}: {a.item.title} (was due {day(a.due_at)})" for a in fresh
            )
            return (
                manager.email,
                f"Overdue training on your units: {len(fresh)}",
                f"Hello {manager.first_name},\n\nThese requirements are now overdue:\n{lines}\n",
            )

        # Each manager hears of each overdue requirement once.
        sent += _claim_and_send([(a.pk, f"escalation-{manager_id}") for a in items], compose)
    return sent
