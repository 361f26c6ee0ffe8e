"""Request ids and structured request logs; the idle sign-out for shared workstations."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from bedside.audit.context import current_origin, origin
from bedside.core import humanize
from bedside.web.client_address import client_address

log = logging.getLogger("bedside.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
BACKGROUND_HEADER = "HTTP_X_BEDSIDE_BACKGROUND"
ACTIVITY_RESOLUTION_SECONDS = 60


def may_be_signed_in(request) -> bool:
    """Whether the request can carry a signed-in person: only with a session cookie.

    Asking `request.user` reads the session, and a read session makes the answer `Vary: Cookie`
    (SessionMiddleware), which stops shared caches keeping one copy for everyone. A cookieless
    request (an anonymous reader of the public portal, a CDN) is anonymous without asking, so
    the middlewares below ask only when there is a cookie; a view that reads the person still
    reads the session and still varies on the cookie.
    """
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class StreamReleasesDatabaseMiddleware:
    """A server-sent-events response lets go of its request's database connection before it streams.

    Under ASGI each request's sync code runs on a thread of its own with its own connection, kept
    until the response ends: a thousand viewers of a live event would hold a thousand connections.
    The stream reads through its server's hub (one connection per process) instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "streaming", False) and response.get("Content-Type", "").startswith(
            "text/event-stream"
        ):
            from django.db import connections

            for conn in connections.all(initialized_only=True):
                if not conn.in_atomic_block:  # a test's transaction keeps its connection
                    conn.close()
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_origin().request_id
        return True


class RequestIdMiddleware:
    """Tags every request with an id (kept from X-Request-ID when sane) and logs one JSON line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        started = time.perf_counter()
        with origin(request_id=request_id, source=client_address(request)):
            response = self.get_response(request)
            user = getattr(request, "user", None)
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": getattr(user, "pk", None),
                },
            )
        response["X-Request-ID"] = request_id
        return response


class IdleTimeoutMiddleware:
    """Signs a person out after SESSION_IDLE_SECONDS without a request of theirs.

    Background polling (marked with the X-Bedside-Background header) does not count as activity.
    Activity is noted at most once a minute: writing the session on every request cost an UPDATE
    and a commit per page view (a quarter of a check-in's time), and a sign-out up to a minute
    early after 15 idle minutes changes nothing for the person.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if may_be_signed_in(request) and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_active", now)
            left = getattr(request.user, "status", None) == "terminated"
            if left or now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                target = f"{reverse('login')}?idle=1"
                if request.headers.get("HX-Request"):
                    # A poll would swap the login page into its fragment; make htmx load it whole.
                    return HttpResponse(status=204, headers={"HX-Redirect": target})
                return redirect(target)
            noted = "last_active" in request.session
            if not request.META.get(BACKGROUND_HEADER) and (
                not noted or now - last >= ACTIVITY_RESOLUTION_SECONDS
            ):
                request.session["last_active"] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Personal answers are never kept by a browser or proxy cache (shared workstations).

    Every response to a signed-in person (pages, exports) and every API answer gets
    `Cache-Control: no-store`; public static files are served before this runs and keep
    their long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and may_be_signed_in(request) and user.is_authenticated
        if request.path.startswith("/api/") or signed_in:
            add_never_cache_headers(response)
        return response


class ViewerTimeZoneMiddleware:
    """Dates on a signed-in person's pages are in their site's zone (looked up only when a date is shown)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from bedside.people.timezones import tz_of  # models: not importable when logging loads this module

        user = getattr(request, "user", None)
        if user is None or not may_be_signed_in(request) or not user.is_authenticated:
            return self.get_response(request)
        with humanize.viewer_zone(lambda: tz_of(user)):
            response = self.get_response(request)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # a TemplateResponse renders here, still in the viewer's zone
        return response
