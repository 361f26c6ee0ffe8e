from django.db import models
from django.utils import timezone


class ScheduledRun(models.Model):
    """One run of a periodic job for one period; the unique key stops a second scheduler or a restart."""

    job = models.CharField(max_length=80)
    period = models.CharField(max_length=40, help_text="e.g. 2026-11-25 or 2026-11-25T14")
    claimed_at = models.DateTimeField(default=timezone.now)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduled_run_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
