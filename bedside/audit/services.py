"""The audit trail: every service that writes training data calls one of these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from bedside.audit.context import current_origin
from bedside.audit.models import AuditEntry
from bedside.core.bulkcopy import copy_rows, copy_supported


def _target_type(target: models.Model | type[models.Model]) -> str:
    return target._meta.label_lower


def audit(*, actor: Any, action: str, target: models.Model, changes: dict | None = None) -> AuditEntry:
    """Append one audit line for a write to `target`."""
    origin = current_origin()
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=_target_type(target),
        target_id=str(target.pk),
        changes=changes or {},
        request_id=origin.request_id,
        origin=origin.origin,
    )


def audit_bulk(
    *,
    actor: Any,
    action: str,
    model: type[models.Model],
    targets: Iterable[tuple[Any, dict]],
    batch_size: int = 5000,
) -> int:
    """Append one audit line per (target id, changes) pair, in bulk inserts (COPY on PostgreSQL)."""
    origin = current_origin()
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    label = _target_type(model)
    if copy_supported():
        return copy_rows(
            AuditEntry,
            ("at", "actor_id", "action", "target_type", "target_id", "changes", "request_id", "origin"),
            (
                (now, actor_id, action, label, str(pk), changes, origin.request_id, origin.origin)
                for pk, changes in targets
            ),
        )
    entries = [
        AuditEntry(
            at=now,
            actor_id=actor_id,
            action=action,
            target_type=label,
            target_id=str(pk),
            changes=changes,
            request_id=origin.request_id,
            origin=origin.origin,
        )
        for pk, changes in targets
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)
