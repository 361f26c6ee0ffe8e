"""What a room screen shows for an activity: the QR code (to the check-in page, token filled in) and six digits.

A higher app (events) may show the same code on its own pages: render `credits/_screen_code.html`
with `screen_context(request, activity, now)` and a `refresh_url` that answers the same fragment.
A cancelled activity shows no code: the fragment says why and stops refreshing.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import mark_safe

from bedside.core.rotating_codes import qr_svg
from bedside.credits.models import Activity
from bedside.credits.services import CODE_STEP_SECONDS, cancelled_on, checkin_open, rotating_code


def screen_context(
    request: HttpRequest, activity: Activity, now: dt.datetime, *, refresh_url: str | None = None
) -> dict:
    code = rotating_code(activity)
    url = request.build_absolute_uri(reverse("credits-checkin", args=[activity.pk])) + "?c=" + code.token(now)
    return {
        "cancelled": cancelled_on(activity),  # no code, and the fragment stops refreshing
        "open": checkin_open(activity, now),
        "not_yet": now < activity.checkin_opens_at,
        "code": code.short_code(now),
        "qr": mark_safe(qr_svg(url, title=f"Check in to {activity.title}")),  # noqa: S308 - segno's SVG of our own URL
        "seconds": code.seconds_left(now),
        "step_seconds": CODE_STEP_SECONDS,
        "refresh_url": refresh_url or reverse("credits-screen-code", args=[activity.pk]),
        "checkin_path": reverse("credits-checkin", args=[activity.pk]),
    }
