"""Event pages for attendees: what is on, one event (speakers and disclosures before the talk), places,
calendar files and feeds."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from bedside.audit.context import current_origin
from bedside.credits import queries as credit_queries
from bedside.credits import services as credits
from bedside.credits.views import DEVICE_COOKIE, DEVICE_MAX_AGE, device_of
from bedside.events import calendars, dialogue, presence, queries, services
from bedside.events.models import Attendance, Event, Recording, Series
from bedside.events.scopes import organiser_departments
from bedside.learning.models import CalendarFeed
from bedside.people import access


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def events_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = queries.upcoming(request.user, now)
    live = [e for e in events if e.starts_at - timezone.timedelta(minutes=30) <= now and e.dialogue_open(now)]
    return render(
        request,
        "events/home.html",
        {
            "live": live,
            "events": [e for e in events if e not in live],
            "recordings": queries.recent_recordings(request.user),
            "series": Series.objects.select_related("site").order_by("title"),
            "organiser": organiser_departments(request.user).exists(),
            "now": now,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event(request: HttpRequest, event_id: int) -> HttpResponse:
    """One event: when, where, speakers with their disclosures, objectives; a place in the room or online."""
    event = get_object_or_404(
        queries.visible_events(request.user)
        .select_related("activity__site")
        .prefetch_related("speakers__relationships"),
        pk=event_id,
    )
    person = request.user
    now = timezone.now()
    if request.method == "POST" and request.POST.get("credit"):
        return _credit_action(request, event, now)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                services.registration_cancel(person=person, event=event, now=now)
                messages.success(request, "Your place is cancelled.")
            else:
                place = services.register(
                    person=person, event=event, attendance=request.POST.get("attendance", ""), now=now
                )
                messages.success(request, f"Your place is saved ({place.get_attendance_display().lower()}).")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("event", event.pk)
    place = queries.place_of(person, event)
    taken = services.seats_taken(event)
    recording = Recording.objects.filter(event=event).first()
    activity = presence.activity_of(event)
    return render(
        request,
        "events/event.html",
        {
            "event": event,
            "speakers": list(event.speakers.all()),
            "place": place,
            "seats_left": None if event.capacity is None else max(event.capacity - taken, 0),
            "over": event.ends_at <= now,
            "live": event.dialogue_open(now),
            "links_shown": not event.cancelled_at and (place is not None or not event.registration_required),
            "can_moderate": dialogue.is_moderator(person, event),
            "speaks": event.speakers.filter(person=person).exists(),
            "can_organise": services.can_organise(person, event),
            "attendance": Attendance,
            **credit_context(event, person, now),
            "recording": recording,
            "recording_counts": bool(recording and activity and activity.enduring_open(now)),
        },
    )


def credit_context(event: Event, person, now) -> dict:
    """The person's credit panel on an event that offers credit (once it is cancelled, the panel says so)."""
    if event.activity_id is None:
        return {"panel": None}
    return {"panel": credit_queries.panel_for(event.activity, person, now)}


def _credit_action(request: HttpRequest, event: Event, now) -> HttpResponse:
    """Check in with the room's code, or claim credit, from the event's page (or its live page, `?from=live`):
    the credits services decide, and a refusal is shown on the page with nothing written."""
    back = redirect("event-live" if request.GET.get("from") == "live" else "event", event.pk)
    if event.activity_id is None:
        messages.error(request, "This event offers no credit.")
        return back
    person, action = request.user, request.POST.get("credit")
    device = device_of(request) or secrets.token_urlsafe(18)
    try:
        if action == "checkin":
            credits.checkin(
                activity=event.activity, person=person, code=request.POST.get("code", "").strip(),
                device=device, ip=current_origin().origin, now=now,
            )  # fmt: skip
            messages.success(request, "You are checked in. Evaluate the talk, then claim your credit.")
        elif action == "claim":
            if not request.POST.get("attest"):
                raise ValidationError(
                    "Tick “I claim only the credit commensurate with my participation” to claim."
                )
            made = credits.claim(
                activity=event.activity, person=person, credit_type=request.POST.get("credit_type", ""),
                amount=request.POST.get("amount") or None, now=now,
            )  # fmt: skip
            messages.success(
                request,
                f"{made.amount} {made.get_credit_type_display()} claimed: your certificate and badge are ready.",
            )
        else:
            raise ValidationError("Choose to check in or to claim credit.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if action == "checkin" and request.COOKIES.get(DEVICE_COOKIE) != device:
        back.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return back


@login_required
@require_safe
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(queries.visible_events(request.user), pk=event_id)
    return _ics(calendars.event_ics(event), f"event-{event.pk}.ics")


@login_required
@require_safe
def series(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(Series.objects.select_related("site", "department"), slug=slug)
    if not series.public and not access.is_hospital_staff(request.user):
        raise Http404("There is no such series open to you.")
    feed, _ = CalendarFeed.objects.get_or_create(person=request.user)
    url = request.build_absolute_uri(reverse("events-series-calendar", args=[feed.token, series.slug]))
    now = timezone.now()
    return render(
        request,
        "events/series.html",
        {
            "series": series,
            "upcoming": series.events.filter(ends_at__gte=now).order_by("starts_at")[:12],
            "past": series.events.filter(ends_at__lt=now).order_by("-starts_at")[:12],
            "feed_url": url,
            "webcal": url.replace("https://", "webcal://").replace("http://", "webcal://"),
        },
    )


def _feed_person(token: str):
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None or not feed.person.is_active:
        raise Http404("This calendar address is not valid: it may have been replaced by a new one.")
    return feed.person


@require_safe
def person_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The person's events (by their calendar secret, shared with the learning sessions' feed)."""
    person = _feed_person(token)
    response = _ics(calendars.person_ics(person), "bedside-events.ics")
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def series_calendar(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    person = _feed_person(token)
    series = get_object_or_404(Series, slug=slug)
    if not series.public and not access.is_hospital_staff(person):
        raise Http404("There is no such series open to you.")
    response = _ics(calendars.series_ics(series), f"{series.slug}.ics")
    response["Cache-Control"] = "no-store"
    return response
