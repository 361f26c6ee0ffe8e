"""Grand rounds recordings in the demo: three past talks published to the library, watched and claimed.

The organisers publish each recording the day after the talk through `events.recordings.recording_publish`,
as the recording page does, so the library holds a video resource with its version, in the series'
recordings collection, for the talk's audience. The videos are links (the recording form takes a link or
an MP4 file): the seed writes no files. Medicine Grand Rounds offers enduring credit for 90 days after each
talk, so its two recordings still count when the demo starts; Critical Care Grand Rounds offers live credit
only, so its recording plays but earns nothing.

Watching goes through `events.presence.heartbeat`, as the watch page's button does: "start", a beat a
minute (the page in a background tab, whose timer the browser slows to once a minute; the server counts
a beat up to `MAX_STEP_SECONDS` late), "pause". The demo physician, who missed the second Medicine talk,
watched all of its recording, evaluated it and claimed enduring credit; the demo nurse and three
colleagues watched part of the fourth. Every moment lies days before the seed's clock.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from bedside.credits.models import Attendance
from bedside.demo.credits import evaluate_and_claim
from bedside.demo.logins import DEMO_DOMAIN
from bedside.events import presence, recordings
from bedside.events.models import Event, Series
from bedside.events.models_recordings import Recording, Watching
from bedside.people.models import Person

VIDEO_HOST = "https://video.example.org/grand-rounds/"
BEAT_SECONDS = 60  # between presence.HEARTBEAT_SECONDS and presence.MAX_STEP_SECONDS: every beat counts


@dataclass(frozen=True)
class Recorded:
    series: str
    talk: int  # which past talk of the series, oldest first
    minutes: int  # how long the recording runs
    publisher: str  # the demo sign-in who publishes it (an organiser of the series' department)


RECORDED = (
    Recorded("Medicine Grand Rounds", 1, 60, "educator"),
    Recorded("Medicine Grand Rounds", 3, 54, "educator"),
    Recorded("Critical Care Grand Rounds", 2, 57, "cme"),
)
# Minutes of the fourth Medicine talk's recording watched: the demo nurse, then three colleagues.
PARTLY_WATCHED = (24, 9, 16, 31)


def _demo(name: str) -> Person:
    return Person.objects.get(email=f"{name}@{DEMO_DOMAIN}")


def _past_talks(title: str, now: dt.datetime) -> list[Event]:
    """The series' talks that ended at least a week before the seed's clock, oldest first."""
    return list(
        Event.objects.filter(
            series=Series.objects.get(title=title), ends_at__lt=now - dt.timedelta(days=7), cancelled_at=None
        )
        .select_related("activity", "site", "series")
        .order_by("starts_at")
    )


def watch(event: Event, person: Person, *, minutes: int, at: dt.datetime) -> dt.datetime:
    """Watch `minutes` of the recording from `at`, as the watch page counts it; returns when it paused."""
    beat = dt.timedelta(seconds=BEAT_SECONDS)
    presence.heartbeat(event=event, person=person, watching=Watching.RECORDING, state="start", now=at)
    for _ in range(minutes * 60 // BEAT_SECONDS - 1):
        at += beat
        presence.heartbeat(event=event, person=person, watching=Watching.RECORDING, state="tick", now=at)
    at += beat
    presence.heartbeat(event=event, person=person, watching=Watching.RECORDING, state="pause", now=at)
    return at


def _viewers(event: Event, limit: int) -> list[Person]:
    """Colleagues at the talk's site who were not in the room (and are not demo sign-ins)."""
    present = Attendance.objects.filter(activity=event.activity).values("person_id")
    return list(
        Person.objects.filter(
            jobs__unit__site=event.site, jobs__job_role__code__in=("RN", "RES"), status="active"
        )
        .exclude(pk__in=present)
        .exclude(email__endswith=f"@{DEMO_DOMAIN}")
        .distinct()
        .order_by("pk")[:limit]
    )


def seed_recordings(*, now: dt.datetime, rng: random.Random) -> dict[str, int]:
    published: dict[Recorded, Event] = {}
    for plan in RECORDED:
        talks = _past_talks(plan.series, now)
        if len(talks) <= plan.talk:  # a clock so early in the schedule that the talk has not happened
            continue
        event = talks[plan.talk]
        recordings.recording_publish(
            actor=_demo(plan.publisher), event=event, minutes=plan.minutes,
            video_url=f"{VIDEO_HOST}{event.series.slug}/{event.starts_at:%Y-%m-%d}",
            now=event.ends_at + dt.timedelta(days=1),
        )  # fmt: skip
        published[plan] = event
    watched = 0
    claimed = published.get(RECORDED[0])
    if claimed is not None:
        doctor = _demo("physician")
        paused = watch(
            claimed, doctor, minutes=RECORDED[0].minutes, at=claimed.ends_at + dt.timedelta(days=2)
        )
        evaluate_and_claim(claimed.activity, doctor, after=paused, rng=rng, credit_type="ama_pra_1")
        watched += 1
    partly = published.get(RECORDED[1])
    if partly is not None:
        viewers = [_demo("nurse"), *_viewers(partly, len(PARTLY_WATCHED) - 1)]
        for n, (person, minutes) in enumerate(zip(viewers, PARTLY_WATCHED, strict=False)):
            start = partly.ends_at + dt.timedelta(days=2 + n, hours=rng.randint(0, 8))
            watch(partly, person, minutes=minutes, at=start)
            watched += 1
    return {"event recordings": Recording.objects.count(), "recordings watched": watched}
