"""Rosters: shifts, staffing minimums and the roster files they are imported from.

The tables were created when these models lived in `people`; they keep those names.
"""

from __future__ import annotations

from django.db import models
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


class StaffingMinimum(models.Model):
    """At least `minimum` staff of a role on a unit during a local wall-clock window on a weekday.

    A window whose end is not after its start runs past midnight into the next day.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="staffing_minimums")
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday ... 6 = Sunday")
    start_time = models.TimeField()
    end_time = models.TimeField()
    minimum = models.PositiveSmallIntegerField()

    class Meta:
        db_table = "people_staffingminimum"
        ordering = ["unit_id", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="minimum_weekday_0_to_6"),
            models.UniqueConstraint(
                fields=["unit", "job_role", "weekday", "start_time"], name="minimum_unique_window"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.job_role} day {self.weekday} {self.start_time:%H:%M}-{self.end_time:%H:%M}: {self.minimum}"


class ImportKind(models.TextChoices):
    PERSONS = "persons", "Persons and jobs"
    SHIFTS = "shifts", "Shifts"


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
