"""Reads of requirements: a person's due list, and the status of each requirement now.

Status is computed from dates at read time, so an item turns overdue at its
deadline without any write: satisfied (done, or still covered by the last
completion), due (open, not yet overdue) or overdue.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from bedside.assignments.models import Assignment, ClosedReason
from bedside.people.models import Job, Person

SATISFIED = "satisfied"
DUE = "due"
OVERDUE = "overdue"
STATUS_LABELS = {SATISFIED: "Done", DUE: "Due", OVERDUE: "Overdue"}


def satisfied_q(now: dt.datetime) -> Q:
    return Q(closed_reason=ClosedReason.COMPLETED) | Q(covered_until__gt=now)


def overdue_q(now: dt.datetime) -> Q:
    return Q(closed_at__isnull=True, overdue_at__lt=now) & ~Q(covered_until__gt=now)


def required() -> QuerySet[Assignment]:
    """The current requirement of every (person, item): latest cycle, not withdrawn."""
    return Assignment.objects.filter(
        current=True, closed_reason__in=[ClosedReason.OPEN, ClosedReason.COMPLETED]
    )


def with_status(rows: QuerySet[Assignment], now: dt.datetime | None = None) -> QuerySet[Assignment]:
    now = now or timezone.now()
    return rows.annotate(
        status=Case(
            When(satisfied_q(now), then=Value(SATISFIED)),
            When(overdue_q(now), then=Value(OVERDUE)),
            default=Value(DUE),
            output_field=CharField(),
        )
    )


def open_for(person: Person) -> QuerySet[Assignment]:
    """A person's open requirements, most urgent first (overdue, then by due date)."""
    return (
        Assignment.objects.filter(person=person, current=True, closed_at__isnull=True)
        .select_related("item")
        .order_by("due_at", "pk")
    )


def status_of(assignment: Assignment, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if assignment.closed_reason == ClosedReason.COMPLETED or (
        assignment.covered_until and assignment.covered_until > now
    ):
        return SATISFIED
    if assignment.closed_at is None and assignment.overdue_at < now:
        return OVERDUE
    return DUE


def rule_progress(
    rule_ids: list[int], *, persons: QuerySet | None = None, now: dt.datetime | None = None
) -> dict[int, dict[str, int]]:
    """For each rule, how many of its requirements (of `persons`, or everyone) are done, due and overdue."""
    from django.db.models import Count

    now = now or timezone.now()
    rows = required().filter(rule_id__in=rule_ids)
    if persons is not None:
        rows = rows.filter(person__in=persons.values("pk"))
    rows = (
        rows.values("rule_id")
        .annotate(
            total=Count("pk"),
            satisfied=Count("pk", filter=satisfied_q(now)),
            overdue=Count("pk", filter=overdue_q(now)),
        )
        .order_by("rule_id")
    )
    progress = {pk: {"total": 0, "satisfied": 0, "overdue": 0, "due": 0} for pk in rule_ids}
    for row in rows:
        progress[row["rule_id"]] = {
            "total": row["total"],
            "satisfied": row["satisfied"],
            "overdue": row["overdue"],
            "due": row["total"] - row["satisfied"] - row["overdue"],
        }
    return progress


def rule_outstanding(
    rule_id: int, *, persons: QuerySet | None = None, now: dt.datetime | None = None
) -> QuerySet[Assignment]:
    """The rule's requirements not done (of `persons`, or everyone), with status, person and unit, in one query.

    The unit is the person's current primary job's, annotated rather than joined so a person counts once.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = required().filter(rule_id=rule_id).exclude(satisfied_q(now))
    if persons is not None:
        rows = rows.filter(person__in=persons.values("pk"))
    primary = (
        Job.objects.filter(person_id=OuterRef("person_id"), primary=True, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("start_date", "pk")
    )
    return (
        with_status(rows, now)
        .annotate(
            unit_name=Subquery(primary.values("unit__name")[:1]),
            unit_pk=Subquery(primary.values("unit_id")[:1]),
        )
        .select_related("person")
        .only("pk", "due_at", "overdue_at", "person__first_name", "person__last_name", "person__employee_id")
        .order_by("overdue_at", "person__last_name", "person__first_name", "pk")
    )
