"""Coverage pages: a unit's day, scheduled against minimum per role and window, with the gaps."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from bedside.core.humanize import local
from bedside.people import access
from bedside.people.models import Unit
from bedside.people.timezones import local_date
from bedside.rosters.coverage import COVERAGE, DENIED, MISSING, unit_coverage


def chosen_day(request: HttpRequest, unit: Unit) -> tuple[dt.date, str]:
    """The local day asked for (?day=YYYY-MM-DD), else today at the unit's site; with a message if unreadable."""
    today = local_date(unit.site.tz, dt.datetime.now(dt.UTC))
    raw = request.GET.get("day", "")
    if not raw:
        return today, ""
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return today, f"“{raw[:20]}” is not a date (YYYY-MM-DD); showing today."
    if not 1900 <= day.year <= 2999:
        return today, f"{day} is too far away; showing today."
    return day, ""


@login_required
@require_GET
def coverage_units(request: HttpRequest) -> HttpResponse:
    access.require(access.has_any(request.user, COVERAGE), DENIED)
    units = access.units_in_scope(request.user, COVERAGE).filter(staffing_minimums__isnull=False).distinct()
    return render(request, "rosters/coverage_units.html", {"units": units.select_related("site")[:500]})


@login_required
@require_GET
def coverage(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access.get_in_scope(
        request.user,
        COVERAGE,
        Unit.objects.select_related("site"),
        pk=unit_id,
        denied=DENIED,
        missing=MISSING,
    )
    day, problem = chosen_day(request, unit)
    windows = unit_coverage(unit, day)
    tz = unit.site.tz
    chart = {
        "labels": [
            f"{w.role} {local(w.window.start, tz):%H:%M}–{local(w.window.end, tz):%H:%M}" for w in windows
        ],
        "scheduled": [w.scheduled for w in windows],
        "minimum": [w.window.minimum for w in windows],
        "optimal": [w.window.optimal for w in windows],
    }
    link = reverse("coverage", args=[unit.pk])
    return render(
        request,
        "rosters/coverage.html",
        {
            "unit": unit,
            "day": day,
            "tz": tz,
            "problem": problem,
            "windows": windows,
            "short": sum(1 for w in windows if not w.met),
            "chart": chart,
            "previous": f"{link}?day={day - dt.timedelta(days=1)}",
            "next": f"{link}?day={day + dt.timedelta(days=1)}",
        },
    )
