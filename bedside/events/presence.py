"""Time watching counted by the server: online attendees in the live room, and the recording later.

The page sends a heartbeat every `HEARTBEAT_SECONDS` while the live page is open (live) or while
the video plays (recording). The server never takes a client's total: each beat adds the server
time since the previous beat of that person, at most `MAX_STEP_SECONDS` (a longer silence was time
away, and counts nothing), and the whole is capped at the recording's length (or the event's).
"start" begins counting from now and "pause" stops it after counting up to now, so a paused video
adds nothing. Whole minutes go to credits (`credits.services.presence_record`): source "virtual"
while the check-in window is open, "recording" while the activity's enduring credit is open.
Concurrent tabs of one person share one row (locked), so they never count the same time twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bedside.credits.models import Activity, Attendance
from bedside.credits.services import checkin_open, presence_record, refuse_if_cancelled
from bedside.events.models import Event
from bedside.events.models_recordings import Recording, Watching, WatchTime
from bedside.people.models import Person

HEARTBEAT_SECONDS = 30
MAX_STEP_SECONDS = HEARTBEAT_SECONDS * 2 + 15  # a late beat still counts; a longer silence does not
STATES = ("start", "tick", "pause")
SOURCES = {Watching.LIVE: "virtual", Watching.RECORDING: "recording"}


@dataclass(frozen=True)
class Beat:
    counted_seconds: int  # this person's counted time on this event (live or recording)
    added_seconds: int  # what this beat added
    minutes_sent: int  # whole minutes passed to credits so far
    minutes_attended: int  # what credits counts toward a claim (all sources, capped)
    capped: bool


def activity_of(event: Event) -> Activity | None:
    """The event's credit activity, if it offers credit."""
    return event.activity if event.activity_id else None


def _refuse_unless_counting(event: Event, activity: Activity | None, watching: str, now: dt.datetime):
    if activity is None:
        raise ValidationError("This event offers no credit, so time is not counted.")
    refuse_if_cancelled(activity, "time watching it no longer counts toward credit.")
    if watching == Watching.LIVE:
        if not event.online:
            raise ValidationError("This event is in the room only: check in with the code on the screen.")
        if not checkin_open(activity, now):
            raise ValidationError("Time in the virtual room counts only while check-in is open.")
        return None
    recording = Recording.objects.filter(event=event).first()
    if recording is None:
        raise ValidationError("This event's recording is not published yet.")
    if not activity.enduring_open(now):
        if activity.enduring_allowed and activity.enduring_until and now > activity.enduring_until:
            raise ValidationError("Credit for watching this recording ended on its closing date.")
        raise ValidationError("Watching this recording does not earn credit.")
    return recording


@transaction.atomic
def heartbeat(
    *, event: Event, person: Person, watching: str, state: str = "tick", now: dt.datetime | None = None
) -> Beat:
    """Count the time since this person's previous beat on this event, and pass whole minutes to credits.

    Refused (ValidationError, nothing written): an event without credit or whose activity is
    cancelled, the live room outside the
    check-in window or for an event in the room only, a recording not published or whose enduring
    credit is closed (or never allowed), an unknown state.
    """
    now = now or timezone.now()
    if watching not in Watching.values:
        raise ValidationError("Say what is being watched: live or the recording.")
    if state not in STATES:
        raise ValidationError("A heartbeat is start, tick or pause.")
    activity = activity_of(event)
    recording = _refuse_unless_counting(event, activity, watching, now)
    cap_minutes = recording.minutes if recording is not None else activity.minutes
    try:
        with transaction.atomic():
            row, _ = WatchTime.objects.get_or_create(
                event=event, person=person, watching=watching, defaults={"started_at": now}
            )
    except IntegrityError:  # another tab made it at the same moment
        pass
    row = WatchTime.objects.select_for_update().get(event=event, person=person, watching=watching)
    added = 0
    counted_to = now
    if state != "start" and row.last_beat_at is not None:
        since = (now - row.last_beat_at).total_seconds()
        if 0 < since <= MAX_STEP_SECONDS:
            added = int(since)
            # Count from the last whole second counted, so a beat arriving at 0.98 s carries its
            # fraction to the next one instead of losing it (timers jitter either side of a step).
            counted_to = row.last_beat_at + dt.timedelta(seconds=added)
    cap = cap_minutes * 60
    seconds = min(row.seconds + added, cap)
    added = seconds - row.seconds
    row.seconds = seconds
    row.last_beat_at = None if state == "pause" else counted_to
    whole = seconds // 60 - row.minutes_sent
    attended = None
    if whole > 0:
        attendance = presence_record(
            activity=activity, person=person, minutes=whole, source=SOURCES[watching], now=now
        )
        row.minutes_sent += whole
        attended = attendance.minutes_attended()
    row.save(update_fields=["seconds", "last_beat_at", "minutes_sent"])
    if attended is None:
        found = Attendance.objects.filter(activity=activity, person=person).first()
        if found is not None:
            found.activity = activity
        attended = found.minutes_attended() if found else 0
    return Beat(
        counted_seconds=seconds,
        added_seconds=added,
        minutes_sent=row.minutes_sent,
        minutes_attended=attended,
        capped=seconds >= cap,
    )


def counted_seconds(event: Event, person: Person, watching: str) -> int:
    row = WatchTime.objects.filter(event=event, person=person, watching=watching).only("seconds").first()
    return row.seconds if row else 0


def live_counter(event: Event, person: Person, now: dt.datetime) -> dict:
    """What the live page needs to count an online attendee's time (nothing when it does not count)."""
    activity = activity_of(event)
    counting = bool(activity and event.online and not event.cancelled_at and checkin_open(activity, now))
    return {
        "counting_live": counting,
        "counted": counted_seconds(event, person, Watching.LIVE) // 60 if counting else 0,
        "heartbeat_seconds": HEARTBEAT_SECONDS,
    }
