"""The seam to the library: a card may cite the catalogue version (`records.ItemVersion`) of a care
resource. When that resource publishes a newer version, the cards citing an older one are flagged for
their deck's owner, and learners do not see them until the owner keeps or changes them.

Drills never imports the library: it listens for new versions in the catalogue, which every app
that publishes versions writes.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.utils import timezone

from bedside.records.models import ItemVersion


def cards_flag_for_new_version(version: ItemVersion) -> int:
    """Flag the active cards that cite an earlier version of `version`'s item; returns how many."""
    from bedside.audit.services import audit_bulk
    from bedside.drills.models import Card

    rows = Card.objects.filter(cites__item_id=version.item_id, active=True, flagged_at__isnull=True).exclude(
        cites=version
    )
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return 0
    reason = f"Cites an earlier version; version {version.label} was published"[:200]
    Card.objects.filter(pk__in=ids).update(flagged_at=timezone.now(), flag_reason=reason)
    audit_bulk(
        actor=None,
        action="drills.card_flag",
        model=Card,
        targets=[(pk, {"version": version.pk}) for pk in ids],
    )
    return len(ids)


def _on_version_saved(sender, instance: ItemVersion, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        cards_flag_for_new_version(instance)


def connect() -> None:
    post_save.connect(_on_version_saved, sender=ItemVersion, dispatch_uid="drills.flag_on_new_version")
