"""An author changes a scheduled session: time, room, seats, link, instructors (see session_edits)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bedside.learning import session_edits
from bedside.learning.forms import SessionForm
from bedside.learning.models import CourseSession, Registration, RegistrationStatus
from bedside.learning.views.authoring import authored, session_choices
from bedside.people.models import Person
from bedside.people.timezones import system_tz


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    """Change the session; fewer seats than bookings asks for a confirmation naming how many move."""
    found = get_object_or_404(CourseSession.objects.only("pk", "course_id"), pk=session_id)
    course = authored(request, found.course_id)
    session = CourseSession.objects.select_related("room", "course__item").get(pk=found.pk)
    rooms, instructors = session_choices(request, course)
    instructors = instructors | Person.objects.filter(pk__in=session.instructors.values("pk"))
    tz = system_tz()
    start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
    initial = {
        "mode": session.mode,
        "day": start.date(),
        "start": start.time(),
        "end": end.time(),
        "room": session.room_id,
        "virtual_link": session.virtual_link,
        "seats": session.seats,
        "instructors": list(session.instructors.values_list("pk", flat=True)),
        "cancel_cutoff_hours": session.cancel_cutoff_hours,
    }
    form = SessionForm(
        request.POST or None, initial=initial, rooms=rooms, instructors=instructors.distinct(), tz=tz
    )
    overflow = 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        overflow = session_edits.seats_overflow(session, data["seats"])
        confirmed = request.POST.get("confirm_overflow") == str(overflow)
        if overflow and not confirmed:
            form.add_error(
                "seats",
                f"{data['seats']} seats is fewer than are booked: the {_plural(overflow, 'person', 'people')} "
                "who booked last will go back to the head of the waiting list and be told. "
                "Save again to confirm.",
            )
        else:
            try:
                change = session_edits.session_update(
                    actor=request.user,
                    session=session,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    seats=data["seats"],
                    mode=data["mode"],
                    room=data["room"],
                    virtual_link=data["virtual_link"],
                    instructors=list(data["instructors"]),
                    cancel_cutoff_hours=data["cancel_cutoff_hours"],
                    now=timezone.now(),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _summary(change))
                return redirect("session-roster", session.pk)
    booked = Registration.objects.filter(
        session=session, status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)
    ).count()
    context = {
        "course": course,
        "session": session,
        "form": form,
        "tz": tz,
        "overflow": overflow,
        "booked": booked,
    }
    return render(request, "learning/teach_session_edit.html", context)


def _summary(change: session_edits.SessionChange) -> str:
    if not change.changed:
        return "Nothing changed."
    parts = ["Session saved."]
    if change.moved_to_waitlist:
        parts.append(
            f"{_plural(len(change.moved_to_waitlist), 'person', 'people')} moved to the waiting list."
        )
    if change.promoted:
        parts.append(f"{_plural(len(change.promoted), 'person', 'people')} from the waiting list got a seat.")
    if change.told:
        parts.append(f"{_plural(change.told, 'person was', 'people were')} told of the change by e-mail.")
    if change.clashing:
        parts.append(
            f"The new time clashes with the shifts or sessions of {_plural(len(change.clashing), 'person', 'people')}:"
            " their mail says so."
        )
    return " ".join(parts)
