"""The version workflow of a library resource: draft, review by named reviewers, publish (the
catalogue's next `ItemVersion`, acknowledgment required of its audience when asked), and the first
version of an imported resource. Published versions never change: a change is a new draft.

Every service takes the actor and checks that they curate the resource (`curators`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.library import public_cache
from bedside.library.curators import require_curator
from bedside.library.models import (
    KEY_POINTS_MAX,
    Resource,
    ResourceVersion,
    Review,
    ReviewDecision,
    VersionStatus,
)
from bedside.people.models import Person
from bedside.records.models import ItemVersion


def _clean_version_fields(fields: dict) -> None:
    errors = {}
    key_points = (fields.get("key_points") or "").strip()
    if not key_points:
        errors["key_points"] = "Write the key points: what someone must know in two minutes."
    elif len(key_points) > KEY_POINTS_MAX:
        errors["key_points"] = (
            f"Key points are read in two minutes: keep them under {KEY_POINTS_MAX:,} characters "
            f"(now {len(key_points):,})."
        )
    effective, review = fields.get("effective_on"), fields.get("next_review_on")
    if effective and review and review < effective:
        errors["next_review_on"] = "The next review comes after the effective date."
    if errors:
        raise ValidationError(errors)


def current_version(resource: Resource) -> ResourceVersion | None:
    return (
        resource.versions.filter(status=VersionStatus.PUBLISHED)
        .select_related("item_version", "owner")
        .first()
    )


def open_draft(resource: Resource) -> ResourceVersion | None:
    return resource.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]).first()


@transaction.atomic
def draft_start(
    *, resource: Resource, actor: Person | None, now: dt.datetime | None = None
) -> ResourceVersion:
    """A new draft of a resource, starting from its published version (published ones never change)."""
    require_curator(actor, resource)
    if resource.retired_at is not None:
        raise ValidationError("This resource is retired; it takes no new versions.")
    existing = open_draft(Resource.objects.select_for_update().get(pk=resource.pk))
    if existing is not None:
        return existing
    base = current_version(resource)
    if base is None:
        raise ValidationError("This resource has no published version to start from.")
    draft = ResourceVersion.objects.create(
        resource=resource,
        body=base.body,
        key_points=base.key_points,
        change_summary="",
        owner=base.owner,
        effective_on=base.effective_on,
        next_review_on=base.next_review_on,
        requires_acknowledgment=False,
        acknowledge_within_days=base.acknowledge_within_days,
        created_by=actor,
        created_at=now or timezone.now(),
    )
    for a in base.attachments.all():  # the files carry over; a draft may add more
        draft.attachments.create(
            name=a.name, file=a.file.name, content_type=a.content_type, size=a.size, text=a.text
        )
    audit(actor=actor, action="library.draft.start", target=draft, changes={"from": base.pk})
    return draft


EDITABLE = (
    "body",
    "key_points",
    "change_summary",
    "owner",
    "effective_on",
    "next_review_on",
    "requires_acknowledgment",
    "acknowledge_within_days",
)


@transaction.atomic
def draft_update(*, version: ResourceVersion, actor: Person | None, **fields) -> ResourceVersion:
    """Change a draft. A version in review goes back to draft first; a published one never changes."""
    require_curator(actor, version.resource)
    version = ResourceVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        if version.status == VersionStatus.IN_REVIEW:
            raise ValidationError("This version is in review: withdraw it or wait for the reviewers first.")
        raise ValidationError("A published version cannot be edited: start a new version instead.")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    merged = {name: fields.get(name, getattr(version, name)) for name in EDITABLE}
    _clean_version_fields(merged)
    for name, value in fields.items():
        setattr(version, name, value.strip() if isinstance(value, str) else value)
    version.save()
    audit(actor=actor, action="library.draft.update", target=version, changes={"fields": sorted(fields)})
    return version


@transaction.atomic
def review_submit(
    *,
    version: ResourceVersion,
    actor: Person | None,
    reviewers: Sequence[Person],
    now: dt.datetime | None = None,
) -> list[Review]:
    """Send a draft to named reviewers; each approves or sends it back with comments."""
    require_curator(actor, version.resource)
    version = ResourceVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError("Only a draft can be sent for review.")
    reviewers = list({p.pk: p for p in reviewers}.values())
    if not reviewers:
        raise ValidationError({"reviewers": "Name at least one reviewer."})
    if not version.change_summary.strip() and version.resource.versions.exclude(pk=version.pk).exists():
        raise ValidationError({"change_summary": "Say what changed, for the people who read it again."})
    last = version.reviews.order_by("-round").values_list("round", flat=True).first() or 0
    reviews = [Review.objects.create(version=version, reviewer=p, round=last + 1) for p in reviewers]
    version.status, version.submitted_at = VersionStatus.IN_REVIEW, now or timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    audit(
        actor=actor,
        action="library.review.submit",
        target=version,
        changes={"reviewers": [p.pk for p in reviewers], "round": last + 1},
    )
    return reviews


@transaction.atomic
def review_decide(
    *, review: Review, actor: Person, approve: bool, comment: str = "", now: dt.datetime | None = None
) -> Review:
    """The named reviewer approves, or sends the version back to draft with a comment."""
    if review.reviewer_id != actor.pk:
        raise PermissionDenied("Only the reviewer named on this review can decide it.")
    review = Review.objects.select_for_update().select_related("version").get(pk=review.pk)
    version = review.version
    if version.status != VersionStatus.IN_REVIEW or review.decision != ReviewDecision.PENDING:
        raise ValidationError("This review is already decided, or the version is no longer in review.")
    if not approve and not comment.strip():
        raise ValidationError({"comment": "Say what needs to change before it can be published."})
    review.decision = ReviewDecision.APPROVED if approve else ReviewDecision.CHANGES
    review.comment, review.decided_at = comment.strip(), now or timezone.now()
    review.save()
    if not approve:
        version.status = VersionStatus.DRAFT
        version.save(update_fields=["status"])
    audit(
        actor=actor,
        action="library.review.approve" if approve else "library.review.send_back",
        target=version,
        changes={"review": review.pk, "comment": review.comment},
    )
    return review


def latest_round(version: ResourceVersion) -> list[Review]:
    rows = list(version.reviews.select_related("reviewer").order_by("-round", "pk"))
    return [r for r in rows if r.round == rows[0].round] if rows else []


def ready_to_publish(version: ResourceVersion) -> bool:
    reviews = latest_round(version)
    return (
        version.status == VersionStatus.IN_REVIEW
        and bool(reviews)
        and all(r.decision == ReviewDecision.APPROVED for r in reviews)
    )


@transaction.atomic
def version_publish(
    *, version: ResourceVersion, actor: Person | None, now: dt.datetime | None = None
) -> ResourceVersion:
    """Publish an approved version: it becomes the catalogue's next `ItemVersion` and the one people read.

    The version it replaces retires. When it requires acknowledgment, its audience is required to
    acknowledge this exact version (the version is the requirement's cycle), due in N days; an open
    requirement for an older version is superseded.
    """
    now = now or timezone.now()
    require_curator(actor, version.resource)
    resource = Resource.objects.select_for_update().get(pk=version.resource_id)
    version = ResourceVersion.objects.select_for_update().get(pk=version.pk)
    if not ready_to_publish(version):
        raise ValidationError("Every named reviewer must approve this version before it is published.")
    if version.requires_acknowledgment and resource.audience_id is None:
        raise ValidationError(
            "Say whom the resource concerns (its audience) before requiring acknowledgment."
        )
    number = _make_current(resource=resource, version=version, now=now)
    audit(
        actor=actor,
        action="library.version.publish",
        target=version,
        changes={"label": number, "requires_acknowledgment": version.requires_acknowledgment},
    )
    if version.requires_acknowledgment:
        _require_acknowledgment(resource=resource, version=version, actor=actor, now=now)
    return version


def _make_current(*, resource: Resource, version: ResourceVersion, now: dt.datetime) -> int:
    """The version becomes the catalogue's next ItemVersion and the one people read; returns its number."""
    from bedside.library import search

    previous = current_version(resource)
    if previous is not None:
        previous.status, previous.retired_at = VersionStatus.RETIRED, now
        previous.save(update_fields=["status", "retired_at"])
    number = ItemVersion.objects.filter(item_id=resource.item_id).count() + 1
    version.item_version = ItemVersion.objects.create(
        item_id=resource.item_id, label=str(number), published_at=now
    )
    version.status = VersionStatus.PUBLISHED
    version.save(update_fields=["item_version", "status"])
    search.index_resource(resource)
    public_cache.invalidate()
    return number


@transaction.atomic
def version_publish_imported(
    *, version: ResourceVersion, actor: Person | None, source: str, now: dt.datetime | None = None
) -> ResourceVersion:
    """Publish the first version of a resource brought in from another library (`source`, e.g. the
    ZIP's name), where it was approved: no review round here, and the audit says where it came from.
    Acknowledgment is not asked of anyone by an import (a curator requires it with a new version)."""
    now = now or timezone.now()
    require_curator(actor, version.resource)
    if version.status != VersionStatus.DRAFT or version.resource.versions.count() != 1:
        raise ValidationError("Only a new resource's first draft is published by an import.")
    if version.requires_acknowledgment:
        raise ValidationError("An import does not require acknowledgment: publish a new version for that.")
    number = _make_current(resource=version.resource, version=version, now=now)
    audit(
        actor=actor,
        action="library.version.import",
        target=version,
        changes={"label": number, "source": source},
    )
    return version


def _require_acknowledgment(*, resource: Resource, version: ResourceVersion, actor, now: dt.datetime) -> None:
    from bedside.assignments.cycles import Cycle
    from bedside.assignments.services import assignments_create
    from bedside.records.models import SourceKind

    due = timezone.localdate(now) + dt.timedelta(days=version.acknowledge_within_days)
    assignments_create(
        audience=resource.audience,
        item=resource.item,
        due=due,
        cycle=Cycle.version(version.item_version_id),
        source=SourceKind.PERSON if actor is not None else SourceKind.IMPORT,
        source_ref=f"library:{resource.slug}:v{version.item_version.label}",
        actor=actor,
        # Only an acknowledgment of this version counts, so none made before it was published.
        completed_since=now,
        now=now,
        on=timezone.localdate(now),  # the audience as it stood when the version was published
    )
