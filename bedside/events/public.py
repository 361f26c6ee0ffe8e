"""Public pages for events open to outside clinicians (`/open/events/`), as the library's portal does:
rendered without the request (nothing personal can reach a shared cache), `Cache-Control: public`
with an ETag and Last-Modified for anonymous visitors, 304 to a conditional request."""

from __future__ import annotations

import hashlib

from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_safe

from bedside.events.models import Event

MAX_AGE = 300


def _rows(**kwargs):
    rows = Event.objects.filter(public=True)
    if "slug" in kwargs:
        rows = rows.filter(slug=kwargs["slug"])
    return rows


def _stamp(request: HttpRequest, **kwargs):
    found = _rows(**kwargs).aggregate(at=Max("updated_at"), n=Count("pk"))
    return found["at"], hashlib.sha256(
        f"{found['at']}|{found['n']}|{timezone.localdate()}".encode()
    ).hexdigest()[:20]


def _cacheable(view):
    @require_safe
    @condition(
        etag_func=lambda r, **k: _stamp(r, **k)[1], last_modified_func=lambda r, **k: _stamp(r, **k)[0]
    )
    def wrapped(request: HttpRequest, **kwargs) -> HttpResponse:
        response = view(request, **kwargs)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    return wrapped


@_cacheable
def public_events(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = (
        Event.objects.filter(public=True, cancelled_at__isnull=True, ends_at__gte=now)
        .select_related("site", "room")
        .prefetch_related("speakers")
        .order_by("starts_at")[:50]
    )
    return HttpResponse(render_to_string("events/public/list.html", {"events": events, "now": now}))


@_cacheable
def public_event(request: HttpRequest, slug: str) -> HttpResponse:
    event = (
        Event.objects.filter(public=True, slug=slug)
        .select_related("site", "room", "series", "activity")
        .prefetch_related("speakers__relationships", "activity__offers")
        .first()
    )
    if event is None:
        raise Http404("There is no such public event.")
    return HttpResponse(
        render_to_string("events/public/event.html", {"event": event, "speakers": event.speakers.all()})
    )
