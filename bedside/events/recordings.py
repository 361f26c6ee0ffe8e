"""After the talk: the recording and slides go to the library as a resource version (kind video).

The organiser (the same grant as editing the event) gives a video link or an MP4 file, optionally
the slides as a PDF, and how long the recording runs. The first publish makes the library resource,
in a "<series> recordings" collection (or the site's "Grand rounds recordings" for an event without
a series); each later publish makes a new version of the same resource. The library's own service
does the writing (events stands above the library; the library never imports events).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bedside.audit.services import audit
from bedside.events.models import DisclosureStatus, Event
from bedside.events.models_recordings import Recording
from bedside.events.services import require_organiser
from bedside.library.app_publishing import CollectionPlace, check_files, publish_for_app
from bedside.library.models import ResourceKind
from bedside.people.models import Person

MAX_MINUTES = 24 * 60


def collection_place(event: Event) -> CollectionPlace:
    """Where an event's recording goes: its series' recordings, or its site's grand rounds recordings."""
    if event.series_id:
        series = event.series
        return CollectionPlace(
            slug=f"recordings-{series.slug}"[:120],
            name=f"{series.title}: recordings"[:120],
            description=f"Recordings and slides of {series.title}, one resource per talk.",
            site=series.site,
        )
    return CollectionPlace(
        slug=f"grand-rounds-recordings-{event.site.code.lower()}",
        name=f"Grand rounds recordings, {event.site.name}"[:120],
        description="Recordings and slides of talks that are not part of a series.",
        site=event.site,
    )


def disclosure_lines(event: Event) -> list[str]:
    lines = []
    for s in event.speakers.prefetch_related("relationships"):
        name = f"{s.name}, {s.credentials}" if s.credentials else s.name
        if s.disclosure == DisclosureStatus.NONE:
            lines.append(f"{name}: nothing to disclose.")
        elif s.disclosure == DisclosureStatus.RELATIONSHIPS:
            rels = "; ".join(
                f"{r.nature}, {r.company} (mitigated: {r.mitigation})" for r in s.relationships.all()
            )
            lines.append(f"{name}: {rels or 'relationships disclosed'}.")
        else:
            lines.append(f"{name}: disclosure not received.")
    return lines


def body_of(event: Event, *, video_url: str) -> str:
    """The resource's Markdown: title, when, speakers, disclosures summary, objectives, the watch page
    (where time counts toward credit: a reader who finds the recording in the library goes there)
    and the video itself."""
    local = timezone.localtime(event.starts_at, event.tz)
    speakers = list(event.speakers.all())
    parts = [f"Recording of **{event.title}**, {local:%A %d %B %Y, %H:%M} ({event.site.name}).", ""]
    if event.description:
        parts += [event.description, ""]
    if speakers:
        parts.append("## Speakers")
        parts += [
            f"- {s.name}{', ' + s.credentials if s.credentials else ''}"
            f"{' (' + s.affiliation + ')' if s.affiliation else ''}"
            for s in speakers
        ]
        parts += ["", "## Disclosures", *[f"- {line}" for line in disclosure_lines(event)], ""]
    objectives = event.objective_list()
    if objectives:
        parts += ["## Learning objectives", *[f"{n}. {o}" for n, o in enumerate(objectives, 1)], ""]
    watch = reverse("event-watch", args=[event.pk])
    parts += [
        f"[Watch it on the talk's page]({watch}): the time you watch there counts toward the talk's "
        "credit while it offers enduring credit.",
        "",
    ]
    if video_url:
        parts += [f"[Open the video on its own]({video_url}) (no time counted).", ""]
    return "\n".join(parts).strip() + "\n"


def key_points_of(event: Event) -> str:
    objectives = event.objective_list()
    text = "\n".join(objectives) if objectives else f"Recording of {event.title}."
    return text[:1100]


@transaction.atomic
def recording_publish(
    *,
    actor: Person,
    event: Event,
    minutes: int,
    video_url: str = "",
    video_file: UploadedFile | None = None,
    slides: UploadedFile | None = None,
    now: dt.datetime | None = None,
) -> Recording:
    """Publish (or publish again) the event's recording and slides to the library.

    Refused, storing nothing: before the event has ended, a cancelled event, no video (neither a
    link nor a file) the first time, a video file that is not an MP4 or a slides file that is not a
    PDF (the library's checks: type read from the content, name, size), a length out of range.
    """
    now = now or timezone.now()
    require_organiser(actor, event.department)
    event = Event.objects.select_related("series", "site").get(pk=event.pk)
    if event.cancelled_at is not None:
        raise ValidationError("This event was cancelled: it has no recording to publish.")
    if now < event.ends_at:
        raise ValidationError("Publish the recording after the talk has ended.")
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise ValidationError("Give the recording's length in whole minutes.") from None
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError("Give the recording's length in minutes, between 1 and 1440.")
    existing = Recording.objects.select_for_update().filter(event=event).first()
    video_url = (video_url or "").strip()
    if video_url and video_file is not None:
        raise ValidationError("Give the video as a link or as a file, not both.")
    files = [f for f in (video_file, slides) if f is not None]
    kinds = check_files(files)
    if video_file is not None and kinds[0].content_type != "video/mp4":
        raise ValidationError(f"“{video_file.name}” is a {kinds[0].label}: the video must be an MP4 file.")
    if slides is not None and kinds[-1].content_type != "application/pdf":
        raise ValidationError(f"“{slides.name}” is a {kinds[-1].label}: the slides must be a PDF.")
    if existing is None and not video_url and video_file is None:
        raise ValidationError("Give the recording: a link to the video, or the MP4 file.")
    if existing is not None and not video_url and video_file is None:
        video_url = existing.video_url  # the same video again (its link, or its file carried over)
    version = publish_for_app(
        source=f"events:event:{event.pk}",
        by=actor,
        title=f"{event.title} (recording)",
        kind=ResourceKind.VIDEO,
        body=body_of(event, video_url=video_url),
        key_points=key_points_of(event),
        resource=existing.resource if existing else None,
        site=event.site,
        audience=event.audience,
        link=video_url,
        files=files,
        minutes=minutes,
        effective_on=timezone.localtime(event.starts_at, event.tz).date(),
        change_summary="" if existing is None else "Recording or slides published again.",
        drop_types=("video/mp4",) if video_url else (),  # a link replaces an earlier file
        collection=collection_place(event),
        now=now,
    )
    if existing is None:
        recording = Recording.objects.create(
            event=event, resource=version.resource, video_url=video_url, minutes=minutes,
            published_at=now, published_by=actor,
        )  # fmt: skip
    else:
        recording = existing
        recording.video_url = video_url
        recording.minutes, recording.published_at, recording.published_by = minutes, now, actor
        recording.save()
    audit(
        actor=actor,
        action="events.recording.publish",
        target=event,
        changes={"resource": version.resource_id, "version": version.pk, "minutes": minutes},
    )
    return recording
