"""Compliance pages and exports for educators, managers and report readers, scoped by their grants."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from bedside.core.exports import csv_response, xlsx_response
from bedside.core.humanize import local
from bedside.core.sorting import Column, SortedTable, sort_table
from bedside.people import access
from bedside.people.models import Site, Unit
from bedside.reports.queries import compliance as compliance_counts
from bedside.reports.queries import compliance_by_unit_role, roll_up, total, unit_detail

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


CHART_TOP = 15  # units in the chart unless all are asked for: a phone shows them without scrolling


def _percent_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("done", "Done", lambda r: r.percent, numeric=True),
        Column("due", "Due", lambda r: r.due, numeric=True, first_descending=True),
        Column("overdue", "Overdue", lambda r: r.overdue, numeric=True, first_descending=True),
        Column("required", "Required", lambda r: r.total, numeric=True, first_descending=True),
    ]


UNIT_COLUMNS = _percent_columns(Column("unit", "Unit", lambda r: (r.unit.name, r.unit.site.code)))
ROLE_COLUMNS = _percent_columns(Column("role", "Job role", lambda r: r.job_role.name if r.job_role else ""))
ITEM_COLUMNS = _percent_columns(Column("item", "Training item", lambda r: r.item.title))


def _item_table(request: HttpRequest, rows) -> SortedTable:
    return sort_table(
        request, rows, ITEM_COLUMNS, default="done", param="item_sort", tie=lambda r: r.item.title
    )


def _role_table(request: HttpRequest, rows) -> SortedTable:
    return sort_table(request, roll_up(rows, "job_role"), ROLE_COLUMNS, default="role", param="role_sort")


@login_required
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    units = _overseer(request)
    site = _site_filter(request, units)
    scope = None if access.is_admin(request.user) else units
    site_id = site.pk if site else None
    counts = compliance_counts(units=scope, site_id=site_id)
    rows = counts.rows
    by_unit = roll_up(rows, "unit")
    # The chart and the table's first order agree: lowest share done first.
    worst_first = sorted(by_unit, key=lambda r: (r.percent, r.unit.name, r.unit.site.code))
    show_all = request.GET.get("chart") == "all"
    charted = worst_first if show_all else worst_first[:CHART_TOP]
    chart = {
        "labels": [f"{r.unit.name} ({r.unit.site.code})" for r in charted],
        "satisfied": [r.percent for r in charted],
        "due": [round(100 * r.due / r.total, 1) if r.total else 0 for r in charted],
        "overdue": [round(100 * r.overdue / r.total, 1) if r.total else 0 for r in charted],
        "urls": [reverse("compliance-unit", args=[r.unit.pk]) for r in charted],
    }
    sites = Site.objects.filter(pk__in=units.values("site_id")).order_by("name")
    return render(
        request,
        "reports/compliance.html",
        {
            "units_table": sort_table(
                request,
                worst_first,
                UNIT_COLUMNS,
                default="done",
                tie=lambda r: (r.unit.name, r.unit.site.code),
            ),
            "items_table": _item_table(request, counts.items),
            "roles_table": _role_table(request, rows),
            "total": total(rows),
            "chart": chart,
            "charted": len(charted),
            "unit_count": len(worst_first),
            "show_all": show_all,
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
    return access.get_in_scope(
        request.user,
        access.OVERSIGHT,
        Unit.objects.select_related("site", "department"),
        pk=unit_id,
        denied="Compliance is for educators and managers.",
        missing="You can only see the compliance of your own units: this unit is not one of them, or does not exist.",
    )


PEOPLE_COLUMNS = [
    Column("person", "Person", lambda s: (s.person.last_name, s.person.first_name)),
    Column("done", "Done", lambda s: s.satisfied / s.total if s.total else 1.0, numeric=True),
    Column("due", "Due", lambda s: s.due, numeric=True, first_descending=True),
    Column("overdue", "Overdue", lambda s: s.overdue, numeric=True, first_descending=True),
]


@login_required
@require_GET
def compliance_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit_in_scope(request, unit_id)
    counts = compliance_counts(units=None, unit_id=unit.pk, by_person=True)
    rows = counts.rows
    return render(
        request,
        "reports/unit.html",
        {
            "unit": unit,
            # unit_people comes most behind first; that order breaks ties in any other sort.
            "people_table": sort_table(
                request, counts.people, PEOPLE_COLUMNS, default="-overdue", param="sort", tie=lambda s: 0
            ),
            "items_table": _item_table(request, counts.items),
            "roles_table": _role_table(request, rows),
            "total": total(rows),
        },
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
            str(a.cycle),
            local(a.due_at).date(),
            STATUS_TEXT[a.status],
            local(a.closed_at).date() if a.closed_reason == "completed" else None,
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
