"""Compliance pages and exports for educators, managers and report readers, scoped by their grants."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from bedside.core.exports import csv_response, xlsx_response
from bedside.core.humanize import day
from bedside.people import access
from bedside.people.models import Site, Unit
from bedside.reports.queries import compliance_by_unit_role, roll_up, total, unit_detail, unit_people

STATUS_TEXT = {"satisfied": "Done", "due": "Due", "overdue": "Overdue"}


def _overseer(request: HttpRequest):
    access.require(
        access.has_any(request.user, access.OVERSIGHT), "Compliance is for educators and managers."
    )
    return access.units_in_scope(request.user)


def _site_filter(request: HttpRequest, units) -> Site | None:
    raw = request.GET.get("site")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise Http404
    site = get_object_or_404(Site, pk=int(raw))
    if not units.filter(site=site).exists():
        raise Http404
    return site


@login_required
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    units = _overseer(request)
    site = _site_filter(request, units)
    scope = None if access.is_admin(request.user) else units
    rows = compliance_by_unit_role(units=scope, site_id=site.pk if site else None)
    by_unit = roll_up(rows, "unit")
    worst_first = sorted(by_unit, key=lambda r: (r.percent, r.unit.name))
    chart = {
        "labels": [f"{r.unit.name} ({r.unit.site.code})" for r in worst_first],
        "satisfied": [r.percent for r in worst_first],
        "due": [round(100 * r.due / r.total, 1) if r.total else 0 for r in worst_first],
        "overdue": [round(100 * r.overdue / r.total, 1) if r.total else 0 for r in worst_first],
    }
    sites = Site.objects.filter(pk__in=units.values("site_id")).order_by("name")
    return render(
        request,
        "reports/compliance.html",
        {
            "rows": rows,
            "by_unit": by_unit,
            "by_role": roll_up(rows, "job_role"),
            "total": total(rows),
            "chart": chart,
            "sites": sites,
            "site": site,
        },
    )


@login_required
@require_GET
def compliance_export(request: HttpRequest, fmt: str) -> HttpResponse:
    units = _overseer(request)
    site = _site_filter(request, units)
    scope = None if access.is_admin(request.user) else units
    rows = compliance_by_unit_role(units=scope, site_id=site.pk if site else None)
    header = ["site", "unit", "job_role", "required", "done", "due", "overdue", "percent_done"]
    data = [
        [r.unit.site.name, r.unit.name, r.job_role.name, r.total, r.satisfied, r.due, r.overdue, r.percent]
        for r in rows
    ]
    return _export(fmt, "compliance", header, data)


def _unit_in_scope(request: HttpRequest, unit_id: int) -> Unit:
    units = _overseer(request)
    unit = get_object_or_404(Unit.objects.select_related("site", "department"), pk=unit_id)
    if not units.filter(pk=unit.pk).exists():
        raise Http404
    return unit


@login_required
@require_GET
def compliance_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit_in_scope(request, unit_id)
    people = unit_people(unit)
    rows = compliance_by_unit_role(units=None, unit_id=unit.pk)
    return render(
        request,
        "reports/unit.html",
        {"unit": unit, "people": people, "by_role": rows, "total": total(rows)},
    )


@login_required
@require_GET
def compliance_unit_export(request: HttpRequest, unit_id: int, fmt: str) -> HttpResponse:
    unit = _unit_in_scope(request, unit_id)
    header = ["employee_id", "last_name", "first_name", "item", "cycle", "due", "status", "completed"]
    data = [
        [
            a.person.employee_id or "",
            a.person.last_name,
            a.person.first_name,
            a.item.title,
            a.cycle,
            day(a.due_at),
            STATUS_TEXT[a.status],
            day(a.closed_at) if a.closed_reason == "completed" else "",
        ]
        for a in unit_detail(unit)
    ]
    return _export(fmt, f"compliance-{unit.code}", header, data)


def _export(fmt: str, name: str, header: list[str], data: list[list]) -> HttpResponse:
    if fmt == "csv":
        return csv_response(name, header, data)
    if fmt == "xlsx":
        return xlsx_response(name, header, data, sheet_title="Compliance")
    raise Http404
