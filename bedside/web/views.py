from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bedside.core.today import assemble
from bedside.rosters.models import Shift, ShiftStatus


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("today" if request.user.is_authenticated else "login")


@login_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    person = request.user
    now = timezone.now()
    shifts = list(
        Shift.objects.filter(person=person, status=ShiftStatus.SCHEDULED, end__gt=now)
        .select_related("unit__site", "job_role")
        .order_by("start")[:5]
    )
    # Someone with no job (an outside clinician) has no unit whose roster could bring shifts.
    rostered = bool(shifts) or person.jobs.exists()
    context = {"sections": assemble(person), "shifts": shifts, "rostered": rostered, "now": now}
    return render(request, "web/today.html", context)


@require_GET
def session_ended(request: HttpRequest) -> HttpResponse:
    """Where a page's idle timer goes: off the screen, whatever happens next.

    The idle middleware has already signed out a session idle by the server's clock;
    a session still in use (another tab was active) just goes back to Today, so a
    stray timer or a third-party link cannot sign anyone out.
    """
    if request.user.is_authenticated:
        return redirect("today")
    return redirect("/accounts/login/?idle=1")


@login_required
@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """'Stay signed in' on the idle warning: a real request of the person's, so it counts."""
    return HttpResponse(status=204)
