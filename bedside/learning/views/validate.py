"""Skills checks waiting for a validator, signed off on a phone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bedside.core.forms import parse_id
from bedside.learning import progress
from bedside.learning.models import Enrolment, ModuleKind, ModuleProgress
from bedside.people import access
from bedside.people.models import Capability

VALIDATORS = (Capability.VALIDATE, Capability.TEACH)


@login_required
@require_http_methods(["GET", "POST"])
def skills(request: HttpRequest) -> HttpResponse:
    """Open enrolments of people the validator oversees whose course has a skills check not signed off."""
    if not access.has_any(request.user, VALIDATORS):
        raise PermissionDenied("Skills checks are signed off by validators and educators.")
    enrolments = (
        access.scoped(request.user, VALIDATORS, Enrolment)
        .filter(completed_at__isnull=True, revision__modules__kind=ModuleKind.SKILLS)
        .exclude(person=request.user)
        .select_related("person", "course__item", "revision")
        .distinct()
        .order_by("person__last_name", "person__first_name")
    )
    if request.method == "POST":
        enrolment = enrolments.filter(pk=parse_id(request.POST.get("enrolment")) or 0).first()
        module = (
            enrolment.revision.modules.filter(pk=parse_id(request.POST.get("module")) or 0).first()
            if enrolment
            else None
        )
        if module is None:
            messages.error(request, "Choose a skills check from the list.")
        else:
            try:
                progress.skills_validate(validator=request.user, enrolment=enrolment, module=module)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, f"Signed off: {enrolment.person.full_name}, “{module.title}”.")
        return redirect("skills-checks")
    enrolments = list(enrolments[:100])
    done = set(
        ModuleProgress.objects.filter(enrolment__in=enrolments, done_at__isnull=False).values_list(
            "enrolment_id", "module_id"
        )
    )
    waiting = [
        (e, m)
        for e in enrolments
        for m in e.revision.modules.all()
        if m.kind == ModuleKind.SKILLS and (e.pk, m.pk) not in done
    ]
    return render(request, "learning/skills.html", {"waiting": waiting})
