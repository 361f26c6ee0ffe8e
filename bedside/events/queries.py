"""Reads for event pages, the dialogue and the API."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from bedside.events.models import (
    VISIBLE_STATUSES,
    Event,
    LiveMessage,
    Poll,
    PollAnswer,
    PollStatus,
    Question,
    QuestionStatus,
    Recording,
    Registration,
    Vote,
)
from bedside.people import access
from bedside.people.models import Person


def visible_events(person: Person | None) -> QuerySet[Event]:
    """Events a person may open: every event for staff; public ones for people with no job (outside
    clinicians) and for anyone signed out."""
    rows = Event.objects.select_related("series", "site", "room", "department")
    if person is None or not person.is_authenticated:
        return rows.filter(public=True)
    if access.is_hospital_staff(person):  # hospital staff see every event; outside clinicians the public ones
        return rows
    return rows.filter(Q(public=True) | Q(moderators=person) | Q(speakers__person=person)).distinct()


def upcoming(person: Person | None, now: dt.datetime, *, limit: int = 50) -> list[Event]:
    return list(
        visible_events(person)
        .filter(ends_at__gte=now, cancelled_at__isnull=True)
        .prefetch_related("speakers")
        .order_by("starts_at")[:limit]
    )


def recent_recordings(person: Person | None, *, limit: int = 6) -> list[Recording]:
    """The newest recordings of events the person may open, whose library resource is not retired."""
    return list(
        Recording.objects.filter(
            event__in=visible_events(person).values("pk"), resource__retired_at__isnull=True
        )
        .select_related("event__site", "event__series")
        .order_by("-published_at", "-pk")[:limit]
    )


def place_of(person: Person, event: Event) -> Registration | None:
    return Registration.objects.filter(event=event, person=person, cancelled_at__isnull=True).first()


def questions_for(event: Event, *, viewer: Person, moderator: bool) -> list[Question]:
    """The questions a viewer sees, most votes first: moderators see all but merged ones; others the
    visible ones (and at a premoderated event only approved ones, plus their own)."""
    rows = Question.objects.filter(event=event).select_related("author")
    if moderator:
        rows = rows.exclude(status=QuestionStatus.MERGED)
    elif event.premoderated:
        rows = rows.filter(
            Q(status__in=(QuestionStatus.APPROVED, QuestionStatus.ANSWERED))
            | Q(author=viewer, status=QuestionStatus.OPEN)
        )
    else:
        rows = rows.filter(status__in=VISIBLE_STATUSES)
    return list(rows.order_by("-votes", "created_at", "pk"))


def speaker_queue(event: Event) -> list[Question]:
    """The speaker's view: questions the moderators promoted, most votes first."""
    return list(
        Question.objects.filter(event=event, status=QuestionStatus.APPROVED)
        .select_related("author")
        .order_by("-votes", "approved_at", "pk")
    )


def my_votes(event: Event, person: Person) -> set[int]:
    return set(
        Vote.objects.filter(question__event=event, person=person).values_list("question_id", flat=True)
    )


def polls_for(event: Event, *, moderator: bool) -> list[Poll]:
    rows = Poll.objects.filter(event=event).prefetch_related("options")
    if not moderator:
        rows = rows.exclude(status=PollStatus.DRAFT)
    return list(rows.order_by("-created_at", "-pk"))


def my_answers(event: Event, person: Person) -> dict[int, int]:
    return dict(
        PollAnswer.objects.filter(poll__event=event, person=person).values_list("poll_id", "option_id")
    )


def last_message_id(event: Event) -> int:
    return LiveMessage.objects.filter(event=event).order_by("-pk").values_list("pk", flat=True).first() or 0
