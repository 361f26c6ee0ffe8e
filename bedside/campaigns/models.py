"""Campaigns: who must learn what by when, launched as requirements in one background job."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from bedside.people.models import Audience, JobRole, Person, Unit
from bedside.records.models import LearningItem


class Priority(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"
    SURGE = "surge", "Surge"


# How much a trained learner weighs in the planner's first objective, by the campaign's priority.
PRIORITY_WEIGHT = {Priority.ROUTINE: 1, Priority.URGENT: 3, Priority.SURGE: 9}


class LaunchStatus(models.TextChoices):
    DRAFT = "draft", "Not launched"
    QUEUED = "queued", "Waiting to launch"
    RUNNING = "running", "Launching"
    LAUNCHED = "launched", "Launched"
    FAILED = "failed", "Launch stopped"


class Campaign(models.Model):
    """A bundle of learning items that a target population must complete between a start and a deadline.

    `ref` is the campaign's key in the requirements' typed cycle (`Cycle.campaign(ref)`): one
    requirement per person, item and campaign, however often the launch runs.
    """

    name = models.CharField(max_length=200)
    reason = models.TextField(help_text="Why now: what changed, what is at stake")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.ROUTINE)
    audience = models.ForeignKey(Audience, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    deadline = models.DateField()
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=LaunchStatus.choices, default=LaunchStatus.DRAFT)
    launch_steps = models.PositiveIntegerField(default=0)
    launch_done = models.PositiveIntegerField(default=0)
    launched_at = models.DateTimeField(null=True, blank=True)
    launch_error = models.TextField(blank=True)
    people = models.PositiveIntegerField(default=0, help_text="Members at the last launch")
    created_requirements = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("starts_on")), name="campaign_deadline_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weight(self) -> int:
        return PRIORITY_WEIGHT[Priority(self.priority)]

    @property
    def launch_percent(self) -> int:
        if self.status == LaunchStatus.LAUNCHED:
            return 100
        return int(100 * self.launch_done / self.launch_steps) if self.launch_steps else 0


class CampaignItem(models.Model):
    """One learning item of a campaign's bundle, of any registered item kind."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(LearningItem, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "item"], name="campaign_item_once")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.item}"


class CampaignMember(models.Model):
    """A person the campaign reached at launch, with the unit and role of their primary job then."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    job_role = models.ForeignKey(JobRole, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["campaign_id", "person_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="campaign_member_once")]
        indexes = [models.Index(fields=["campaign", "unit"])]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.person_id}"


class Digest(models.Model):
    """One day's escalation mail to one manager, claimed once so a retried job sends nothing twice."""

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    body = models.TextField()
    subject = models.CharField(max_length=200)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="campaign_digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.day}"


class ReadinessRule(models.Model):
    """Who is cleared for a kind of work: members of the roles and units named (none named: all) whose
    current requirement of every item named (a subset of the bundle; none named: the whole bundle) is
    complete and still valid. For example, "ICU float under team nursing"."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="readiness_rules")
    name = models.CharField(max_length=120)
    items = models.ManyToManyField(LearningItem, blank=True, related_name="+")
    units = models.ManyToManyField(Unit, blank=True, related_name="+")
    job_roles = models.ManyToManyField(JobRole, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["campaign_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="readiness_rule_name_once")]

    def __str__(self) -> str:
        return self.name
