"""Session pages: a learner books or cancels, checks in; an instructor keeps the roster and the room screen."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bedside.core.forms import parse_id
from bedside.core.rotating_codes import qr_svg
from bedside.learning import attendance, queries, sessions
from bedside.learning.forms import CheckinForm
from bedside.learning.models import CourseSession, Registration, RegistrationStatus
from bedside.people import access
from bedside.people.models import Capability

INSTRUCTS = (Capability.TEACH,)
NOT_YOURS = "There is no such session that you teach or instruct."


def _live_session(request: HttpRequest, session_id: int) -> CourseSession:
    return get_object_or_404(
        queries.sessions_for(request.user).select_related("course__item", "room", "room__site"), pk=session_id
    )


@login_required
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, session_id: int) -> HttpResponse:
    """One session for a learner: when, where, seats left, and register or cancel."""
    session = _live_session(request, session_id)
    person = request.user
    now = timezone.now()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "register":
                place = sessions.register(person=person, session=session, now=now)
                if place.status == RegistrationStatus.WAITLISTED:
                    messages.info(
                        request,
                        "The session is full: you are on the waiting list and will get the next seat that frees.",
                    )
                else:
                    messages.success(request, "Booked: your seat is saved and the session is on Today.")
            elif action == "cancel":
                place = Registration.objects.filter(
                    session=session,
                    person=person,
                    status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED),
                ).first()
                if place is None:
                    raise ValidationError("You have no place in this session to cancel.")
                sessions.registration_cancel(actor=person, registration=place, now=now)
                messages.success(request, "Cancelled: your place is freed.")
            else:
                raise ValidationError("Choose to register or to cancel.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("session", session.pk)
    place = (
        Registration.objects.filter(session=session, person=person)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    taken = Registration.objects.filter(
        session=session, status__in=("registered", "attended", "no_show")
    ).count()
    context = {
        "session": session,
        "place": place,
        "seats_left": max(session.seats - taken, 0),
        "clashes": sessions.clashes(person, session)
        if place is None and session.cancelled_at is None
        else [],
        "instructs": access.can(person, INSTRUCTS, session, own=True),
        "manages": access.has_any(person, sessions.MANAGERS),
        "started": session.starts_at <= now,
        "cancel_open": place is None
        or place.status == RegistrationStatus.WAITLISTED
        or now <= session.starts_at - dt.timedelta(hours=session.cancel_cutoff_hours),
        "checkin_open": attendance.checkin_open(session, now),
    }
    return render(request, "learning/session.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, session_id: int) -> HttpResponse:
    """A learner checks in with the code on the room screen (scanned: it arrives filled in)."""
    session = _live_session(request, session_id)
    form = CheckinForm(request.POST or None, initial={"code": request.GET.get("c", "")})
    if request.method == "POST" and form.is_valid():
        try:
            attendance.checkin(person=request.user, session=session, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
        else:
            messages.success(request, f"Checked in to “{session.course.title}”. Enjoy the session.")
            return redirect("session", session.pk)
    return render(request, "learning/checkin.html", {"session": session, "form": form})


def _instructed(request: HttpRequest, session_id: int) -> CourseSession:
    rows = CourseSession.objects.select_related("course__item", "room").distinct()
    return access.get_in_scope(
        request.user,
        INSTRUCTS,
        rows,
        own=True,
        pk=session_id,
        denied="Rosters are for a session's instructors and its course's educators.",
        missing=NOT_YOURS,
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest, session_id: int) -> HttpResponse:
    """The instructor's roster on a phone: one tap marks someone present (or absent)."""
    session = _instructed(request, session_id)
    if request.method == "POST":
        registration = Registration.objects.filter(
            session=session, pk=parse_id(request.POST.get("registration")) or 0
        ).first()
        try:
            if request.POST.get("action") == "no_shows":
                n = attendance.no_shows_record(session=session, actor=request.user)
                messages.success(request, f"{n} marked as not attended.")
            elif registration is None:
                raise ValidationError("Choose someone on this roster.")
            else:
                present = request.POST.get("present") == "1"
                attendance.roster_mark(actor=request.user, registration=registration, present=present)
                if request.htmx:
                    registration.refresh_from_db()
                    return render(
                        request, "learning/_roster_row.html", {"r": registration, "session": session}
                    )
                messages.success(
                    request, f"{registration.person.full_name}: {'present' if present else 'absent'}."
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("session-roster", session.pk)
    rows = list(queries.roster(session))
    counts = {s: sum(1 for r in rows if r.status == s) for s in RegistrationStatus.values}
    from bedside.learning.authoring import require_author

    try:
        require_author(request.user, session.course)
        can_author = True
    except PermissionDenied:
        can_author = False
    context = {
        "session": session,
        "rows": rows,
        "counts": counts,
        "can_author": can_author,
        "started": session.starts_at <= timezone.now(),
    }
    return render(request, "learning/roster.html", context)


@login_required
@require_safe
def screen(request: HttpRequest, session_id: int) -> HttpResponse:
    """The room screen: a big QR code and six digits, changing every 20 seconds (htmx polls the code)."""
    session = _instructed(request, session_id)
    return render(request, "learning/screen.html", {"session": session, **_code_context(request, session)})


def _code_context(request: HttpRequest, session: CourseSession) -> dict:
    now = timezone.now()
    url = (
        request.build_absolute_uri(reverse("session-checkin", args=[session.pk]))
        + "?c="
        + attendance.qr_token(session, now)
    )
    return {
        "open": attendance.checkin_open(session, now),
        "code": attendance.short_code(session, now),
        "qr": mark_safe(qr_svg(url)),  # noqa: S308 - segno's SVG of our own URL
        "seconds": attendance.seconds_left(now),
    }


@login_required
@require_safe
def screen_code(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _instructed(request, session_id)
    return render(
        request, "learning/_screen_code.html", {"session": session, **_code_context(request, session)}
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    """An author cancels a session (registrants are told) or deletes one nobody booked."""
    from bedside.learning.authoring import require_author

    session = _instructed(request, session_id)
    require_author(request.user, session.course)
    course_id = session.course_id
    try:
        if request.POST.get("action") == "delete":
            sessions.session_delete(actor=request.user, session=session)
            messages.success(request, "Session deleted.")
            return redirect("teach-course", course_id)
        told = sessions.session_cancel(
            actor=request.user, session=session, reason=request.POST.get("reason", "")
        )
        messages.success(
            request,
            f"Session cancelled; {told} {'person was' if told == 1 else 'people were'} told by e-mail.",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("teach-course", course_id)
