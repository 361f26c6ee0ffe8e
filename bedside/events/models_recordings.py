"""An event's recording in the library, and the time people are counted watching (live or later).

The recording's video and slides live in the library (a resource of kind video, one version per
publish); the event keeps which resource it is and how long the recording runs, which caps the time
watching it can count. `WatchTime` is the server's own count of one person watching one event, live
in the virtual room or the recording later: heartbeats add the server time since the last one (at
most a little more than the heartbeat interval), and whole minutes go to credits as presence.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Recording(models.Model):
    """The recording and slides of an event, published to the library."""

    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="recording")
    resource = models.ForeignKey("library.Resource", on_delete=models.PROTECT, related_name="+")
    video_url = models.URLField(
        blank=True, help_text="A link to the video; empty when the file is in the library"
    )
    minutes = models.PositiveSmallIntegerField(help_text="How long the recording runs")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gte=1), name="recording_minutes_positive")
        ]

    def __str__(self) -> str:
        return f"Recording of {self.event_id}"


class Watching(models.TextChoices):
    LIVE = "live", "Live, in the virtual room"
    RECORDING = "recording", "The recording, later"


class WatchTime(models.Model):
    """One person's counted time on one event, live or the recording (one row each)."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    watching = models.CharField(max_length=10, choices=Watching.choices)
    seconds = models.PositiveIntegerField(default=0, help_text="Counted by the server from heartbeats")
    minutes_sent = models.PositiveIntegerField(default=0, help_text="Whole minutes passed to credits")
    last_beat_at = models.DateTimeField(null=True, blank=True, help_text="None: paused or not started")
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "watching"], name="watchtime_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} watching {self.event_id} ({self.watching}): {self.seconds} s"
