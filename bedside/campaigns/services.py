"""Writes of campaigns: create one, queue its launch, run the launch (the background job)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from bedside.assignments.cycles import Cycle
from bedside.assignments.scopes import require_audience_in_scope
from bedside.assignments.services import assignments_create
from bedside.audit.services import audit
from bedside.campaigns.models import Campaign, CampaignItem, CampaignMember, LaunchStatus, ReadinessRule
from bedside.people import access
from bedside.people.models import Capability, JobRole, Person, Unit, active_jobs
from bedside.people.services import audience_create
from bedside.records import kinds
from bedside.records.models import LearningItem, SourceKind

log = logging.getLogger(__name__)
DENIED = "Campaigns are for educators."


def _require_may_target(actor: Person | None, audience, named: Sequence[Person]) -> None:
    """The actor teaches every unit the audience names and reaches every named person."""
    if actor is None:
        return
    if not access.has_any(actor, Capability.TEACH):
        raise PermissionDenied(DENIED)
    if audience.units.exists() or audience.departments.exists() or audience.sites.exists():
        require_audience_in_scope(actor, audience)
    elif not named:
        require_audience_in_scope(actor, audience)  # everyone: only a system-wide grant covers it
    reached = set(
        access.scoped(actor, Capability.TEACH, Person)
        .filter(pk__in=[p.pk for p in named])
        .values_list("pk", flat=True)
    )
    outside = [p for p in named if p.pk not in reached]
    if outside:
        raise PermissionDenied(
            "You can only name people on the units you teach: "
            + ", ".join(p.full_name for p in outside[:5])
            + "."
        )


@transaction.atomic
def campaign_create(
    *,
    name: str,
    reason: str,
    priority: str,
    items: Sequence[LearningItem],
    starts_on: dt.date,
    deadline: dt.date,
    actor: Person | None,
    owner: Person | None = None,
    units: Iterable[Unit] = (),
    job_roles: Iterable[JobRole] = (),
    named: Sequence[Person] = (),
    today: dt.date | None = None,
) -> Campaign:
    """A draft campaign of these items for staff of the units and roles plus the named persons.

    Refuses (ValidationError) a deadline before the start or in the past, an empty bundle or an
    item whose kind no installed app registers; (PermissionDenied) an actor who does not teach
    every unit named or does not reach a named person. Nothing is required until it is launched.
    """
    today = today or timezone.localdate()
    problems = []
    if deadline < starts_on:
        problems.append("The deadline must be on or after the start.")
    if deadline < today:
        problems.append("The deadline has passed; choose a day from today on.")
    if not items:
        problems.append("Choose at least one learning item for the campaign.")
    unknown = [i.title for i in items if not kinds.is_registered(i.kind)]
    if unknown:
        problems.append(f"These items are of a kind Bedside cannot open: {', '.join(unknown)}.")
    if problems:
        raise ValidationError(problems)
    units, job_roles, named = list(units), list(job_roles), list(named)
    audience = audience_create(name=f"Campaign: {name}"[:200], actor=actor, units=units, job_roles=job_roles)
    audience.include_persons.set(named)
    _require_may_target(actor, audience, named)
    campaign = Campaign.objects.create(
        name=name,
        reason=reason,
        priority=priority,
        audience=audience,
        starts_on=starts_on,
        deadline=deadline,
        owner=owner or actor,
        ref=f"pending-{timezone.now().timestamp()}",
    )
    # The cycle key: short, readable, and unique by the id.
    campaign.ref = f"{campaign.pk}-{slugify(name)[:60] or 'campaign'}"
    campaign.save(update_fields=["ref"])
    CampaignItem.objects.bulk_create(
        [CampaignItem(campaign=campaign, item=item, position=n) for n, item in enumerate(items)]
    )
    audit(
        actor=actor,
        action="campaign.create",
        target=campaign,
        changes={
            "name": name,
            "priority": priority,
            "items": [i.pk for i in items],
            "starts_on": starts_on.isoformat(),
            "deadline": deadline.isoformat(),
            "units": [u.pk for u in units],
            "job_roles": [r.code for r in job_roles],
            "named": [p.pk for p in named],
        },
    )
    return campaign


def _require_may_launch(actor: Person | None, campaign: Campaign) -> None:
    if actor is None:
        return
    if not access.can(actor, Capability.TEACH, campaign, own=True):
        raise PermissionDenied("Only the campaign's owner or an educator of its units can launch it.")


@transaction.atomic
def campaign_launch(*, campaign: Campaign, actor: Person | None, today: dt.date | None = None) -> bool:
    """Queue the launch; the job starts once this commits. Launching again (after a stop, or to reach
    people who joined the audience since) is safe: requirements already made are not made twice.

    Returns False when a launch is already waiting or running.
    """
    _require_may_launch(actor, campaign)
    today = today or timezone.localdate()
    if campaign.deadline < today:
        raise ValidationError("The deadline has passed; a campaign cannot be launched after it.")
    queued = (
        Campaign.objects.filter(pk=campaign.pk)
        .exclude(status__in=[LaunchStatus.QUEUED, LaunchStatus.RUNNING])
        .update(status=LaunchStatus.QUEUED, launch_done=0, launch_error="")
    )
    if not queued:
        return False
    audit(actor=actor, action="campaign.launch", target=campaign, changes={"status": LaunchStatus.QUEUED})
    from bedside.campaigns.tasks import launch_campaign  # tasks import this module

    transaction.on_commit(lambda: launch_campaign.enqueue(campaign.pk))
    return True


def campaign_relaunch_stalled(*, campaign: Campaign, actor: Person | None) -> bool:
    """A launch left running by a stopped worker goes back to the queue (the launch is idempotent)."""
    _require_may_launch(actor, campaign)
    moved = Campaign.objects.filter(pk=campaign.pk, status=LaunchStatus.RUNNING).update(
        status=LaunchStatus.FAILED
    )
    return bool(moved) and campaign_launch(campaign=campaign, actor=actor)


def _snapshot_members(campaign: Campaign, on: dt.date) -> int:
    """Record who the campaign reaches now, with their primary job's unit and role (new members only)."""
    person_ids = list(campaign.audience.members(on=on).values_list("pk", flat=True))
    jobs: dict[int, tuple[int, int]] = {}
    rows = (
        active_jobs(on)
        .filter(person_id__in=person_ids)
        .order_by("person_id", "-primary", "pk")
        .values_list("person_id", "unit_id", "job_role_id")
    )
    for person_id, unit_id, role_id in rows.iterator(chunk_size=5000):
        jobs.setdefault(person_id, (unit_id, role_id))
    CampaignMember.objects.bulk_create(
        [CampaignMember(campaign=campaign, person_id=p, unit_id=jobs.get(p, (None, None))[0],
                        job_role_id=jobs.get(p, (None, None))[1]) for p in person_ids],
        ignore_conflicts=True,
        batch_size=5000,
    )  # fmt: skip
    return len(person_ids)


def campaign_launch_run(*, campaign_id: int, on: dt.date | None = None) -> dict:
    """The launch job: snapshot the members, then require each item of the bundle through the
    assignments engine with the campaign's cycle key, one step per item, progress on the row.

    Claims the queued campaign, so a job delivered twice runs once; a launch interrupted half way is
    finished by launching again (each step creates only what is missing).
    """
    claimed = Campaign.objects.filter(pk=campaign_id, status=LaunchStatus.QUEUED).update(
        status=LaunchStatus.RUNNING
    )
    if not claimed:
        return {"skipped": True}
    rows = Campaign.objects.filter(pk=campaign_id)
    campaign = Campaign.objects.select_related("audience", "owner").get(pk=campaign_id)
    on = on or timezone.localdate()
    items = [ci.item for ci in campaign.items.select_related("item")]
    rows.update(launch_steps=len(items) + 1, launch_done=0)
    created = 0
    try:
        people = _snapshot_members(campaign, on)
        rows.update(launch_done=1, people=people)
        for step, item in enumerate(items, start=2):
            inserted = assignments_create(
                audience=campaign.audience,
                item=item,
                due=campaign.deadline,
                cycle=Cycle.campaign(campaign.ref),
                source=SourceKind.CAMPAIGN,
                source_ref=campaign.ref,
                actor=campaign.owner,
                on=on,
            )
            created += inserted.created
            rows.update(launch_done=step, created_requirements=F("created_requirements") + inserted.created)
    except Exception as exc:
        log.exception("campaign launch stopped")
        rows.update(
            status=LaunchStatus.FAILED, launch_error=f"The launch stopped: {exc}. Launch again to finish it."
        )
        raise
    rows.update(status=LaunchStatus.LAUNCHED, launched_at=timezone.now())
    return {"people": people, "created": created}


@transaction.atomic
def readiness_rule_create(
    *,
    campaign: Campaign,
    name: str,
    items: Sequence[LearningItem] = (),
    units: Iterable[Unit] = (),
    job_roles: Iterable[JobRole] = (),
    actor: Person | None,
) -> ReadinessRule:
    """Say who the campaign clears for a kind of work: the members of these units and roles (none: all)
    once every one of these items (a subset of the bundle; none: all of it) is complete and valid.

    Refuses (ValidationError) an empty or repeated name and an item outside the bundle; (PermissionDenied)
    an actor who may not run the campaign.
    """
    _require_may_launch(actor, campaign)
    name = name.strip()
    problems = []
    if not name:
        problems.append("Name what the people are cleared for, e.g. ICU float under team nursing.")
    elif ReadinessRule.objects.filter(campaign=campaign, name__iexact=name).exists():
        problems.append(f"This campaign already has a readiness rule named “{name}”.")
    bundle = set(campaign.items.values_list("item_id", flat=True))
    outside = [i.title for i in items if i.pk not in bundle]
    if outside:
        problems.append(f"Only items of the campaign's bundle can be required: not {', '.join(outside)}.")
    if problems:
        raise ValidationError(problems)
    units, job_roles = list(units), list(job_roles)
    rule = ReadinessRule.objects.create(campaign=campaign, name=name)
    rule.items.set(list(items))
    rule.units.set(units)
    rule.job_roles.set(job_roles)
    audit(
        actor=actor,
        action="readiness.create",
        target=rule,
        changes={
            "campaign": campaign.pk,
            "name": name,
            "items": [i.pk for i in items],
            "units": [u.pk for u in units],
            "job_roles": [r.code for r in job_roles],
        },
    )
    return rule


@transaction.atomic
def readiness_rule_delete(*, rule: ReadinessRule, actor: Person | None) -> None:
    _require_may_launch(actor, rule.campaign)
    audit(
        actor=actor,
        action="readiness.delete",
        target=rule,
        changes={"campaign": rule.campaign_id, "name": rule.name},
    )
    rule.delete()
