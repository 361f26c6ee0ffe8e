"""Rosters: shifts, staffing minimums and the roster files they are imported from.

The tables were created when these models lived in `people`; they keep those names.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from bedside.people.models import JobRole, Person, Unit


class ShiftStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Shift(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="shifts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="shifts")
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="shifts")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ShiftStatus.choices, default=ShiftStatus.SCHEDULED)
    night = models.BooleanField(default=False)
    source_id = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        db_table = "people_shift"  # the table from before shifts had their own app
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["unit", "job_role", "start"], name="people_shif_unit_id_9a9c45_idx"),
            models.Index(fields=["person", "start"], name="people_shif_person__3fab2d_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="shift_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.unit} {self.start:%Y-%m-%d %H:%M}"


EVERY_DAY = 7  # stands for "no weekday" in the uniqueness of a date-range minimum
ALWAYS = dt.date(1, 1, 1)  # stands for "no start date" in the same


class StaffingMinimum(models.Model):
    """At least `minimum` staff of a role on a unit during a local wall-clock window.

    The window recurs on `weekday` (0 = Monday), or on every day from `valid_from` to
    `valid_until` when no weekday is given. A weekday row holds between its optional
    validity dates. Where several rows give one window (unit, role, start) on a day, the
    one valid from the latest date wins, a weekday row before an every-day row of that date.
    A window whose end is not after its start runs past midnight into the next day.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="staffing_minimums")
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="0 = Monday ... 6 = Sunday; empty: every day from/until the dates"
    )
    start_time = models.TimeField()
    end_time = models.TimeField()
    minimum = models.PositiveSmallIntegerField()
    optimal = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Staff wanted; at least the minimum"
    )
    valid_from = models.DateField(null=True, blank=True, help_text="First day it holds; empty: already")
    valid_until = models.DateField(
        null=True, blank=True, help_text="Last day it holds; empty: until replaced"
    )

    class Meta:
        db_table = "people_staffingminimum"
        ordering = ["unit_id", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="minimum_weekday_0_to_6"),
            models.CheckConstraint(
                condition=models.Q(weekday__isnull=False)
                | models.Q(valid_from__isnull=False, valid_until__isnull=False),
                name="minimum_weekday_or_date_range",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="minimum_valid_until_after_from",
            ),
            models.CheckConstraint(
                condition=models.Q(optimal__isnull=True) | models.Q(optimal__gte=models.F("minimum")),
                name="minimum_optimal_at_least_minimum",
            ),
            models.UniqueConstraint(
                "unit",
                "job_role",
                Coalesce("weekday", models.Value(EVERY_DAY)),
                "start_time",
                Coalesce("valid_from", models.Value(ALWAYS)),
                name="minimum_unique_window_from",
            ),
        ]

    def __str__(self) -> str:
        when = f"day {self.weekday}" if self.weekday is not None else f"{self.valid_from}..{self.valid_until}"
        return f"{self.unit} {self.job_role} {when} {self.start_time:%H:%M}-{self.end_time:%H:%M}: {self.minimum}"

    def holds_on(self, day: dt.date) -> bool:
        if self.weekday is not None and self.weekday != day.weekday():
            return False
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class RoleCover(models.Model):
    """Staff in `job_role` count toward the minimum of `covers` (a charge nurse toward the RN minimum).

    Every role counts toward its own minimum; a role with no rows here counts toward nothing else
    (a trainee role with no minimum of its own counts toward none).
    """

    job_role = models.ForeignKey(JobRole, on_delete=models.CASCADE, related_name="+")
    covers = models.ForeignKey(JobRole, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["job_role_id", "covers_id"]
        constraints = [
            models.UniqueConstraint(fields=["job_role", "covers"], name="role_cover_once"),
            models.CheckConstraint(condition=~models.Q(job_role=models.F("covers")), name="role_cover_other"),
        ]

    def __str__(self) -> str:
        return f"{self.job_role} counts toward {self.covers}"


class ImportKind(models.TextChoices):
    PERSONS = "persons", "Persons and jobs"
    SHIFTS = "shifts", "Shifts"
    MINIMUMS = "minimums", "Staffing minimums"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ImportPhase(models.TextChoices):
    READING = "reading", "Reading the file"
    CHECKING = "checking", "Checking rows"
    SAVING = "saving", "Saving"


class RosterImport(models.Model):
    """One uploaded roster file and what became of it.

    The file itself is deleted after ROSTER_UPLOAD_RETENTION_DAYS (`file_deleted_at`);
    the row, its errors and summary stay.
    """

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/")
    dry_run = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=10, choices=ImportPhase.choices, blank=True, default="")
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "people_rosterimport"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
