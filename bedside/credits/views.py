"""A learner's pages: the activity with its panel, check-in (the QR's target), evaluation, claim, time spent."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from bedside.audit.context import current_origin
from bedside.credits import queries, services
from bedside.credits import transcript as credit_transcript
from bedside.credits.forms import CheckinForm, ClaimForm, EvaluationForm, TimeSpentForm
from bedside.credits.models import Activity

DEVICE_COOKIE = "bedside_device"
DEVICE_MAX_AGE = 400 * 24 * 3600


def _activity(activity_id: int) -> Activity:
    # Every signed-in person may open an activity and take part: offering credit is not a secret.
    return get_object_or_404(Activity.objects.select_related("site", "item"), pk=activity_id)


def device_of(request: HttpRequest) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    return value if 16 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum() else ""


def _refused_status(request: HttpRequest, activity: Activity) -> int:
    """A post refused because the activity is cancelled answers 409 (the page says why); else 200."""
    return 409 if request.method == "POST" and activity.cancelled_at is not None else 200


def _with_device(request: HttpRequest, response: HttpResponse, device: str) -> HttpResponse:
    if request.COOKIES.get(DEVICE_COOKIE) != device:
        response.set_cookie(
            DEVICE_COOKIE, device, max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax",
            secure=request.is_secure(),
        )  # fmt: skip
    return response


@login_required
@require_safe
def activity_page(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _activity(activity_id)
    panel = queries.panel_for(activity, request.user, timezone.now())
    return render(request, "credits/activity.html", {"activity": activity, "panel": panel})


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The room QR opens this page with the code filled in (?c=); online attendees type the digits."""
    activity = _activity(activity_id)
    device = device_of(request) or secrets.token_urlsafe(18)
    now = timezone.now()
    form = CheckinForm(request.POST or None, initial={"code": request.GET.get("c", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin(
                activity=activity, person=request.user, code=form.cleaned_data["code"], device=device,
                ip=current_origin().origin, now=now,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
        else:
            messages.success(request, f"Checked in to “{activity.title}”.")
            return _with_device(request, redirect("credits-activity", activity.pk), device)
    panel = queries.panel_for(activity, request.user, now)
    response = render(
        request, "credits/checkin.html", {"activity": activity, "form": form, "panel": panel},
        status=_refused_status(request, activity),
    )  # fmt: skip
    return _with_device(request, response, device)


@login_required
@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _activity(activity_id)
    now = timezone.now()
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evaluation_submit(
                activity=activity, person=request.user, objectives_met=data["objectives_met"],
                free_of_bias=data["free_of_bias"] == "yes", bias_comment=data["bias_comment"],
                practice_change=data["practice_change"], practice_change_text=data["practice_change_text"],
                comments=data["comments"], now=now,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "Thank you: your evaluation is in. You can claim your credit now.")
            return redirect("credits-claim", activity.pk)
    panel = queries.panel_for(activity, request.user, now)
    return render(
        request, "credits/evaluate.html", {"activity": activity, "form": form, "panel": panel},
        status=_refused_status(request, activity),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _activity(activity_id)
    now = timezone.now()
    panel = queries.panel_for(activity, request.user, now)
    if panel.claim is not None and request.method == "GET":
        return redirect("credits-certificate", panel.claim.code)
    form = ClaimForm(request.POST or None, offers=panel.offers)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.claim(
                activity=activity, person=request.user, credit_type=form.cleaned_data["credit_type"],
                amount=form.cleaned_data["amount"], now=now,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error("amount", exc.messages[0])
        else:
            messages.success(
                request, f"{made.amount} {made.get_credit_type_display()} claimed. Here is your certificate."
            )
            return redirect("credits-certificate", made.code)
    return render(
        request, "credits/claim.html", {"activity": activity, "form": form, "panel": panel},
        status=_refused_status(request, activity),
    )  # fmt: skip


@login_required
@require_http_methods(["POST"])
def record_time(request: HttpRequest, activity_id: int) -> HttpResponse:
    """An enduring activity (or a recording watched later): the learner records the time they spent."""
    activity = _activity(activity_id)
    form = TimeSpentForm(request.POST)
    if form.is_valid():
        try:
            services.presence_record(
                activity=activity,
                person=request.user,
                minutes=form.cleaned_data["minutes"],
                source=services.SELF,
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "Time recorded. Evaluate the activity next.")
    else:
        messages.error(request, "Give the minutes you spent as a whole number between 1 and 1440.")
    return redirect("credits-activity", activity.pk)


@login_required
@require_safe
def transcript(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own credit, by licence period: only ever their own."""
    context = credit_transcript.transcript_context(request.user, now=timezone.now())
    return render(request, "credits/transcript.html", context)


@login_required
@require_safe
def transcript_csv(request: HttpRequest) -> HttpResponse:
    return credit_transcript.transcript_csv(request.user, now=timezone.now())


@login_required
@require_safe
def transcript_pdf(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    response = HttpResponse(
        credit_transcript.transcript_pdf(request.user, now=now), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="credit-transcript-{timezone.localdate(now):%Y-%m-%d}.pdf"'
    )
    return response
