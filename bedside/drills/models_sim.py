"""In situ simulation drills: scenarios, drills planned on a unit, timed key actions, debriefs, and the
latent safety threats they find. Imported by `models.py` (one app, two modules by what they hold)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from bedside.people.models import Unit
from bedside.records.models import LearningItem


class ScenarioKind(models.TextChoices):
    MOCK_CODE = "mock_code", "Mock code (cardiac arrest)"
    RAPID_RESPONSE = "rapid_response", "Rapid response"
    MASSIVE_TRANSFUSION = "massive_transfusion", "Massive transfusion"
    OTHER = "other", "Other"


class Scenario(models.Model):
    """A drill that can be run on any unit: its key actions with target times, and its debrief checklist.

    `key_actions` is a list of {"key", "label", "target_seconds" (or null)} in the order they happen;
    the scenario is a learning item (kind "simulation") so every participant's attendance is in the ledger.
    """

    item = models.OneToOneField(LearningItem, on_delete=models.PROTECT, related_name="scenario")
    kind = models.CharField(max_length=24, choices=ScenarioKind.choices)
    description = models.TextField(blank=True)
    key_actions = models.JSONField(default=list)
    debrief_items = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.item.title

    @property
    def title(self) -> str:
        return self.item.title


class DrillStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    CANCELLED = "cancelled", "Cancelled"


class SimDrill(models.Model):
    """One run of a scenario on a unit, with a facilitator and participants from the shift roster."""

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="drills")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    planned_at = models.DateTimeField()
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=DrillStatus.choices, default=DrillStatus.PLANNED)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    debrief = models.JSONField(default=dict, blank=True)
    lessons = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-planned_at", "pk"]
        indexes = [models.Index(fields=["unit", "planned_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="planned")
                | models.Q(status="cancelled")
                | models.Q(started_at__isnull=False),
                name="simdrill_started_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} · {self.unit} · {self.planned_at:%Y-%m-%d}"


class SimParticipant(models.Model):
    drill = models.ForeignKey(SimDrill, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=60, blank=True, help_text="e.g. compressor, airway, recorder")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["drill", "person"], name="sim_participant_once")]

    def __str__(self) -> str:
        return f"{self.person_id} in drill {self.drill_id}"


class SimAction(models.Model):
    """A key action as the facilitator tapped it: once per drill, with seconds since the drill started."""

    drill = models.ForeignKey(SimDrill, on_delete=models.CASCADE, related_name="actions")
    key = models.CharField(max_length=40)
    at = models.DateTimeField()
    elapsed_seconds = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["drill_id", "elapsed_seconds", "pk"]
        constraints = [models.UniqueConstraint(fields=["drill", "key"], name="sim_action_once")]

    def __str__(self) -> str:
        return f"{self.key} at {self.elapsed_seconds}s"


class ThreatCategory(models.TextChoices):
    EQUIPMENT = "equipment", "Equipment"
    PROCESS = "process", "Process"
    STAFFING = "staffing", "Staffing"
    ENVIRONMENT = "environment", "Environment"


class ThreatStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "Being fixed"
    CLOSED = "closed", "Closed"


class SafetyThreat(models.Model):
    """A latent safety threat a drill found: listed open on its unit until its owner closes it."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    drill = models.ForeignKey(
        SimDrill, null=True, blank=True, on_delete=models.PROTECT, related_name="threats"
    )
    category = models.CharField(max_length=12, choices=ThreatCategory.choices)
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ThreatStatus.choices, default=ThreatStatus.OPEN)
    remediation = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["unit", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="threat_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]
