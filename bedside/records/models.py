"""The learning ledger: one catalogue of learning items and one append-only table of records."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from bedside.audit.append_only import AppendOnlyModel


class LearningItem(models.Model):
    """One row per thing a person can learn, whatever app owns it (its `kind`)."""

    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    minutes = models.PositiveSmallIntegerField(default=5, help_text="Estimated minutes to complete")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.title


class ItemVersion(models.Model):
    """An immutable version of a learning item (library resources, modules)."""

    item = models.ForeignKey(LearningItem, on_delete=models.PROTECT, related_name="versions")
    label = models.CharField(max_length=40)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item_id", "published_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "label"], name="item_version_unique_label")]

    def __str__(self) -> str:
        return f"{self.item} v{self.label}"


class Verb(models.TextChoices):
    """The ledger's shared vocabulary of verbs; each kind says which it takes (records/kinds.py)."""

    COMPLETED = "completed", "Completed"
    ATTENDED = "attended", "Attended"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    VALIDATED = "validated", "Validated"
    CERTIFIED = "certified", "Certified"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    VOIDED = "voided", "Voided"


def verb_label(verb: str) -> str:
    """A verb for people: the shared vocabulary's label, or the word itself for a kind's own verb."""
    try:
        return Verb(verb).label
    except ValueError:
        return verb.replace("_", " ").capitalize()


class SourceKind(models.TextChoices):
    PERSON = "person", "Person"
    IMPORT = "import", "Import"
    RULE = "rule", "Rule"
    CAMPAIGN = "campaign", "Campaign"
    INTEGRATION = "integration", "Integration"


class Record(AppendOnlyModel):
    """Evidence that a person did something. Never edited or deleted: corrections supersede."""

    append_only_reason = "Learning records are evidence; supersede instead"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="records")
    item = models.ForeignKey(LearningItem, on_delete=models.PROTECT, related_name="records")
    version = models.ForeignKey(
        ItemVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=14, help_text="One of the verbs the item's kind takes")
    at = models.DateTimeField()
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    credit_amount = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    credit_type = models.CharField(max_length=30, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    source_kind = models.CharField(max_length=12, choices=SourceKind.choices, default=SourceKind.PERSON)
    source_ref = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "pk"]
        indexes = [
            models.Index(fields=["person", "item", "at"]),
            models.Index(fields=["item", "at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(supersedes__isnull=True) | ~models.Q(correction_reason=""),
                name="record_correction_has_reason",
            ),
        ]

    @property
    def verb_label(self) -> str:
        return verb_label(self.verb)

    def get_verb_display(self) -> str:
        """As Django names it for a field with choices: the verb column no longer has a closed list."""
        return verb_label(self.verb)

    def __str__(self) -> str:
        return f"{self.person_id} {self.verb} {self.item_id} {self.at:%Y-%m-%d}"
