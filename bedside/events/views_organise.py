"""Organisers' pages (educators and the CME office over a department): series, events, speakers with
their disclosures, moderators, a series' schedule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from bedside.core.forms import parse_id
from bedside.events import credit, services
from bedside.events.forms import (
    CreditForm,
    EventForm,
    ModeratorsForm,
    ScheduleForm,
    SeriesCreditForm,
    SeriesForm,
    SpeakerForm,
)
from bedside.events.models import Event, Series, Speaker
from bedside.events.scopes import ORGANISERS, organiser_departments
from bedside.people import access
from bedside.people.models import Capability

DENIED = "Organising events is for educators and the CME office."


def _departments(request: HttpRequest):
    found = organiser_departments(request.user)
    if not found.exists():
        raise PermissionDenied(DENIED)
    return found


def _organised(request: HttpRequest, model, pk: int):
    return access.get_in_scope(
        request.user, ORGANISERS, model.objects.select_related("site", "department"), pk=pk,
        denied=DENIED, missing="There is no such series or event that you organise.",
    )  # fmt: skip


def _errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


@login_required
@require_safe
def organise(request: HttpRequest) -> HttpResponse:
    _departments(request)
    now = timezone.now()
    events = access.scoped(request.user, ORGANISERS, Event).select_related("series", "site")
    return render(
        request,
        "events/organise.html",
        {
            "series": access.scoped(request.user, ORGANISERS, Series).select_related("site", "department"),
            "upcoming": events.filter(ends_at__gte=now).order_by("starts_at")[:30],
            "recent": events.filter(ends_at__lt=now).order_by("-starts_at")[:10],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_new(request: HttpRequest) -> HttpResponse:
    form = SeriesForm(request.POST or None, departments=_departments(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            series = services.series_create(
                actor=request.user, title=d["title"], department=d["department"], weekday=d["weekday"],
                at=d["at"], minutes=d["minutes"], description=d["description"], public=d["public"],
            )  # fmt: skip
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"Series “{series.title}” created: schedule its weeks below.")
            return redirect("events-series-manage", series.pk)
    return render(request, "events/series_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def series_manage(request: HttpRequest, series_id: int) -> HttpResponse:
    series = _organised(request, Series, series_id)
    action = request.POST.get("form", "schedule") if request.method == "POST" else None
    form = ScheduleForm(
        request.POST if action == "schedule" else None, initial={"first_day": timezone.localdate()}
    )
    credit_form = None
    if credit.can_offer_credit(request.user, series):
        credit_form = SeriesCreditForm(
            request.POST if action == "credit" else None,
            initial={
                **series.credit_offers, "provider_name": series.credit_provider,
                "accreditor_activity_id": series.credit_accreditor_id,
                "evaluation_required": series.credit_evaluation_required, "enduring_days": series.credit_enduring_days,
            },
        )  # fmt: skip
    if action == "credit" and credit_form is None:
        raise PermissionDenied(credit.NOT_CME)
    if action == "credit" and credit_form.is_valid():
        d = credit_form.cleaned_data
        try:
            credit.series_credit_set(
                actor=request.user, series=series, offers=credit_form.offers(), provider_name=d["provider_name"],
                accreditor_activity_id=d["accreditor_activity_id"], evaluation_required=d["evaluation_required"],
                enduring_days=d["enduring_days"],
            )  # fmt: skip
        except ValidationError as exc:
            _errors(credit_form, exc)
        else:
            messages.success(
                request,
                "Talks scheduled from now on offer this credit."
                if series.offers_credit
                else "Talks scheduled from now on offer no credit.",
            )
            return redirect("events-series-manage", series.pk)
    if action == "schedule" and form.is_valid():
        d = form.cleaned_data
        try:
            made = services.series_schedule(
                actor=request.user, series=series, first_day=d["first_day"], weeks=d["weeks"],
                fields=services.EventFields(
                    title=series.title, starts_at=timezone.now(), ends_at=timezone.now(), mode=d["mode"],
                    room=d["room"], stream_url=d["stream_url"], meeting_url=d["meeting_url"],
                ),
            )  # fmt: skip
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"{len(made)} events scheduled.")
            return redirect("events-series-manage", series.pk)
    events = series.events.order_by("-starts_at")[:20]
    return render(
        request,
        "events/series_manage.html",
        {"series": series, "form": form, "credit_form": credit_form, "events": events},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None, departments=_departments(request))
    credit_form = None
    if organiser_departments(request.user, Capability.CME).exists():
        credit_form = CreditForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (credit_form is None or credit_form.is_valid()):
        department = form.cleaned_data["department"]
        terms = None
        if credit_form is not None and credit_form.wants_credit:
            terms = credit_form.terms(department.site.tz)
        try:
            event = services.event_create(
                actor=request.user, department=department, fields=form.event_fields(), credit_terms=terms
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "Event created: add its speakers and their disclosures.")
            return redirect("events-event-manage", event.pk)
    return render(request, "events/event_form.html", {"form": form, "credit_form": credit_form})


@login_required
@require_http_methods(["GET", "POST"])
def event_manage(request: HttpRequest, event_id: int) -> HttpResponse:
    """Edit an event, add speakers with their disclosures, name moderators, or cancel it."""
    event = _organised(request, Event, event_id)
    local = event.starts_at.astimezone(event.tz)
    initial = {
        "title": event.title, "department": event.department, "day": local.date(), "start": local.time(),
        "end": event.ends_at.astimezone(event.tz).time(), "mode": event.mode, "room": event.room,
        "stream_url": event.stream_url, "meeting_url": event.meeting_url, "description": event.description,
        "objectives": event.objectives, "registration_required": event.registration_required,
        "public": event.public, "premoderated": event.premoderated,
    }  # fmt: skip
    action = request.POST.get("form") if request.method == "POST" else None
    departments = organiser_departments(request.user)
    event_form = EventForm(
        request.POST if action == "event" else None, departments=departments, initial=initial
    )
    credit_form = None
    if credit.can_offer_credit(request.user, event):
        credit_initial = (
            CreditForm.initial_from(credit.terms_of(event.activity), event.tz) if event.activity else {}
        )
        credit_form = CreditForm(
            request.POST if action == "event" else None,
            initial=credit_initial,
            offered=event.activity is not None,
        )
    speaker_form = SpeakerForm(request.POST if action == "speaker" else None)
    moderators_form = ModeratorsForm(
        request.POST if action == "moderators" else None,
        initial={"emails": ", ".join(p.email or "" for p in event.moderators.all())},
    )
    try:
        if action == "event" and event_form.is_valid() and (credit_form is None or credit_form.is_valid()):
            terms = (
                credit_form.terms(event.tz) if credit_form is not None and credit_form.wants_credit else None
            )
            services.event_update(
                actor=request.user, event=event, fields=event_form.event_fields(), credit_terms=terms
            )
            messages.success(request, "Event saved.")
            return redirect("events-event-manage", event.pk)
        if action == "speaker" and speaker_form.is_valid():
            d = speaker_form.cleaned_data
            services.speaker_add(
                actor=request.user, event=event, name=d["name"], person=d["email"], credentials=d["credentials"],
                affiliation=d["affiliation"], disclosure=d["disclosure"], relationships=d["relationships"],
            )  # fmt: skip
            messages.success(request, "Speaker added.")
            return redirect("events-event-manage", event.pk)
        if action == "moderators" and moderators_form.is_valid():
            services.moderators_set(
                actor=request.user, event=event, persons=moderators_form.cleaned_data["emails"]
            )
            messages.success(request, "Moderators saved.")
            return redirect("events-event-manage", event.pk)
        if action == "remove-speaker":
            speaker = Speaker.objects.filter(
                event=event, pk=parse_id(request.POST.get("speaker")) or 0
            ).first()
            if speaker is None:
                raise ValidationError("Choose a speaker of this event.")
            services.speaker_remove(actor=request.user, speaker=speaker)
            messages.success(request, "Speaker removed.")
            return redirect("events-event-manage", event.pk)
        if action == "cancel":
            services.event_cancel(actor=request.user, event=event)
            messages.success(request, "Event cancelled: it shows as cancelled in calendars.")
            return redirect("events-event-manage", event.pk)
        if action not in (None, "event", "speaker", "moderators"):
            raise ValidationError("Choose what to change.")
    except ValidationError as exc:
        event.refresh_from_db()  # the refused change was rolled back: show the event as it is
        target = {"event": event_form, "speaker": speaker_form, "moderators": moderators_form}.get(action)
        if target is None:
            messages.error(request, " ".join(exc.messages))
        else:
            _errors(target, exc)
    return render(
        request,
        "events/event_manage.html",
        {
            "event": event,
            "event_form": event_form,
            "speaker_form": speaker_form,
            "moderators_form": moderators_form,
            "credit_form": credit_form,
            "offers": list(event.activity.offers.all()) if event.activity else [],
            "speakers": event.speakers.prefetch_related("relationships"),
        },
    )
