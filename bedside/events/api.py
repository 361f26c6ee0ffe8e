"""The events API: upcoming events (with speakers' disclosures), an event's questions, asking and voting.

Staff see every event; a person with no job and no grant (an outside clinician) the public ones only,
as on the pages. Asking and voting are the caller's own, through the same services (400 with the
reason on bad input, nothing written).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from bedside.core.api_params import MAX_ID, Body, Page
from bedside.events import dialogue, queries
from bedside.events.models import Event, Question

router = Router(tags=["events"])
EventId = Annotated[int, Path(..., ge=1, le=MAX_ID, description="The event's id")]
QuestionId = Annotated[int, Path(..., ge=1, le=MAX_ID, description="The question's id")]


class RelationshipOut(Schema):
    company: str
    nature: str
    mitigation: str


class SpeakerOut(Schema):
    name: str
    credentials: str
    affiliation: str
    disclosure: str
    relationships: list[RelationshipOut]


class EventOut(Schema):
    id: int
    title: str
    series: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    mode: str
    room: str | None
    capacity: int | None
    registration_required: bool
    public: bool
    cancelled: bool
    url: str


class EventDetail(EventOut):
    description: str
    objectives: list[str]
    speakers: list[SpeakerOut]
    questions_open: bool


class QuestionOut(Schema):
    id: int
    text: str
    author: str
    votes: int
    status: str
    asked_at: dt.datetime


class QuestionIn(Body):
    text: str = Field(..., max_length=2000, description="The question (5 to 500 characters)")
    anonymous: bool = Field(False, description="Show it without your name")


class Refused(Schema):
    detail: str


class VoteIn(Body):
    up: bool = Field(True, description="true to vote, false to take your vote back")


def _event(e: Event) -> dict:
    return {
        "id": e.pk, "title": e.title, "series": e.series.title if e.series_id else None, "starts_at": e.starts_at,
        "ends_at": e.ends_at, "time_zone": e.site.time_zone, "mode": e.mode,
        "room": e.room.name if e.room_id and e.in_room else None, "capacity": e.capacity,
        "registration_required": e.registration_required, "public": e.public, "cancelled": bool(e.cancelled_at),
        "url": reverse("event", args=[e.pk]),
    }  # fmt: skip


def _question(q: Question) -> dict:
    author = "Anonymous" if q.anonymous else q.author.full_name
    return {
        "id": q.pk,
        "text": q.text,
        "author": author,
        "votes": q.votes,
        "status": q.status,
        "asked_at": q.created_at,
    }


def _visible(request: HttpRequest, event_id: int) -> Event:
    event = queries.visible_events(request.auth).filter(pk=event_id).first()
    if event is None:
        raise Http404("No such event, or it is not open to you.")
    return event


@router.get("/events", response=list[EventOut], url_name="events-list", summary="Upcoming events")
@paginate(Page)
def events_list(request: HttpRequest):
    """Events from now on that you may attend, soonest first (cancelled ones marked)."""
    rows = (
        queries.visible_events(request.auth).filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")
    )
    return [_event(e) for e in rows]


@router.get("/events/{event_id}", response=EventDetail, url_name="events-detail", summary="One event")
def events_detail(request: HttpRequest, event_id: EventId):
    """An event with its objectives and speakers, each with their disclosure of financial relationships."""
    event = _visible(request, event_id)
    speakers = event.speakers.prefetch_related("relationships")
    return {
        **_event(event),
        "description": event.description,
        "objectives": event.objective_list(),
        "questions_open": event.dialogue_open(timezone.now()),
        "speakers": [
            {"name": s.name, "credentials": s.credentials, "affiliation": s.affiliation, "disclosure": s.disclosure,
             "relationships": [{"company": r.company, "nature": r.nature, "mitigation": r.mitigation}
                               for r in s.relationships.all()]}
            for s in speakers
        ],
    }  # fmt: skip


@router.get(
    "/events/{event_id}/questions",
    response=list[QuestionOut],
    url_name="events-questions-list",
    summary="An event's questions",
)
def events_questions_list(request: HttpRequest, event_id: EventId):
    """The questions you see on the live page, most votes first."""
    event = _visible(request, event_id)
    moderator = dialogue.is_moderator(request.auth, event)
    return [_question(q) for q in queries.questions_for(event, viewer=request.auth, moderator=moderator)]


@router.post(
    "/events/{event_id}/questions",
    response={201: QuestionOut, 400: Refused},
    url_name="events-ask",
    summary="Ask a question",
)
def events_ask(request: HttpRequest, event_id: EventId, body: QuestionIn):
    """Ask during the event (from 30 minutes before to 30 minutes after); every viewer sees it within a second."""
    question = dialogue.question_ask(
        person=request.auth, event=_visible(request, event_id), text=body.text, anonymous=body.anonymous
    )
    question.author = request.auth
    return Status(201, _question(question))


@router.post(
    "/events/questions/{question_id}/vote",
    response={200: QuestionOut, 400: Refused},
    url_name="events-vote",
    summary="Vote for a question",
)
def events_vote(request: HttpRequest, question_id: QuestionId, body: VoteIn):
    """Add (or take back, with up=false) your vote; once per question, never for your own."""
    question = (
        Question.objects.select_related("event", "author")
        .filter(pk=question_id, event__in=queries.visible_events(request.auth))
        .first()
    )
    if question is None:
        raise Http404("No such question, or its event is not open to you.")
    return _question(dialogue.question_vote(person=request.auth, question=question, up=body.up))
