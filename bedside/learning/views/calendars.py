"""Calendar downloads: a session's .ics, the learner's feed page, and the feed itself (by secret token)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from bedside.learning import calendars
from bedside.learning.models import CalendarFeed, CourseSession


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def session_ics(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(CourseSession.objects.select_related("course__item", "room"), pk=session_id)
    return _ics(calendars.session_ics(session), f"session-{session.pk}.ics")


@login_required
@require_http_methods(["GET", "POST"])
def my_calendar(request: HttpRequest) -> HttpResponse:
    """The learner's feed address to paste into their calendar, and a button to make a new secret."""
    if request.method == "POST":
        calendars.feed_revoke(person=request.user)
        messages.success(request, "New address made: the old one no longer works. Update your calendar app.")
        return redirect("my-calendar")
    feed = calendars.feed_for(request.user)
    url = request.build_absolute_uri(reverse("calendar-feed", args=[feed.token]))
    return render(
        request,
        "learning/calendar.html",
        {"url": url, "webcal": url.replace("https://", "webcal://").replace("http://", "webcal://")},
    )


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Calendar apps fetch this without signing in: the secret token is the key."""
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None or not feed.person.is_active:
        raise Http404("This calendar address is not valid: it may have been replaced by a new one.")
    response = _ics(calendars.feed_ics(feed.person), "bedside-sessions.ics")
    response["Cache-Control"] = "no-store"
    return response
