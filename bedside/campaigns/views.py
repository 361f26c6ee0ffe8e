"""Campaign pages: the list, a new campaign, its launch with a progress bar, live progress and export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bedside.campaigns.forms import CampaignForm, ReadinessForm
from bedside.campaigns.models import Campaign, LaunchStatus, ReadinessRule
from bedside.campaigns.queries import campaign_progress, readiness, timeline
from bedside.campaigns.services import (
    campaign_create,
    campaign_launch,
    readiness_rule_create,
    readiness_rule_delete,
)
from bedside.core.exports import csv_response
from bedside.people import access
from bedside.people.models import Capability

# Who follows a campaign: educators who run it, managers of its units, report readers.
FOLLOW = (Capability.TEACH, Capability.MANAGE, Capability.REPORT)
DENIED = "Campaigns are for educators, unit managers and report readers."
MISSING = "You can only see campaigns of your units: this one is not among them, or does not exist."
POLL_SECONDS = 15


def campaign_in_scope(request: HttpRequest, campaign_id: int) -> Campaign:
    return access.get_in_scope(
        request.user,
        FOLLOW,
        Campaign.objects.select_related("owner", "audience"),
        own=True,
        pk=campaign_id,
        denied=DENIED,
        missing=MISSING,
    )


def viewer_units(request: HttpRequest):
    """The units whose members this viewer sees in a campaign's progress (None: all)."""
    if access.scope_of(request.user, FOLLOW).everything:
        return None
    return access.units_in_scope(request.user, FOLLOW)


@login_required
@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    access.require(access.has_any(request.user, FOLLOW), DENIED)
    rows = (
        access.scoped(request.user, FOLLOW, Campaign, own=True)
        .select_related("owner")
        .order_by("-created_at")
    )
    return render(
        request,
        "campaigns/campaigns.html",
        {"campaigns": rows[:200], "may_create": access.has_any(request.user, Capability.TEACH)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    access.require(access.has_any(request.user, Capability.TEACH), "Only educators can start a campaign.")
    today = timezone.localdate()
    units = access.units_in_scope(request.user, Capability.TEACH)
    form = CampaignForm(
        request.POST or None, units=units, today=today, everyone_allowed=access.is_admin(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_create(
                name=data["name"],
                reason=data["reason"],
                priority=data["priority"],
                items=list(data["items"]),
                starts_on=data["starts_on"],
                deadline=data["deadline"],
                units=data["units"],
                job_roles=data["job_roles"],
                named=data["named"],
                actor=request.user,
                today=today,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except PermissionDenied as exc:  # a named person or unit outside the educator's scope
            form.add_error("named" if data["named"] else "units", str(exc))
        else:
            return redirect("campaign", campaign_id=campaign.pk)
    return render(request, "campaigns/campaign_new.html", {"form": form})


def _launch_context(campaign: Campaign) -> dict:
    return {
        "campaign": campaign,
        "running": campaign.status in (LaunchStatus.QUEUED, LaunchStatus.RUNNING),
    }


def _campaign_page(
    request: HttpRequest, campaign: Campaign, *, error: str = "", status: int = 200
) -> HttpResponse:
    audience = campaign.audience
    context = {
        **_launch_context(campaign),
        "items": [ci.item for ci in campaign.items.select_related("item")],
        "reach": audience.members().count(),
        "units": list(audience.units.select_related("site")),
        "roles": list(audience.job_roles.all()),
        "named": list(audience.include_persons.all()[:50]),
        "may_launch": access.can(request.user, Capability.TEACH, campaign, own=True),
        "error": error,
    }
    return render(request, "campaigns/campaign.html", context, status=status)


@login_required
@require_GET
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _campaign_page(request, campaign_in_scope(request, campaign_id))


@login_required
@require_POST
def campaign_launch_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_in_scope(request, campaign_id)
    try:
        campaign_launch(campaign=campaign, actor=request.user)
    except ValidationError as exc:
        return _campaign_page(request, campaign, error=exc.messages[0], status=400)
    return redirect("campaign", campaign_id=campaign.pk)


@login_required
@require_GET
def campaign_launch_status(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The launch's status block, which the campaign page polls every second while it runs."""
    campaign = campaign_in_scope(request, campaign_id)
    return render(request, "campaigns/_launch_status.html", _launch_context(campaign))


def _progress_context(request: HttpRequest, campaign: Campaign) -> dict:
    now = timezone.now()
    units = viewer_units(request)
    progress = campaign_progress(campaign, units=units)
    today = timezone.localdate(now)
    return {
        "campaign": campaign,
        "progress": progress,
        "readiness": readiness(campaign, now=now, units=units),
        "may_run": access.can(request.user, Capability.TEACH, campaign, own=True),
        "chart": timeline(progress, today),
        "days_left": (campaign.deadline - today).days,
        "now": now,
        "poll_seconds": POLL_SECONDS,
    }


def _progress_page(request: HttpRequest, campaign: Campaign, form=None, status: int = 200) -> HttpResponse:
    context = _progress_context(request, campaign)
    if context["may_run"]:
        context["readiness_form"] = form or ReadinessForm(campaign=campaign)
    return render(request, "campaigns/progress.html", context, status=status)


@login_required
@require_GET
def campaign_progress_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _progress_page(request, campaign_in_scope(request, campaign_id))


def _campaign_to_run(request: HttpRequest, campaign_id: int) -> Campaign:
    campaign = campaign_in_scope(request, campaign_id)
    access.require(
        access.can(request.user, Capability.TEACH, campaign, own=True),
        "Only the campaign's owner or an educator of its units can change it.",
    )
    return campaign


@login_required
@require_POST
def campaign_readiness_add(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Add a readiness rule ("who is cleared to work as ..."); the progress page shows who it clears."""
    campaign = _campaign_to_run(request, campaign_id)
    form = ReadinessForm(request.POST, campaign=campaign)
    if form.is_valid():
        data = form.cleaned_data
        try:
            readiness_rule_create(
                campaign=campaign,
                name=data["name"],
                items=list(data["items"]),
                units=data["units"],
                job_roles=data["job_roles"],
                actor=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("name", message)
        else:
            return redirect(reverse("campaign-progress", args=[campaign.pk]) + "#readiness")
    return _progress_page(request, campaign, form=form, status=400)


@login_required
@require_POST
def campaign_readiness_remove(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign_to_run(request, campaign_id)
    rule = ReadinessRule.objects.filter(campaign=campaign, pk=request.POST.get("rule") or 0).first()
    if rule is None:
        return HttpResponseBadRequest("Choose one of this campaign's readiness rules to remove.")
    readiness_rule_delete(rule=rule, actor=request.user)
    return redirect(reverse("campaign-progress", args=[campaign.pk]) + "#readiness")


@login_required
@require_GET
def campaign_readiness_csv(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Everyone each readiness rule covers, cleared or not, with the items still missing."""
    campaign = campaign_in_scope(request, campaign_id)
    found = readiness(campaign, now=timezone.now(), units=viewer_units(request), shown=0)
    from bedside.people.models import JobRole, Person, Unit

    ids = {p for r in found for p, *_ in r.rows}
    persons = Person.objects.in_bulk(ids)
    units = Unit.objects.in_bulk({u for r in found for _, u, _, _ in r.rows if u})
    roles = JobRole.objects.in_bulk({j for r in found for _, _, j, _ in r.rows if j})
    rows = []
    for result in found:
        by_name = sorted(
            result.rows, key=lambda row: (persons[row[0]].last_name, persons[row[0]].first_name, row[0])
        )
        for person_id, unit_id, role_id, missing in by_name:
            person = persons[person_id]
            rows.append(
                [
                    result.rule.name,
                    person.employee_id or "",
                    person.last_name,
                    person.first_name,
                    units[unit_id].code if unit_id else "",
                    roles[role_id].code if role_id else "",
                    "cleared" if not missing else "not yet",
                    "; ".join(result.items[i] for i in missing),
                ]
            )
    header = [
        "cleared_for",
        "employee_id",
        "last_name",
        "first_name",
        "unit",
        "job_role",
        "status",
        "missing",
    ]
    return csv_response(f"campaign-{campaign.ref}-readiness", header, rows)


@login_required
@require_GET
def campaign_progress_live(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The figures, chart data and tables the progress page swaps in without reloading."""
    campaign = campaign_in_scope(request, campaign_id)
    return render(request, "campaigns/_progress_live.html", _progress_context(request, campaign))


@login_required
@require_GET
def campaign_progress_csv(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_in_scope(request, campaign_id)
    progress = campaign_progress(campaign, units=viewer_units(request))
    from bedside.people.models import JobRole, Person, Unit

    persons = Person.objects.in_bulk([p for p, _, _ in progress.members])
    units = Unit.objects.in_bulk({u for _, u, _ in progress.members if u})
    roles = JobRole.objects.in_bulk({r for _, _, r in progress.members if r})
    items = [ci.item for ci in campaign.items.select_related("item")]
    rows = []
    for person_id, unit_id, role_id in sorted(
        progress.members, key=lambda m: (persons[m[0]].last_name, persons[m[0]].first_name, m[0])
    ):
        person = persons[person_id]
        for item in items:
            done_at = progress.status[person_id][item.pk]
            rows.append(
                [
                    person.employee_id or "",
                    person.last_name,
                    person.first_name,
                    units[unit_id].code if unit_id else "",
                    roles[role_id].code if role_id else "",
                    item.title,
                    "done" if done_at else "open",
                    timezone.localdate(done_at) if done_at else None,
                ]
            )
    header = ["employee_id", "last_name", "first_name", "unit", "job_role", "item", "status", "completed"]
    return csv_response(f"campaign-{campaign.ref}", header, rows)
