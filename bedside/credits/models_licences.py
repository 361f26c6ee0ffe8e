"""Licences and their renewal requirements: credit in a period, some of it in named topics."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bedside.credits.models import Topic


class LicenceType(models.Model):
    """A kind of licence and what renewing it takes (e.g. Massachusetts physicians: 50 credits in 2 years)."""

    name = models.CharField(max_length=200, unique=True)
    jurisdiction = models.CharField(max_length=60, help_text="e.g. Massachusetts")
    profession = models.CharField(max_length=60, help_text="e.g. Physician")
    period_months = models.PositiveSmallIntegerField(default=24)
    credits_required = models.DecimalField(max_digits=6, decimal_places=2)
    accepted_types = models.JSONField(default=list, help_text="Credit types that count (their codes)")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TopicRequirement(models.Model):
    """Credit a licence type requires in one topic, counted within the period's total."""

    licence_type = models.ForeignKey(LicenceType, on_delete=models.CASCADE, related_name="topic_requirements")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    credits_required = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["licence_type_id", "topic__name"]
        constraints = [
            models.UniqueConstraint(fields=["licence_type", "topic"], name="topic_requirement_once"),
        ]

    def __str__(self) -> str:
        return f"{self.credits_required} in {self.topic}"


class Licence(models.Model):
    """A person's licence and its current renewal period (dates inclusive)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="licences")
    number = models.CharField(max_length=40, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()

    class Meta:
        ordering = ["person_id", "-period_end", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="licence_period_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["person", "licence_type", "period_start"], name="licence_period_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_type} ({self.period_start} – {self.period_end})"
