"""The planner page of a campaign: offer rooms and times, run the planner, review the plan, publish."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bedside.campaigns.models import Campaign
from bedside.people import access
from bedside.people.models import Capability, Unit
from bedside.planner.existing_sessions import session_courses
from bedside.planner.forms import PlanForm
from bedside.planner.models import PlanRun
from bedside.planner.queries import releases
from bedside.planner.services import DENIED, plan_publish, plan_request

FOLLOW = (Capability.TEACH, Capability.MANAGE, Capability.REPORT)
FOLLOW_DENIED = "Campaigns are for educators, unit managers and report readers."
FOLLOW_MISSING = "You can only see campaigns of your units: this one is not among them, or does not exist."
MISSING = "You can only plan campaigns of the units you teach: this one is not among them, or does not exist."


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return access.get_in_scope(
        request.user, Capability.TEACH, Campaign.objects.select_related("owner"), own=True,
        pk=campaign_id, denied=DENIED, missing=MISSING,
    )  # fmt: skip


def _run_context(campaign: Campaign) -> dict:
    run = campaign.plan_runs.select_related("requested_by").first()
    if run is None:
        return {"campaign": campaign, "run": None}
    units = dict(Unit.objects.filter(pk__in={e["unit_id"] for e in run.effects}).values_list("pk", "name"))
    by_day: dict[str, list] = defaultdict(list)
    for row in run.effects:
        by_day[row["day"]].append({**row, "unit": units.get(row["unit_id"], row["unit_id"])})
    sessions_by_day: dict[str, list] = defaultdict(list)
    for s in run.sessions:
        sessions_by_day[s["day"]].append(
            {
                **s,
                "start_at": dt.datetime.fromisoformat(s["start"]),
                "end_at": dt.datetime.fromisoformat(s["end"]),
                "count": len(s["learners"]),
            }  # fmt: skip
        )
    days = [
        {
            "day": dt.date.fromisoformat(day),
            "effects": by_day.get(day, []),
            "sessions": sessions_by_day.get(day, []),
        }
        for day in sorted(set(by_day) | set(sessions_by_day))
    ]
    courses = session_courses(campaign)
    return {
        "campaign": campaign,
        "run": run,
        "report": run.report,
        "days": days,
        "course": courses[0] if courses else None,
        "invited": run.invitations.count() if run.status == "published" else 0,
    }


@login_required
@require_http_methods(["GET", "POST"])
def campaign_plan(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    today = timezone.localdate()
    days = max(1, (campaign.deadline - max(today, campaign.starts_on)).days + 1)
    form = PlanForm(request.POST or None, days=days)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            plan_request(campaign=campaign, options=form.options(), actor=request.user, today=today)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return redirect("campaign-plan", campaign_id=campaign.pk)
    context = {**_run_context(campaign), "form": form, "error": error}
    return render(request, "planner/plan.html", context, status=400 if error else 200)


@login_required
@require_GET
def campaign_plan_status(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The latest run's block, which the page polls every two seconds while it plans."""
    campaign = _campaign(request, campaign_id)
    return render(request, "planner/_run.html", _run_context(campaign))


@login_required
@require_POST
def campaign_plan_publish(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    run = PlanRun.objects.filter(campaign=campaign).first()
    if run is None:
        return redirect("campaign-plan", campaign_id=campaign.pk)
    try:
        plan_publish(run=run, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        context = {**_run_context(campaign), "form": PlanForm(days=1), "error": exc.messages[0]}
        return render(request, "planner/plan.html", context, status=400)
    return redirect("campaign-plan", campaign_id=campaign.pk)


@login_required
@require_GET
def campaign_releases(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """For unit managers (and the campaign's followers): whom of their units the published plans release
    when, on duty (released from a shift) or off duty."""
    campaign = access.get_in_scope(
        request.user, FOLLOW, Campaign.objects.select_related("owner"), own=True,
        pk=campaign_id, denied=FOLLOW_DENIED, missing=FOLLOW_MISSING,
    )  # fmt: skip
    units = (
        None
        if access.scope_of(request.user, FOLLOW).everything
        else access.units_in_scope(request.user, FOLLOW)
    )
    return render(request, "planner/releases.html", {"campaign": campaign, **releases(campaign, units=units)})
