"""The CME office's pages: the room screen with the rotating code (more to come here)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from bedside.credits.models import Activity
from bedside.credits.screen import screen_context
from bedside.people import access
from bedside.people.models import Capability

DENIED = "Activity set-up and room screens are for the CME office."
NOT_THEIRS = "This activity is not one of your sites', or does not exist."


def office_activity(request: HttpRequest, activity_id: int) -> Activity:
    rows = Activity.objects.select_related("site", "item")
    return access.get_in_scope(
        request.user, Capability.CME, rows, own=True, pk=activity_id, denied=DENIED, missing=NOT_THEIRS
    )


@login_required
@require_safe
def screen(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The room screen: a big QR code and six digits that change every 20 seconds."""
    activity = office_activity(request, activity_id)
    context = screen_context(request, activity, timezone.now())
    return render(request, "credits/screen.html", {"activity": activity, **context})


@login_required
@require_safe
def screen_code(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = office_activity(request, activity_id)
    context = screen_context(request, activity, timezone.now())
    return render(request, "credits/_screen_code.html", {"activity": activity, **context})
