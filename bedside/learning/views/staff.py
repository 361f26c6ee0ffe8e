"""A manager registers one of their staff for a session, overriding a clash with a reason (audited).

The learner sees the same clash as a warning and cannot book into it; their manager (manage over
the learner's unit, through the access registry) sees the clash here and may register them anyway.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bedside.core.forms import AccessibleForm, parse_id
from bedside.learning import sessions
from bedside.learning.models import CourseSession, Registration, RegistrationStatus
from bedside.people import access
from bedside.people.models import Person

SHOWN = 30


class OverrideForm(AccessibleForm):
    reason = forms.CharField(
        label="Why they should attend despite the clash",
        max_length=300,
        required=False,
        help_text="For example: a float nurse covers the shift. Kept in the audit trail.",
    )


def staff_of(manager: Person):
    """The people the manager may register: those their manage grants reach."""
    return access.persons_in_scope(manager, sessions.MANAGERS).filter(is_active=True)


@login_required
@require_http_methods(["GET", "POST"])
def register_staff(request: HttpRequest, session_id: int) -> HttpResponse:
    """Find one of your staff, see whether the session clashes with their shifts, register them."""
    if not access.has_any(request.user, sessions.MANAGERS):
        raise PermissionDenied("Registering staff for a session is for their managers.")
    session = get_object_or_404(
        CourseSession.objects.select_related("course__item", "room", "room__site"),
        pk=session_id,
        course__item__active=True,
    )
    staff = staff_of(request.user)
    chosen_id = request.POST.get("person") or request.GET.get("person")
    person = staff.filter(pk=parse_id(chosen_id) or 0).first() if chosen_id else None
    if chosen_id and person is None:
        messages.error(request, "Choose someone on your units.")
    form = OverrideForm(request.POST or None)
    now = timezone.now()
    if request.method == "POST" and person is not None and form.is_valid():
        try:
            place = sessions.register(
                person=person,
                session=session,
                actor=request.user,
                override_reason=form.cleaned_data["reason"],
                now=now,
            )
        except ValidationError as exc:
            form.add_error("reason", " ".join(exc.messages))
        else:
            status = (
                "on the waiting list" if place.status == RegistrationStatus.WAITLISTED else "booked a seat"
            )
            override = " despite the clash (recorded with your reason)" if place.override_by_id else ""
            messages.success(request, f"{person.full_name} is {status}{override}; they see it on Today.")
            return redirect(reverse("session-register-staff", args=[session.pk]) + f"?person={person.pk}")
    # A NUL is no part of a name (and PostgreSQL refuses to compare text holding one).
    q = (request.GET.get("q") or "").replace("\x00", " ").strip()[:100]
    found = []
    if person is None:
        rows = staff.order_by("last_name", "first_name")
        for word in q.split():
            rows = rows.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
        found = list(rows[: SHOWN + 1])
    place = (
        Registration.objects.filter(session=session, person=person)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
        if person
        else None
    )
    context = {
        "session": session,
        "person": person,
        "place": place,
        "clashes": sessions.clashes(person, session) if person and place is None else [],
        "form": form,
        "q": q,
        "found": found[:SHOWN],
        "more": len(found) > SHOWN,
        "open": session.cancelled_at is None and session.starts_at > now,
    }
    return render(request, "learning/register_staff.html", context)
