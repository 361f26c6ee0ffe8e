"""Training rules for educators: what is required of whom, and how far along it is."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bedside.assignments.models import AssignmentRule
from bedside.assignments.queries import rule_outstanding, rule_progress
from bedside.core.sorting import Column, SortedTable, sort_order
from bedside.people import access
from bedside.people.models import Capability

RULE_MAKERS = [Capability.TEACH]
OUTSTANDING_SHOWN = 100  # people listed on a rule's page, most overdue first; the counts above cover everyone
# Who has not done a rule's item; `value` is the database ordering of each column.
OUTSTANDING_COLUMNS = [
    Column("person", "Person", "person__last_name,person__first_name"),
    Column("unit", "Unit", "unit_name,person__last_name"),
    Column("status", "Status", "overdue_at,person__last_name"),
    Column("due", "Due", "due_at,person__last_name"),
]


def require_rule_maker(request: HttpRequest) -> None:
    access.require(access.has_any(request.user, RULE_MAKERS), "Training rules are for educators.")


def people_in_scope(request: HttpRequest):
    return None if access.is_admin(request.user) else access.persons_in_scope(request.user, RULE_MAKERS)


@login_required
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    require_rule_maker(request)
    rows = list(
        access.scoped(request.user, RULE_MAKERS, AssignmentRule)
        .select_related("item", "audience", "created_by")
        .order_by("-created_at", "-pk")[:200]
    )
    progress = rule_progress([r.pk for r in rows], persons=people_in_scope(request))
    return render(request, "assignments/rules.html", {"rows": [(r, progress[r.pk]) for r in rows]})


@login_required
@require_GET
def rule(request: HttpRequest, rule_id: int) -> HttpResponse:
    found = access.get_in_scope(
        request.user,
        RULE_MAKERS,
        AssignmentRule.objects.select_related("item", "audience", "created_by").prefetch_related(
            "audience__units", "audience__job_roles"
        ),
        pk=rule_id,
        denied="Training rules are for educators.",
        missing="This rule does not reach the units you teach, or it does not exist.",
    )
    persons = people_in_scope(request)
    column, descending, headers = sort_order(request, OUTSTANDING_COLUMNS, default="status")
    outstanding = rule_outstanding(found.pk, persons=persons)
    order = [f"-{f}" if descending else f for f in column.value.split(",")]
    return render(
        request,
        "assignments/rule.html",
        {
            "rule": found,
            "progress": rule_progress([found.pk], persons=persons)[found.pk],
            "outstanding": SortedTable(list(outstanding.order_by(*order, "pk")[:OUTSTANDING_SHOWN]), headers),
            "outstanding_shown": OUTSTANDING_SHOWN,
        },
    )
