"""Reminders before due and escalation to unit managers when overdue, each sent once.

A `Reminder` row is claimed before the mail goes out: the unique key on
(assignment, kind) makes a second scheduler or a retried job send nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from bedside.assignments.models import Assignment, Reminder
from bedside.assignments.queries import overdue_q
from bedside.people.models import Capability, Grant, Person, ScopeKind, active_jobs
from bedside.web.humanize import day


def _claim(pairs: list[tuple[int, str]]) -> set[int]:
    """Insert Reminder rows; return the assignment ids this caller claimed (not claimed before)."""
    if not pairs:
        return set()
    ids = [pk for pk, _ in pairs]
    kinds = {kind for _, kind in pairs}
    before = set(
        Reminder.objects.filter(assignment_id__in=ids, kind__in=kinds).values_list("assignment_id", "kind")
    )
    fresh = [(pk, kind) for pk, kind in pairs if (pk, kind) not in before]
    Reminder.objects.bulk_create(
        [Reminder(assignment_id=pk, kind=kind) for pk, kind in fresh], ignore_conflicts=True
    )
    return {pk for pk, _ in fresh}


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
    pairs = [
        (a.pk, f"due-{lead}") for a in rows for lead in leads if a.due_at <= now + dt.timedelta(days=lead)
    ]
    with transaction.atomic():
        claimed = _claim(pairs)
    by_person: dict[int, list[Assignment]] = defaultdict(list)
    for a in rows:
        if a.pk in claimed:
            by_person[a.person_id].append(a)
    for items in by_person.values():
        person = items[0].person
        lines = "\n".join(f"- {a.item.title} (due {day(a.due_at)})" for a in items)
        send_mail(
            subject=f"Due soon: {len(items)} item{'s' if len(items) > 1 else ''} in Bedside",
            message=f"Hello {person.first_name},\n\nThese are due soon:\n{lines}\n\nOpen Today in Bedside to clear them.",
            from_email=None,
            recipient_list=[person.email],
        )
    return len(by_person)


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
    with transaction.atomic():
        claimed = _claim([(a.pk, "escalation") for a in rows])
    rows = [a for a in rows if a.pk in claimed]
    if not rows:
        return 0
    unit_of = dict(
        active_jobs(now.date())
        .filter(person_id__in={a.person_id for a in rows}, primary=True)
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
        lines = "\n".join(f"- {a.person.full_name}: {a.item.title} (was due {day(a.due_at)})" for a in items)
        send_mail(
            subject=f"Overdue training on your units: {len(items)}",
            message=f"Hello {manager.first_name},\n\nThese requirements are now overdue:\n{lines}\n",
            from_email=None,
            recipient_list=[manager.email],
        )
        sent += 1
    return sent
