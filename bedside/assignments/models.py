"""Assignment rules (audience x item x due date x recurrence) and the assignments they create."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from bedside.audit.append_only import AppendOnlyModel
from bedside.people.models import Audience
from bedside.records.models import ItemVersion, LearningItem, Record, SourceKind


class DueFrom(models.TextChoices):
    ASSIGNED = "assigned", "Days after it is assigned"
    HIRE = "hire", "Days after the person's hire date"


class Recurrence(models.TextChoices):
    NONE = "none", "Once"
    INTERVAL = "interval", "Every N months from the last completion"
    WINDOW = "window", "Every year in a calendar window"


class AssignmentRule(models.Model):
    name = models.CharField(max_length=200)
    audience = models.ForeignKey(Audience, on_delete=models.PROTECT, related_name="rules")
    item = models.ForeignKey(LearningItem, on_delete=models.PROTECT, related_name="rules")
    active = models.BooleanField(default=True)
    due_days = models.PositiveSmallIntegerField(default=30)
    due_from = models.CharField(max_length=10, choices=DueFrom.choices, default=DueFrom.ASSIGNED)
    recurrence = models.CharField(max_length=10, choices=Recurrence.choices, default=Recurrence.NONE)
    interval_months = models.PositiveSmallIntegerField(null=True, blank=True)
    renewal_window_days = models.PositiveSmallIntegerField(
        default=60, help_text="How long before expiry the renewal opens"
    )
    window_start_month = models.PositiveSmallIntegerField(null=True, blank=True)
    window_start_day = models.PositiveSmallIntegerField(null=True, blank=True)
    window_end_month = models.PositiveSmallIntegerField(null=True, blank=True)
    window_end_day = models.PositiveSmallIntegerField(null=True, blank=True)
    grace_days = models.PositiveSmallIntegerField(default=0, help_text="Days after due before it is overdue")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(recurrence="interval") | models.Q(interval_months__gte=1),
                name="rule_interval_needs_months",
            ),
            models.CheckConstraint(
                condition=~models.Q(recurrence="window")
                | models.Q(
                    window_start_month__isnull=False,
                    window_start_day__isnull=False,
                    window_end_month__isnull=False,
                    window_end_day__isnull=False,
                ),
                name="rule_window_needs_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.recurrence == Recurrence.INTERVAL and not self.interval_months:
            raise ValidationError({"interval_months": "Say how many months a completion lasts."})
        if self.recurrence == Recurrence.WINDOW:
            for part in ("window_start_month", "window_start_day", "window_end_month", "window_end_day"):
                if getattr(self, part) is None:
                    raise ValidationError({part: "A calendar window needs its start and end dates."})


class RunKind(models.TextChoices):
    RULE = "rule", "A rule applied (created, changed, resumed, or the daily pass)"
    ROSTER = "roster", "Every rule re-applied to people whose roster changed"


class RuleRun(AppendOnlyModel):
    """One application of rules. The requirements it creates carry its id (`Assignment.run`), and each
    rule it applied leaves one `rule.apply` audit line naming the rule, this run and the count, instead
    of one line per requirement. Written once (append-only, in the database too), so the id a
    requirement carries always leads back here."""

    append_only_reason = "A rule run is part of the audit trail"

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=RunKind.choices)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.kind}) at {self.at:%Y-%m-%d %H:%M}"


class ClosedReason(models.TextChoices):
    OPEN = "", "Open"
    COMPLETED = "completed", "Completed"
    NO_LONGER_REQUIRED = "no_longer_required", "No longer required"
    TERMINATED = "terminated", "Person left"
    SUPERSEDED = "superseded", "Replaced by the next cycle"


class CycleKind(models.TextChoices):
    ONCE = "once", "Once"
    INTERVAL = "interval", "Interval number"
    WINDOW = "window", "Window year"
    CAMPAIGN = "campaign", "Campaign"
    VERSION = "version", "Pinned item version"


# Which key field each kind of cycle sets (the others stay empty), checked by the database.
_KEY_FIELDS = {
    CycleKind.ONCE: (),
    CycleKind.INTERVAL: ("cycle_number",),
    CycleKind.WINDOW: ("cycle_year",),
    CycleKind.CAMPAIGN: ("cycle_ref",),
    CycleKind.VERSION: ("cycle_version",),
}


def _key_set(field: str) -> models.Q:
    return ~models.Q(cycle_ref="") if field == "cycle_ref" else models.Q(**{f"{field}__isnull": False})


def _key_empty(field: str) -> models.Q:
    return models.Q(cycle_ref="") if field == "cycle_ref" else models.Q(**{f"{field}__isnull": True})


def _cycle_key_check() -> models.Q:
    every = ("cycle_number", "cycle_year", "cycle_ref", "cycle_version")
    allowed = models.Q()
    for kind, fields in _KEY_FIELDS.items():
        shape = models.Q(cycle_kind=kind)
        for field in every:
            shape &= _key_set(field) if field in fields else _key_empty(field)
        allowed |= shape
    return allowed


def _one_per_cycle() -> list[models.UniqueConstraint]:
    """(person, item, cycle key) is unique: one partial unique index per kind of cycle."""
    return [
        models.UniqueConstraint(
            fields=["person", "item", *fields],
            condition=models.Q(cycle_kind=kind),
            name=f"assignment_one_per_{kind.value}_cycle",
        )
        for kind, fields in _KEY_FIELDS.items()
    ]


class Assignment(models.Model):
    """One requirement: a person must complete an item in one cycle, by a date.

    The cycle key is typed: `cycle_kind` says which of `cycle_number` (every N
    months: the 1st, 2nd... cycle), `cycle_year` (a yearly calendar window),
    `cycle_ref` (a campaign) or `cycle_version` (a pinned item version) is set;
    "once" sets none. One row per (person, item, cycle key) however many rules
    ask for it, and at most one `current` row per (person, item): the latest
    cycle, so compliance is one indexed scan.
    """

    # No single-column indexes on person and item: the composite indexes below lead with them,
    # and every index costs each of the hundreds of thousands of rows a roster import writes.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", db_index=False
    )
    item = models.ForeignKey(
        LearningItem, on_delete=models.PROTECT, related_name="assignments", db_index=False
    )
    cycle_kind = models.CharField(max_length=10, choices=CycleKind.choices, default=CycleKind.ONCE)
    cycle_number = models.PositiveIntegerField(null=True, blank=True)
    cycle_year = models.PositiveSmallIntegerField(null=True, blank=True)
    cycle_ref = models.CharField(max_length=120, blank=True, default="")
    cycle_version = models.ForeignKey(
        ItemVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    rule = models.ForeignKey(
        AssignmentRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_kind = models.CharField(max_length=12, choices=SourceKind.choices, default=SourceKind.RULE)
    source_ref = models.CharField(max_length=120, blank=True)
    assigned_at = models.DateTimeField()
    due_at = models.DateTimeField()
    overdue_at = models.DateTimeField(help_text="Due date plus the grace period")
    covered_until = models.DateTimeField(
        null=True, blank=True, help_text="The previous cycle's completion is still valid until then"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=20, choices=ClosedReason.choices, default="", blank=True)
    # Indexed only where set (see Meta.indexes): most rows are open, and a first import writes hundreds
    # of thousands of them with no record.
    record = models.ForeignKey(
        Record, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    current = models.BooleanField(default=True)
    # The rule run that created the requirement (None: made otherwise, e.g. a campaign, each row audited).
    # No foreign-key constraint in the database: runs are append-only (triggers refuse UPDATE and
    # DELETE), so the id cannot dangle, and a per-row check would cost every row a roster import
    # writes (hundreds of thousands). Not indexed: finding a run's requirements is an audit query.
    run = models.ForeignKey(
        RuleRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            *_one_per_cycle(),
            models.UniqueConstraint(
                fields=["person", "item"], condition=models.Q(current=True), name="assignment_one_current"
            ),
            models.CheckConstraint(condition=_cycle_key_check(), name="assignment_cycle_key_shape"),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, closed_reason="")
                | (models.Q(closed_at__isnull=False) & ~models.Q(closed_reason="")),
                name="assignment_closed_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "current", "closed_at"]),
            models.Index(fields=["item", "cycle_kind"]),
            models.Index(fields=["current", "closed_reason", "item"]),
            # A correction finds the requirements its record closed; the ledger's PROTECT check too.
            models.Index(
                fields=["record"], condition=models.Q(record__isnull=False), name="assignment_record_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.item_id} · {self.cycle}"

    @property
    def cycle(self):
        """The typed cycle key of this row (see `bedside.assignments.cycles.Cycle`)."""
        from bedside.assignments.cycles import Cycle

        return Cycle.of(self)


class Reminder(models.Model):
    """A message about an assignment, claimed once (the unique key) and then sent by a job.

    A run claims its rows in bulk under one `batch` id and reads back what it won; the job
    sends each recipient's mail and stamps `sent_at`, or releases the claims if sending fails.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=30, help_text="e.g. due-7, due-1, escalation-<manager id>")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    batch = models.UUIDField(null=True, db_index=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "kind"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.kind} for assignment {self.assignment_id}"
