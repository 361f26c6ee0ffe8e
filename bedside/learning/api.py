"""The learning API: published courses, their sessions, and registering or cancelling a place (for yourself)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from bedside.core.api_params import MAX_ID, NO_NUL, Page
from bedside.learning import queries, sessions
from bedside.learning.models import CourseSession, Registration, RegistrationStatus

router = Router(tags=["learning"])

# Router signatures are read at runtime by ninja, so no `from __future__ import annotations` here.
Modality = Literal["online", "classroom", "blended", "simulation"]


class CourseOut(Schema):
    id: int
    item_id: int
    title: str
    summary: str
    modality: Modality
    minutes: int
    credit_hours: Decimal

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.item.title

    @staticmethod
    def resolve_minutes(obj) -> int:
        return obj.item.minutes


class SessionOut(Schema):
    id: int
    course_id: int
    mode: Literal["classroom", "virtual"]
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    seats: int
    seats_taken: int
    waiting: int

    @staticmethod
    def resolve_room(obj) -> str:
        return obj.room.name if obj.room else ""

    @staticmethod
    def resolve_seats_taken(obj) -> int:
        return obj.taken

    @staticmethod
    def resolve_waiting(obj) -> int:
        return obj.waiting


class PlaceOut(Schema):
    id: int
    session_id: int
    status: Literal["registered", "waitlisted", "cancelled", "attended", "no_show"]
    queued_at: dt.datetime


class Refused(Schema):
    detail: str


Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]


@router.get(
    "/courses", response=list[CourseOut], url_name="learning-courses-list", summary="List published courses"
)
@paginate(Page)
def courses_list(
    request: HttpRequest,
    modality: Annotated[
        Modality | None, Query(None, description="online, classroom, blended or simulation")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            None,
            max_length=100,
            pattern=NO_NUL,
            description="Words in the title or summary, or in the text of a reading (library search)",
        ),
    ] = None,
):
    """Every published course, by title (the catalogue is open to every signed-in person)."""
    return queries.catalogue(request.auth, q=q or "", modality=modality or "")


def _course(request: HttpRequest, course_id: int):
    course = queries.courses_for(request.auth).filter(pk=course_id).first()
    if course is None:
        raise Http404("No such published course.")
    return course


@router.get(
    "/courses/{course_id}", response=CourseOut, url_name="learning-courses-detail", summary="Read a course"
)
def courses_detail(request: HttpRequest, course_id: Id):
    """One published course; 404 for one that does not exist or is not published."""
    return _course(request, course_id)


@router.get(
    "/courses/{course_id}/sessions",
    response=list[SessionOut],
    url_name="learning-sessions-list",
    summary="List a course's sessions",
)
def sessions_list(request: HttpRequest, course_id: Id):
    """The course's sessions still to come (not cancelled), soonest first, with seats taken."""
    return list(queries.sessions_open(_course(request, course_id), timezone.now()))


def _session(request: HttpRequest, session_id: int) -> CourseSession:
    session = queries.sessions_for(request.auth).filter(pk=session_id).first()
    if session is None:
        raise Http404("No such session.")
    return session


@router.post(
    "/sessions/{session_id}/register",
    response={200: PlaceOut, 400: Refused},
    url_name="learning-register",
    summary="Register yourself for a session",
)
def register(request: HttpRequest, session_id: Id):
    """A seat if one is free, else a place on the waiting list; again returns the same place.

    400 when the session is cancelled or started, or clashes with your shifts or sessions (the
    reason names them).
    """
    return sessions.register(person=request.auth, session=_session(request, session_id))


@router.post(
    "/sessions/{session_id}/cancel",
    response={200: PlaceOut, 400: Refused},
    url_name="learning-cancel",
    summary="Cancel your place in a session",
)
def cancel(request: HttpRequest, session_id: Id):
    """Give up your seat (the first on the waiting list gets it) or your waiting-list place.

    404 when you hold no place in it; 400 after the cancellation cut-off.
    """
    session = _session(request, session_id)
    place = Registration.objects.filter(
        session=session,
        person=request.auth,
        status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED),
    ).first()
    if place is None:
        raise Http404("You hold no place in this session.")
    sessions.registration_cancel(actor=request.auth, registration=place)
    place.refresh_from_db()
    return place
