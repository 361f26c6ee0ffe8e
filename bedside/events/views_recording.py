"""The recording after the talk: the organiser publishes it to the library; people watch it, and where
the event's credit allows enduring credit the server counts the time they watch (heartbeats). The live
page's heartbeats count online attendees' time in the virtual room the same way."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bedside.credits.queries import panel_for
from bedside.events import presence, queries, recordings
from bedside.events.forms import RecordingForm
from bedside.events.models import Event
from bedside.events.models_recordings import Recording, Watching
from bedside.events.scopes import ORGANISERS
from bedside.library.models import Attachment, VersionStatus
from bedside.library.queries import readable_resources
from bedside.people import access

DENIED = "Publishing an event's recording is for its organisers: educators and the CME office."


def _visible(request: HttpRequest, event_id: int) -> Event:
    return get_object_or_404(
        queries.visible_events(request.user).select_related("site", "series"), pk=event_id
    )


def current_files(recording: Recording | None) -> tuple[Attachment | None, Attachment | None, object]:
    """The published version's video file and slides, and the version (None when nothing is published)."""
    if recording is None:
        return None, None, None
    version = (
        recording.resource.versions.filter(status=VersionStatus.PUBLISHED)
        .select_related("item_version")
        .first()
    )
    if version is None:
        return None, None, None
    files = list(version.attachments.all())
    video = next((a for a in files if a.content_type == "video/mp4"), None)
    slides = next((a for a in files if a.content_type == "application/pdf"), None)
    return video, slides, version


@login_required
@require_http_methods(["GET", "POST"])
def recording_manage(request: HttpRequest, event_id: int) -> HttpResponse:
    """The organiser gives the recording (link or MP4) and the slides (PDF) and publishes them to the library."""
    event = access.get_in_scope(
        request.user, ORGANISERS, Event.objects.select_related("site", "series", "department"), pk=event_id,
        denied=DENIED, missing="There is no such event that you organise.",
    )  # fmt: skip
    recording = Recording.objects.filter(event=event).select_related("resource").first()
    initial = {"minutes": recording.minutes if recording else max(event_minutes(event), 1)}
    if recording:
        initial["video_url"] = recording.video_url
    form = RecordingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            recording = recordings.recording_publish(
                actor=request.user, event=event, minutes=d["minutes"], video_url=d["video_url"],
                video_file=d["video_file"], slides=d["slides"],
            )  # fmt: skip
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Published to the library: the event page now links to the recording.")
            return redirect("events-event-recording", event.pk)
    video, slides, version = current_files(recording)
    return render(
        request,
        "events/recording_manage.html",
        {
            "event": event, "form": form, "recording": recording, "version": version,
            "video": video, "slides": slides, "over": event.ends_at <= timezone.now(),
        },
    )  # fmt: skip


def event_minutes(event: Event) -> int:
    return int((event.ends_at - event.starts_at).total_seconds() // 60)


@login_required
@require_safe
def watch(request: HttpRequest, event_id: int) -> HttpResponse:
    """The recording on a phone or a desktop, the slides, and (with enduring credit) the time counted."""
    event = _visible(request, event_id)
    recording = Recording.objects.filter(event=event).select_related("resource__item").first()
    video, slides, version = current_files(recording)
    now = timezone.now()
    activity = presence.activity_of(event)
    counting = bool(recording and activity and activity.enduring_open(now))
    return render(
        request,
        "events/watch.html",
        {
            "event": event,
            "recording": recording,
            "version": version,
            # An outside clinician may watch a public talk whose library entry is internal: no dead link to it.
            "in_library": bool(
                recording and readable_resources(request.user).filter(pk=recording.resource_id).exists()
            ),
            "video": video,
            "slides": slides,
            "activity": activity,
            "counting": counting,
            "panel": panel_for(activity, request.user, now) if activity else None,
            "counted": presence.counted_seconds(event, request.user, Watching.RECORDING) // 60,
            "heartbeat_seconds": presence.HEARTBEAT_SECONDS,
        },
    )


def _beat(request: HttpRequest, event_id: int, watching: str) -> JsonResponse:
    event = _visible(request, event_id)
    try:
        beat = presence.heartbeat(
            event=event, person=request.user, watching=watching, state=request.POST.get("state", "")
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse(
        {
            "counted_minutes": beat.counted_seconds // 60,
            "added_seconds": beat.added_seconds,
            "minutes_attended": beat.minutes_attended,
            "capped": beat.capped,
        }
    )


@login_required
@require_POST
def watch_heartbeat(request: HttpRequest, event_id: int) -> JsonResponse:
    """While the recording plays: start, tick (every 30 s) or pause. The server counts the time."""
    return _beat(request, event_id, Watching.RECORDING)


@login_required
@require_POST
def live_heartbeat(request: HttpRequest, event_id: int) -> JsonResponse:
    """While the live page is open during the check-in window: time in the virtual room."""
    return _beat(request, event_id, Watching.LIVE)
