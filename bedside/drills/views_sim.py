"""Simulation drill pages: plan a drill, the facilitator's phone page (one tap per key action), the
debrief, and a unit's readiness chart with its open safety threats."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bedside.drills import sim_queries
from bedside.drills.forms import PlanForm, ThreatForm
from bedside.drills.models import DrillStatus, SafetyThreat, SimDrill, ThreatStatus
from bedside.drills.sim_services import (
    RUNNERS,
    action_record,
    action_undo,
    drill_finish,
    drill_plan,
    drill_start,
    drill_update,
    on_roster,
    threat_log,
    threat_update,
)
from bedside.people import access
from bedside.people.models import Person, Unit

DENIED = "Simulation drills are for educators, managers and the drills' facilitators."
RUN_DENIED = "A drill's own page is for its facilitator and the unit's educators; managers follow it on unit readiness."
MISSING = "There is no such drill on your units, or you do not facilitate it."


def _drill(request: HttpRequest, drill_id: int) -> SimDrill:
    return access.get_in_scope(
        request.user,
        RUNNERS,
        SimDrill.objects.select_related("scenario__item", "unit__site", "facilitator"),
        denied=RUN_DENIED,
        missing=MISSING,
        own=True,
        pk=drill_id,
    )


@login_required
@require_GET
def sim_drills(request: HttpRequest) -> HttpResponse:
    person = request.user
    drills = sim_queries.drills_for(person)
    can_plan = access.has_any(person, RUNNERS)
    if not can_plan and not access.has_any(person, access.OVERSIGHT) and not drills.exists():
        raise PermissionDenied(DENIED)
    now = timezone.now()
    context = {
        "upcoming": drills.filter(status__in=[DrillStatus.PLANNED, DrillStatus.RUNNING]).order_by(
            "planned_at"
        )[:20],
        "recent": drills.filter(status=DrillStatus.FINISHED).order_by("-started_at")[:20],
        "units": sim_queries.units_with_drills(person),
        # A manager oversees the unit's drills (its readiness page) but runs none: no link to a page that refuses.
        "openable": set(access.scoped(person, RUNNERS, drills, own=True).values_list("pk", flat=True)),
        "can_plan": can_plan,
        "now": now,
    }
    return render(request, "drills/sim_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sim_plan(request: HttpRequest) -> HttpResponse:
    """Step 1 picks scenario, unit and time; step 2 (same page) ticks participants from that shift's roster."""
    person = request.user
    if not access.has_any(person, RUNNERS):
        raise PermissionDenied("Planning drills is for the unit's educators.")
    units = access.units_in_scope(person, RUNNERS).select_related("site")
    data = request.POST if request.method == "POST" else (request.GET if "unit" in request.GET else None)
    form = PlanForm(data, units=units)
    roster = []
    if form.is_valid():
        unit, planned_at = form.cleaned_data["unit"], form.planned_at()
        roster = list(on_roster(unit, planned_at))
        if request.method == "POST":
            chosen = {int(p) for p in request.POST.getlist("participants") if p.isdigit()}
            facilitator_id = request.POST.get("facilitator") or str(person.pk)
            facilitator = Person.objects.filter(pk=facilitator_id if facilitator_id.isdigit() else 0).first()
            if facilitator is None:
                form.add_error(None, "Choose who facilitates.")
            else:
                try:
                    drill = drill_plan(
                        actor=person,
                        scenario=form.cleaned_data["scenario"],
                        unit=unit,
                        planned_at=planned_at,
                        facilitator=facilitator,
                        participants=[p for p in roster if p.pk in chosen],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                else:
                    messages.success(request, "Drill planned.")
                    return redirect("sim-drill", drill.pk)
    return render(request, "drills/sim_plan.html", {"form": form, "roster": roster, "me": person})


@login_required
@require_http_methods(["GET", "POST"])
def sim_edit(request: HttpRequest, drill_id: int) -> HttpResponse:
    """Change a planned drill: scenario, unit and time, then its team from that shift's roster."""
    person = request.user
    drill = _drill(request, drill_id)
    if drill.status != DrillStatus.PLANNED:
        messages.warning(request, "This drill has started: its plan can no longer change.")
        return redirect("sim-drill", drill.pk)
    units = (access.units_in_scope(person, RUNNERS) | Unit.objects.filter(pk=drill.unit_id)).select_related(
        "site"
    )
    tz = zoneinfo.ZoneInfo(drill.unit.site.time_zone)
    local = drill.planned_at.astimezone(tz)
    initial = {
        "scenario": drill.scenario_id,
        "unit": drill.unit_id,
        "day": local.date(),
        "time": local.time(),
    }
    data = request.POST if request.method == "POST" else (request.GET if "unit" in request.GET else initial)
    form = PlanForm(data, units=units.distinct())
    roster, current = [], set(drill.participants.values_list("person_id", flat=True))
    if form.is_valid():
        unit, planned_at = form.cleaned_data["unit"], form.planned_at()
        roster = list(on_roster(unit, planned_at))
        if request.method == "POST":
            chosen = {int(p) for p in request.POST.getlist("participants") if p.isdigit()}
            facilitator_id = request.POST.get("facilitator") or str(drill.facilitator_id)
            facilitator = Person.objects.filter(pk=facilitator_id if facilitator_id.isdigit() else 0).first()
            if facilitator is None:
                form.add_error(None, "Choose who facilitates.")
            else:
                try:
                    drill_update(
                        actor=person, drill=drill, scenario=form.cleaned_data["scenario"], unit=unit,
                        planned_at=planned_at, facilitator=facilitator,
                        participants=[p for p in roster if p.pk in chosen],
                    )  # fmt: skip
                except (ValidationError, PermissionDenied) as exc:
                    form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
                else:
                    messages.success(request, "Drill plan changed.")
                    return redirect("sim-drill", drill.pk)
    context = {"form": form, "roster": roster, "me": person, "drill": drill, "current": current}
    return render(request, "drills/sim_plan.html", context)


@login_required
@require_GET
def sim_drill(request: HttpRequest, drill_id: int) -> HttpResponse:
    """The facilitator's phone page: start, then one tap per key action, the clock, the targets."""
    drill = _drill(request, drill_id)
    last = drill.actions.order_by("-at", "-elapsed_seconds", "-pk").first()
    labels = {a["key"]: a["label"] for a in drill.scenario.key_actions}
    return render(
        request,
        "drills/sim_drill.html",
        {
            "drill": drill,
            "steps": sim_queries.timeline(drill),
            "last": last,
            "last_label": labels.get(last.key, last.key) if last else "",
            "participants": drill.participants.select_related("person"),
            "tz": zoneinfo.ZoneInfo(drill.unit.site.time_zone),
        },
    )


@login_required
@require_POST
def sim_start(request: HttpRequest, drill_id: int) -> HttpResponse:
    drill = _drill(request, drill_id)
    try:
        drill_start(actor=request.user, drill=drill)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    return redirect("sim-drill", drill.pk)


@login_required
@require_POST
def sim_action(request: HttpRequest, drill_id: int) -> HttpResponse:
    drill = _drill(request, drill_id)
    try:
        action_record(actor=request.user, drill=drill, key=request.POST.get("key", ""))
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    return redirect("sim-drill", drill.pk)


@login_required
@require_POST
def sim_action_undo(request: HttpRequest, drill_id: int) -> HttpResponse:
    """Take back the last tap (a slip of the finger): the action can be tapped again."""
    drill = _drill(request, drill_id)
    try:
        undone = action_undo(actor=request.user, drill=drill)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    else:
        label = {a["key"]: a["label"] for a in drill.scenario.key_actions}.get(undone.key, undone.key)
        messages.info(request, f"Undone: “{label}”. Tap it again when it happens.")
    return redirect("sim-drill", drill.pk)


@login_required
@require_http_methods(["GET", "POST"])
def sim_debrief(request: HttpRequest, drill_id: int) -> HttpResponse:
    """End the drill and debrief: the checklist, lessons, threats found; the ledger gets every participant."""
    drill = _drill(request, drill_id)
    owners = access.persons_in_scope(request.user, RUNNERS) | Person.objects.filter(pk=request.user.pk)
    adding = request.method == "POST" and request.POST.get("add_threat") == "1"
    threat_form = ThreatForm(
        request.POST if adding else None, owners=owners.distinct().order_by("last_name", "first_name")
    )
    if request.method == "POST":
        if adding:
            if threat_form.is_valid():
                threat_log(actor=request.user, unit=drill.unit, drill=drill, **threat_form.cleaned_data)
                messages.success(request, "Threat logged; it stays on the unit's list until it is closed.")
                return redirect("sim-debrief", drill.pk)
        else:
            debrief = {
                item: request.POST.get(f"check-{n}") == "on"
                for n, item in enumerate(drill.scenario.debrief_items)
            }
            try:
                records = drill_finish(
                    actor=request.user, drill=drill, debrief=debrief, lessons=request.POST.get("lessons", "")
                )
            except ValidationError as exc:
                messages.warning(request, " ".join(exc.messages))
            else:
                if records:
                    messages.success(
                        request, f"Debrief saved; {len(records)} people have the drill on their record."
                    )
                else:
                    messages.success(request, "Debrief saved.")
                return redirect("sim-drill", drill.pk)
    checks = [
        (n, item, drill.debrief.get(item, False)) for n, item in enumerate(drill.scenario.debrief_items)
    ]
    context = {
        "drill": drill,
        "steps": sim_queries.timeline(drill),
        "checks": checks,
        "threat_form": threat_form,
        "threats": drill.threats.select_related("owner"),
    }
    return render(request, "drills/sim_debrief.html", context)


@login_required
@require_GET
def sim_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's readiness: drill times over months against targets, and its open safety threats."""
    unit = access.get_in_scope(
        request.user,
        access.OVERSIGHT,
        Unit.objects.select_related("site"),
        denied="Unit readiness is for the unit's educators and managers.",
        missing="You can only see the units you oversee: this unit is not one of them, or does not exist.",
        pk=unit_id,
    )
    tz = zoneinfo.ZoneInfo(unit.site.time_zone)
    today = timezone.now().astimezone(tz).date()
    chart = sim_queries.readiness(unit, today=today, tz=tz)
    recent_months = chart["months"][-4:]
    context = {
        "unit": unit,
        "chart": chart,
        "recent_months": recent_months,
        # On a phone each cell is labelled by its month: "Nov 2026 0:05", not four cells all called "Month".
        "table": [
            {"series": s, "cells": list(zip(recent_months, s["values"][-4:], strict=True))}
            for s in chart["series"]
        ],
        "threats": sim_queries.open_threats(unit),
        "statuses": ThreatStatus.choices,
        "recent": SimDrill.objects.filter(unit=unit, status=DrillStatus.FINISHED)
        .select_related("scenario__item")
        .order_by("-started_at")[:10],
        "tz": tz,
        "today": today,
    }
    return render(request, "drills/sim_unit.html", context)


@login_required
@require_POST
def sim_threat(request: HttpRequest, threat_id: int) -> HttpResponse:
    threat = access.get_in_scope(
        request.user,
        access.OVERSIGHT,
        SafetyThreat.objects.select_related("unit"),
        denied="Safety threats are for the unit's educators, managers and the threat's owner.",
        missing="There is no such threat on your units.",
        own=True,
        pk=threat_id,
    )
    try:
        threat_update(
            actor=request.user,
            threat=threat,
            status=request.POST.get("status", ""),
            remediation=request.POST.get("remediation", ""),
        )
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, "Threat updated.")
    return redirect("sim-unit", threat.unit_id)
