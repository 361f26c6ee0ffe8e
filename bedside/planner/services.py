"""Writes of the planner: ask for a plan (a background job), run it, publish it through the seams."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.campaigns.models import Campaign
from bedside.people import access
from bedside.people.models import Capability, Person
from bedside.people.timezones import system_tz
from bedside.planner import seams
from bedside.planner.checks import check
from bedside.planner.cpsat import Settings, solve
from bedside.planner.effects import effects
from bedside.planner.from_campaign import Options, campaign_problem
from bedside.planner.models import PlanRun, PlanStatus

log = logging.getLogger(__name__)
DENIED = "Only the campaign's owner or an educator of its units can plan its sessions."


def _require(actor: Person | None, campaign: Campaign) -> None:
    if actor is not None and not access.can(actor, Capability.TEACH, campaign, own=True):
        raise PermissionDenied(DENIED)


@transaction.atomic
def plan_request(*, campaign: Campaign, options: Options, actor: Person | None, today: dt.date) -> PlanRun:
    """Queue a planning run; it starts once this commits. Refuses a campaign whose deadline has passed."""
    _require(actor, campaign)
    if campaign.deadline < today:
        raise ValidationError("The campaign's deadline has passed: there is nothing left to plan.")
    run = PlanRun.objects.create(campaign=campaign, requested_by=actor, options=options.as_json())
    audit(
        actor=actor, action="plan.request", target=run, changes={"campaign": campaign.pk, **options.as_json()}
    )
    from bedside.planner.tasks import run_plan  # tasks import this module

    transaction.on_commit(lambda: run_plan.enqueue(run.pk))
    return run


def plan_run(*, run_id: int, today: dt.date | None = None, workers: int = 1) -> dict:
    """The job: build the inputs, solve within the time limit (the stage shown as it goes), check the plan
    independently and keep it with its proof. A run already claimed is left alone."""
    claimed = PlanRun.objects.filter(pk=run_id, status=PlanStatus.QUEUED).update(status=PlanStatus.RUNNING)
    if not claimed:
        return {"skipped": True}
    rows = PlanRun.objects.filter(pk=run_id)
    run = PlanRun.objects.select_related("campaign").get(pk=run_id)
    options = Options.from_json(run.options)
    try:
        rows.update(stage="Reading shifts, minimums and who still needs training")
        problem = campaign_problem(
            run.campaign, options, today=today or timezone.localdate(), now=timezone.now()
        )

        def progress(stage: str, info: dict) -> None:
            rows.update(stage=f"Stage {stage}: {info.get('status', '').lower()}")

        plan = solve(problem, Settings(time_limit=options.time_limit, workers=workers, seed=7), progress)
        violations = check(problem, plan)
    except Exception as exc:
        log.exception("planning stopped")
        rows.update(status=PlanStatus.FAILED, finished_at=timezone.now(), error=f"Planning stopped: {exc}")
        raise
    tz = system_tz()
    report = {
        "status": plan.status,
        "learners": plan.learners,
        "trained": plan.trained,
        "bound": plan.bound,
        "share_of_bound": plan.share_of_bound,
        "objective": plan.objective,
        "solver_bound": plan.solver_bound,
        "gap": plan.gap,
        "overtime_hours": round(plan.overtime_minutes / 60, 1),
        "released_hours": round(plan.released_minutes / 60, 1),
        "sessions": sum(1 for s in plan.sessions if not s.slot.existing),
        "existing_filled": sum(1 for s in plan.sessions if s.slot.existing),
        "existing_offered": sum(1 for s in problem.slots if s.existing),
        "seconds": plan.seconds,
        "stages": plan.stages,
        "slots": len(problem.slots),
        "reasons": dict(Counter(plan.unplanned.values())),
        "violations": violations.as_dict(),
        "violations_total": violations.total,
    }
    sessions = [
        {
            "slot": str(s.slot.id),
            "room": s.slot.room,
            "start": s.slot.start.isoformat(),
            "end": s.slot.end.isoformat(),
            "day": s.slot.day.isoformat(),
            "capacity": s.slot.capacity,
            "existing": s.slot.existing,
            "learners": s.learner_ids,
            "instructors": [str(i) for i in s.instructor_ids],
        }
        for s in sorted(plan.sessions, key=lambda s: (s.slot.start, s.slot.room))
    ]
    rows.update(
        status=PlanStatus.DONE,
        finished_at=timezone.now(),
        stage="",
        report=report,
        sessions=sessions,
        effects=effects(problem, plan, tz),
    )
    return {"trained": plan.trained, "bound": plan.bound, "violations": violations.total}


@transaction.atomic
def plan_publish(*, run: PlanRun, actor: Person | None, now: dt.datetime | None = None) -> int:
    """Publish a proposed plan: the registered materialisers (`publishing.materialise`: sessions opened,
    learners registered, invitations claimed) run in this transaction, so all of it is written or none.
    Returns how many people were invited. Publishing a published plan again does nothing and returns 0.

    Refuses a plan still running or stopped, and one the checker found a violation in.
    """
    _require(actor, run.campaign)
    now = now or timezone.now()
    run = PlanRun.objects.select_for_update().select_related("campaign").get(pk=run.pk)
    if run.status == PlanStatus.PUBLISHED:
        return 0
    if run.status != PlanStatus.DONE:
        raise ValidationError("Only a proposed plan can be published.")
    if run.report.get("violations_total"):
        raise ValidationError("This plan breaks a rule (see the checks); plan again before publishing.")
    made = sum(fn(run, run.sessions, actor=actor, now=now) for fn in seams.materialisers())
    PlanRun.objects.filter(pk=run.pk).update(status=PlanStatus.PUBLISHED, published_at=now)
    audit(
        actor=actor, action="plan.publish", target=run, changes={"sessions": len(run.sessions), "made": made}
    )
    return made
