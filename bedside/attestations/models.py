from django.db import models

from bedside.records.models import LearningItem


class Attestation(models.Model):
    """The simplest learning item: 'I have read and will follow policy X'."""

    item = models.OneToOneField(LearningItem, on_delete=models.PROTECT, related_name="attestation")
    statement = models.TextField(help_text="What the person attests to, in one or two sentences")
    link = models.URLField(blank=True, help_text="Optional link to the policy itself")

    def __str__(self) -> str:
        return self.item.title
