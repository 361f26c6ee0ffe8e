"""The CME office's pages: its activities and their set-up, summaries, suspicious check-ins, exports, room screens."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from bedside.credits import exports, queries, services
from bedside.credits.forms import ActivityForm
from bedside.credits.models import Activity, Claim, Topic
from bedside.credits.screen import screen_context
from bedside.people import access
from bedside.people.models import Capability, Site
from bedside.people.timezones import system_tz

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


def _require_office(request: HttpRequest) -> None:
    if access.scope_of(request.user, Capability.CME).empty:
        raise PermissionDenied(DENIED)


def _activities(request: HttpRequest):
    return access.scoped(request.user, Capability.CME, Activity.objects.select_related("site"), own=True)


def _month(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        return dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _form(request: HttpRequest, *, initial=None) -> ActivityForm:
    sites = access.scoped(request.user, Capability.CME, Site).order_by("name")
    return ActivityForm(request.POST or None, initial=initial, sites=sites, topics=Topic.objects.all())


@login_required
@require_safe
def office(request: HttpRequest) -> HttpResponse:
    """The CME office: its activities with attendance, evaluations and credit, suspicious check-ins, exports."""
    _require_office(request)
    activities = (
        _activities(request)
        .annotate(
            n_attended=Count("attendances", distinct=True),
            n_evaluated=Count("evaluations", distinct=True),
            n_claims=Count("claims", distinct=True),
            credit=Sum("claims__amount"),
        )
        .order_by("-starts_at")
    )
    month = _month(request)
    context = {
        "activities": activities[:200],
        "shared_devices": queries.suspicious_checkins(_activities(request)),
        "month": month,
        "months": [
            (timezone.localdate().replace(day=1) - dt.timedelta(days=31 * i)).replace(day=1)
            for i in range(12)
        ],
    }
    return render(request, "credits/office.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    form = _form(request, initial={"provider_name": "", "evaluation_required": True, "ama_pra_1": "1.00"})
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                actor=request.user,
                offers=form.offers(),
                topics=form.cleaned_data["topics"],
                **form.activity_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, f"“{activity.title}” is set up.")
            return redirect("credits-office-activity", activity.pk)
    return render(request, "credits/office_activity_form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_manage(request: HttpRequest, activity_id: int) -> HttpResponse:
    """One activity for the office: its details (editable), attendance, evaluations and credit; or
    cancel it."""
    activity = office_activity(request, activity_id)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            services.activity_cancel(actor=request.user, activity=activity)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                "Activity cancelled: no more check-ins, claims or certificates. What was recorded stays.",
            )
        return redirect("credits-office-activity", activity.pk)
    tz = services.activity_zone(activity)
    initial = {name: getattr(activity, name) for name in services.ACTIVITY_FIELDS}
    for name in ("starts_at", "ends_at", "enduring_until"):
        if initial[name] is not None:
            initial[name] = timezone.localtime(initial[name], tz).replace(tzinfo=None)
    initial.update({o.credit_type: o.max_amount for o in activity.offers.all()})
    initial["topics"] = list(activity.topics.all())
    form = _form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=request.user, activity=activity, offers=form.offers(), topics=form.cleaned_data["topics"],
                **form.activity_fields(),
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "Saved.")
            return redirect("credits-office-activity", activity.pk)
    attendance = activity.attendances.select_related("person").order_by("created_at")
    claims = {c.person_id: c for c in activity.claims.all()}
    evaluated = set(activity.evaluations.values_list("person_id", flat=True))
    rows = [(a, a.person_id in evaluated, claims.get(a.person_id)) for a in attendance]
    context = {
        "form": form,
        "activity": activity,
        "summary": queries.activity_summary(activity),
        "rows": rows,
        "shared_devices": queries.suspicious_checkins(Activity.objects.filter(pk=activity.pk)),
        "cancelled": services.cancelled_on(activity),
    }
    return render(request, "credits/office_activity.html", context)


@login_required
@require_safe
def pars_activities(request: HttpRequest) -> HttpResponse:
    """The month's activities (by start, in the system's zone) as the PARS activity file, but those
    cancelled without a claim."""
    _require_office(request)
    month = _month(request)
    start, end = exports.month_bounds(month, system_tz())
    rows = exports.reported(_activities(request).filter(starts_at__gte=start, starts_at__lt=end))
    response = HttpResponse(
        exports.activities_xml(rows.order_by("starts_at"), created=timezone.now()),
        content_type="application/xml",
    )
    response["Content-Disposition"] = f'attachment; filename="pars-activities-{month:%Y-%m}.xml"'
    return response


@login_required
@require_safe
def pars_learners(request: HttpRequest) -> HttpResponse:
    """The month's physician credit claims as the PARS learner-completion file."""
    _require_office(request)
    month = _month(request)
    start, end = exports.month_bounds(month, system_tz())
    claims = Claim.objects.filter(
        activity__in=_activities(request), claimed_at__gte=start, claimed_at__lt=end
    )
    return exports.learners_csv(claims, name=f"pars-learners-{month:%Y-%m}")
