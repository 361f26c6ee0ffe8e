"""A planning run for a campaign: its options, where it is, and the plan with its proof of quality."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from bedside.campaigns.models import Campaign
from bedside.core.outbox import Outbox
from bedside.learning.models import CourseSession
from bedside.people.models import Person


class PlanStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Planning"
    DONE = "done", "Proposed"
    FAILED = "failed", "Stopped"
    PUBLISHED = "published", "Published"


class PlanRun(models.Model):
    """One run of the planner: `options` say which slots and instructors it could use; `report` holds the
    figures (trained, bound, gap, overtime, violations found by the checker); `sessions` the chosen ones."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="plan_runs")
    requested_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.QUEUED)
    stage = models.CharField(max_length=80, blank=True)
    options = models.JSONField(default=dict)
    report = models.JSONField(default=dict, blank=True)
    sessions = models.JSONField(default=list, blank=True)
    effects = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Plan {self.pk} of {self.campaign}"

    @property
    def finished(self) -> bool:
        return self.status in (PlanStatus.DONE, PlanStatus.FAILED, PlanStatus.PUBLISHED)


class PublishedSession(models.Model):
    """A session of a published plan in the learning app: opened by the plan, or an existing one it filled."""

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="published")
    slot = models.CharField(max_length=200)
    session = models.ForeignKey(CourseSession, on_delete=models.PROTECT, related_name="+")
    opened = models.BooleanField(default=True, help_text="Made by the plan (else an existing session)")

    class Meta:
        ordering = ["run_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "slot"], name="published_session_once")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.slot} -> {self.session_id}"


class Invitation(Outbox):
    """A learner's invitation to the session a published plan placed them in: one per person and session
    however often plans are published, claimed with the publishing and mailed after commit through the
    shared outbox (`core.outbox`); the hourly sweep sends what a failed mail left behind."""

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(CourseSession, on_delete=models.PROTECT, related_name="+")
    on_duty = models.BooleanField(default=False, help_text="Released from a shift to attend")

    class Meta:
        ordering = ["session_id", "person_id"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="invitation_once")]
        indexes = [
            models.Index(fields=["claimed_at"], condition=Q(sent_at__isnull=True), name="invitation_unsent")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} to {self.session_id}"
