"""The live dialogue pages: attendees ask, vote and answer polls; moderators moderate on a phone; the
speaker sees the promoted questions in order. All three follow the event's stream without reloading."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from bedside.core.forms import parse_id
from bedside.credits.screen import screen_context
from bedside.events import dialogue, presence, queries
from bedside.events.live.stream import stream, stream_for_wsgi
from bedside.events.models import Event, Poll, PollStatus, Question, Speaker
from bedside.events.scopes import ORGANISERS
from bedside.events.views import credit_context
from bedside.people import access

NO_EVENT = "There is no such event, or it is not open to you."


def _event(request: HttpRequest, event_id: int) -> Event:
    return get_object_or_404(
        queries.visible_events(request.user).select_related("activity__site"), pk=event_id
    )


def _moderated(request: HttpRequest, event_id: int) -> Event:
    """An event the person moderates (as a named moderator) or organises."""
    return access.get_in_scope(
        request.user,
        ORGANISERS,
        Event.objects.select_related("site", "series", "room", "activity__site").distinct(),
        own=True,
        pk=event_id,
        denied="Moderating is for an event's moderators and organisers.",
        missing="There is no such event that you moderate.",
    )


def _fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _answer(request: HttpRequest, back: str, *, ok: str = "", error: str = "", **data) -> HttpResponse:
    """JSON for the page's script; a message and a redirect back without it."""
    if _fetch(request):
        return JsonResponse({"error": error} if error else {"ok": ok, **data}, status=400 if error else 200)
    if error:
        messages.error(request, error)
    elif ok:
        messages.success(request, ok)
    return redirect(back)


MODERATOR_ACTIONS = [("approve", "Promote"), ("answered", "Answered"), ("hide", "Hide"), ("reopen", "Reopen")]


def _with_counts(polls: list[Poll]) -> list[Poll]:
    """Each poll's options carry their count and share, for the page before the stream takes over."""
    for poll in polls:
        counts = {o["id"]: o for o in dialogue.poll_payload(poll)["options"]}
        for option in poll.options.all():
            option.count, option.share = counts[option.pk]["count"], counts[option.pk]["share"]
    return polls


def _live_context(request: HttpRequest, event: Event, *, moderator: bool) -> dict:
    person = request.user
    return {
        "event": event,
        "moderator_actions": MODERATOR_ACTIONS,
        "questions": queries.questions_for(event, viewer=person, moderator=moderator),
        "polls": _with_counts(queries.polls_for(event, moderator=moderator)),
        "voted": queries.my_votes(event, person),
        "answered": queries.my_answers(event, person),
        "after": queries.last_message_id(event),
        "open": event.dialogue_open(timezone.now()),
        "moderator": moderator,
    }


@login_required
@require_safe
def live(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    moderator = dialogue.is_moderator(request.user, event)
    context = _live_context(request, event, moderator=False)
    context["can_moderate"] = moderator
    context.update(credit_context(event, request.user, timezone.now()))
    context["panel_here"] = reverse("event", args=[event.pk]) + "?from=live"
    context.update(presence.live_counter(event, request.user, timezone.now()))
    return render(request, "events/live.html", context)


@login_required
@require_safe
def live_stream(request: HttpRequest, event_id: int) -> StreamingHttpResponse:
    """Server-sent events: each change of the event's questions and polls, as it happens."""
    event = _event(request, event_id)
    moderator = request.GET.get("as") == "moderator" and dialogue.is_moderator(request.user, event)
    try:
        after = int(request.headers.get("Last-Event-ID") or request.GET.get("after") or 0)
    except ValueError:
        after = 0
    after = max(after, 0)
    args = {"event_id": event.pk, "moderator": moderator, "after": after}
    body = stream(**args) if isinstance(request, ASGIRequest) else stream_for_wsgi(**args)
    response = StreamingHttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # a proxy must pass each message on at once
    return response


@login_required
@require_POST
def ask(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    back = reverse("event-live", args=[event.pk])
    try:
        q = dialogue.question_ask(
            person=request.user,
            event=event,
            text=request.POST.get("text", ""),
            anonymous=request.POST.get("anonymous") == "1",
        )
    except ValidationError as exc:
        return _answer(request, back, error=" ".join(exc.messages))
    waiting = " A moderator will approve it first." if event.premoderated else ""
    return _answer(request, back, ok=f"Your question is in.{waiting}", question=q.pk)


@login_required
@require_POST
def vote(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.select_related("event"),
        pk=question_id,
        event__in=queries.visible_events(request.user),
    )
    event = question.event
    back = reverse("event-live", args=[event.pk])
    up = request.POST.get("up", "1") != "0"
    try:
        q = dialogue.question_vote(person=request.user, question=question, up=up)
    except ValidationError as exc:
        return _answer(request, back, error=" ".join(exc.messages))
    return _answer(request, back, ok="Vote counted." if up else "Vote taken back.", votes=q.votes, voted=up)


@login_required
@require_POST
def poll_answer(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = get_object_or_404(
        Poll.objects.select_related("event"), pk=poll_id, event__in=queries.visible_events(request.user)
    )
    event = poll.event
    back = reverse("event-live", args=[event.pk])
    try:
        option = int(request.POST.get("option") or 0)
    except ValueError:
        option = 0
    try:
        dialogue.poll_answer(person=request.user, poll=poll, option_id=option)
    except ValidationError as exc:
        return _answer(request, back, error=" ".join(exc.messages))
    return _answer(request, back, ok="Thank you: your answer is counted.", option=option)


@login_required
@require_safe
def moderate(request: HttpRequest, event_id: int) -> HttpResponse:
    """The moderator's phone page: approve (promote), merge, hide, mark answered; run the polls."""
    event = _moderated(request, event_id)
    context = {**_live_context(request, event, moderator=True), **_screen(request, event)}
    return render(request, "events/moderate.html", context)


def _screen(request: HttpRequest, event: Event) -> dict:
    """The rotating check-in code (QR and six digits) for the room screen, where the event offers credit;
    once the event is cancelled (and its activity with it), no code but a line that says so."""
    if event.activity_id is None:
        return {"screen": None}
    refresh = reverse("event-screen-code", args=[event.pk])
    return {"screen": screen_context(request, event.activity, timezone.now(), refresh_url=refresh)}


@login_required
@require_safe
def screen_code(request: HttpRequest, event_id: int) -> HttpResponse:
    """The code's fragment, swapped in every step by the moderator's page and the speaker's view."""
    event = _speaks_or_moderates(request, event_id)
    screen = _screen(request, event)["screen"]
    if screen is None:
        raise Http404("This event offers no credit, so it has no check-in code.")
    return render(request, "credits/_screen_code.html", {"activity": event.activity, **screen})


def _speaks_or_moderates(request: HttpRequest, event_id: int) -> Event:
    event = _event(request, event_id)
    own_talk = access.scoped(request.user, ORGANISERS, Speaker, own=True).filter(event=event).exists()
    if not (own_talk or dialogue.is_moderator(request.user, event)):
        raise Http404("There is no such event that you speak at or moderate.")
    return event


@login_required
@require_POST
def moderate_question(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("event"), pk=question_id)
    event = _moderated(request, question.event_id)
    back = reverse("event-moderate", args=[event.pk])
    action = request.POST.get("action", "")
    into = None
    if action == "merge":
        into = Question.objects.filter(event=event, pk=parse_id(request.POST.get("into")) or 0).first()
    try:
        dialogue.question_moderate(actor=request.user, question=question, action=action, into=into)
    except ValidationError as exc:
        return _answer(request, back, error=" ".join(exc.messages))
    done = {"approve": "Promoted to the speaker.", "hide": "Hidden.", "answered": "Marked answered.",
            "reopen": "Back in the queue.", "merge": "Merged."}  # fmt: skip
    return _answer(request, back, ok=done[action])


@login_required
@require_POST
def poll_new(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _moderated(request, event_id)
    back = reverse("event-moderate", args=[event.pk])
    try:
        dialogue.poll_create(
            actor=request.user,
            event=event,
            prompt=request.POST.get("prompt", ""),
            options=request.POST.get("options", "").splitlines(),
        )
    except ValidationError as exc:
        return _answer(request, back, error=" ".join(exc.messages))
    return _answer(request, back, ok="Poll ready: open it when the speaker asks.")


@login_required
@require_POST
def poll_status(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = get_object_or_404(Poll.objects.select_related("event"), pk=poll_id)
    event = _moderated(request, poll.event_id)
    back = reverse("event-moderate", args=[event.pk])
    status = request.POST.get("status", "")
    try:
        dialogue.poll_set_status(actor=request.user, poll=poll, status=status)
    except ValidationError as exc:
        return _answer(request, back, error=" ".join(exc.messages))
    return _answer(request, back, ok="Poll opened." if status == PollStatus.OPEN else "Poll closed.")


@login_required
@require_safe
def speaker(request: HttpRequest, event_id: int) -> HttpResponse:
    """The speaker's view: promoted questions, most votes first, the open poll's counts, the check-in code."""
    event = _speaks_or_moderates(request, event_id)
    return render(
        request,
        "events/speaker.html",
        {
            "event": event,
            "questions": queries.speaker_queue(event),
            "polls": _with_counts(
                [p for p in queries.polls_for(event, moderator=False) if p.status == PollStatus.OPEN]
            ),
            "after": queries.last_message_id(event),
            **_screen(request, event),
        },
    )
