from django.conf import settings
from django.db import models

from bedside.audit.append_only import AppendOnlyModel


class AuditEntry(AppendOnlyModel):
    """One append-only line of the audit trail: who did what to which row, from where."""

    append_only_reason = "The audit trail is append-only"

    at = models.DateTimeField(db_index=True)
    # Indexed only where set (see Meta.indexes): jobs and imports write hundreds of thousands of
    # lines with no actor.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    origin = models.CharField(max_length=120, blank=True, help_text="IP address, job name or command")

    class Meta:
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["action", "at"]),
            models.Index(fields=["actor"], condition=models.Q(actor__isnull=False), name="audit_actor_set"),
        ]
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"
