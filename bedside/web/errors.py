"""Error pages in the site's layout that say what went wrong and what to do next.

403: the person lacks the capability altogether (the message says whose page it is).
403 (CSRF): a form sent from a page that was out of date; says how to send it again.
404: it does not exist, or it lies outside the person's scope; the two answer alike.
500: rendered without the request context, so it needs no database.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404
from django.utils.http import url_has_allowed_host_and_scheme

DENIED = "You do not have access to this page."
MISSING = "There is no such page, or it is not one you can open."


def _message(exception: Exception | None, default: str) -> str:
    """The message our code put on the exception, if it is one a person can read."""
    if exception is None or isinstance(exception, Resolver404):
        return default
    text = exception.args[0] if exception.args and isinstance(exception.args[0], str) else ""
    # get_object_or_404 speaks of models ("No Unit matches the given query."): not for people.
    if not text or text.endswith("matches the given query."):
        return default
    return text


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _message(exception, DENIED)
    return render(request, "errors/403.html", {"message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _message(exception, MISSING) if isinstance(exception, Http404) else MISSING
    return render(request, "errors/404.html", {"message": message}, status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid token: most often a page left open past a sign-in or sign-out."""
    referer = request.META.get("HTTP_REFERER", "")
    same_site = url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure())
    back = referer if same_site else ""
    return render(request, "errors/csrf.html", {"back": back}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: no session, no user, no context processors, so no database query.
    page = loader.get_template("errors/500.html").render({"system_name": settings.BEDSIDE_SYSTEM_NAME})
    return HttpResponseServerError(page)
