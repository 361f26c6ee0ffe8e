"""Training rules for educators: what is required of whom, and how far along it is."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from bedside.assignments.forms import RuleForm
from bedside.assignments.models import AssignmentRule
from bedside.assignments.queries import rule_outstanding, rule_progress
from bedside.assignments.rules import (
    audience_with,
    open_by_rule,
    rule_reach,
    rule_reach_preview,
    rule_resume,
    rule_update,
)
from bedside.assignments.rules import rule_pause as rule_pause_service
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


def _rule_in_scope(request: HttpRequest, rule_id: int) -> AssignmentRule:
    return access.get_in_scope(
        request.user,
        RULE_MAKERS,
        AssignmentRule.objects.select_related("item", "audience").prefetch_related("audience__units"),
        pk=rule_id,
        denied="Training rules are for educators.",
        missing="This rule does not reach the units you teach, or it does not exist.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    """An educator edits a rule of their units; a first POST shows whom it will affect, a second saves."""
    found = _rule_in_scope(request, rule_id)
    person = request.user
    scope = access.units_in_scope(person, RULE_MAKERS).select_related("site")
    everyone = access.is_admin(person)
    form = RuleForm(request.POST or None, units=scope, everyone_allowed=everyone, rule=found)
    if request.method == "POST" and form.is_valid():
        # Units outside the educator's scope stay in the audience: they can neither see nor drop them.
        kept = [] if everyone else [u for u in found.audience.units.all() if u not in scope]
        units = [*form.cleaned_data["units"], *kept]
        roles = list(form.cleaned_data["job_roles"])
        if "confirm" not in request.POST:
            reach = rule_reach_preview(rule=found, units=units, job_roles=roles)
            return render(
                request, "assignments/rule_edit.html", {"rule": found, "form": form, "reach": reach}
            )
        try:
            with transaction.atomic():
                audience = audience_with(audience=found.audience, units=units, job_roles=roles, actor=person)
                changed = rule_update(rule=found, actor=person, audience=audience, **form.rule_changes())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if changed:
                messages.success(request, "Saved. The change reaches everyone it affects within a minute.")
            else:
                messages.info(request, "Nothing changed.")
            return redirect("rule", found.pk)
    return render(request, "assignments/rule_edit.html", {"rule": found, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def rule_pause(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Pause or resume a rule: a page says what it will do, the button does it (twice does it once)."""
    found = _rule_in_scope(request, rule_id)
    if request.method == "POST":
        wanted = request.POST.get("action")
        if wanted == "pause" and rule_pause_service(rule=found, actor=request.user):
            messages.success(request, f"Paused “{found.name}”. What only it required closes within a minute.")
        elif wanted == "resume" and rule_resume(rule=found, actor=request.user):
            messages.success(
                request, f"Resumed “{found.name}”. Its people are required again within a minute."
            )
        elif wanted in ("pause", "resume"):
            messages.info(
                request, f"“{found.name}” was already {'paused' if wanted == 'pause' else 'active'}."
            )
        return redirect("rule", found.pk)
    context = {"rule": found, "open": open_by_rule(found), "reach": rule_reach(rule=found)}
    return render(request, "assignments/rule_pause.html", context)
