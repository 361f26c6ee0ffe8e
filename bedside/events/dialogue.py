"""The live dialogue: questions, votes, moderation and polls. Every change is logged for the viewers
(`live.bus.record`) in the same transaction, and reaches every server's viewers after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from bedside.audit.services import audit
from bedside.events.live.bus import record
from bedside.events.models import (
    Event,
    Poll,
    PollAnswer,
    PollOption,
    PollStatus,
    Question,
    QuestionStatus,
    Vote,
)
from bedside.events.scopes import ORGANISERS
from bedside.people import access
from bedside.people.models import Person

QUESTION_MAX = 500
MODERATE_ACTIONS = ("approve", "hide", "answered", "reopen", "merge")


def is_moderator(person: Person, event: Event) -> bool:
    """The event's moderators, and its organisers (educators and CME office over its department)."""
    return access.can(person, ORGANISERS, event, own=True)


def question_payload(q: Question) -> dict:
    return {
        "id": q.pk,
        "text": q.text,
        "author": "Anonymous" if q.anonymous else q.author.full_name,
        "votes": q.votes,
        "status": q.status,
        "status_label": q.get_status_display(),
        "merged_into": q.merged_into_id,
        "rev": q.rev,
        "at": q.created_at.isoformat(),
    }


def poll_payload(poll: Poll) -> dict:
    counts = dict(
        PollAnswer.objects.filter(poll=poll)
        .values_list("option_id")
        .annotate(n=Count("pk"))
        .values_list("option_id", "n")
    )
    total = sum(counts.values())
    return {
        "id": poll.pk,
        "prompt": poll.prompt,
        "status": poll.status,
        "rev": poll.rev,
        "total": total,
        "options": [
            {
                "id": o.pk,
                "text": o.text,
                "count": counts.get(o.pk, 0),
                "share": round(100 * counts.get(o.pk, 0) / total) if total else 0,
            }
            for o in poll.options.all()
        ],
    }


def _publish_question(q: Question) -> None:
    # A question awaiting approval at a premoderated event goes to moderators only.
    private = q.status == QuestionStatus.OPEN and q.event.premoderated
    record(event_id=q.event_id, kind="question", payload=question_payload(q), moderators=private)


def _require_open(event: Event, now: dt.datetime) -> None:
    if event.cancelled_at:
        raise ValidationError("This event is cancelled.")
    if not event.dialogue_open(now):
        raise ValidationError(
            "Questions and polls open 30 minutes before the talk and close 30 minutes after it."
        )


@transaction.atomic
def question_ask(
    *, person: Person, event: Event, text: str, anonymous: bool = False, now: dt.datetime | None = None
) -> Question:
    """A question from an attendee; at a premoderated event only moderators see it until approved."""
    now = now or timezone.now()
    _require_open(event, now)
    text = " ".join(text.split())
    if len(text) < 5:
        raise ValidationError("Write your question (at least 5 characters).")
    if len(text) > QUESTION_MAX:
        raise ValidationError(f"Keep your question to {QUESTION_MAX} characters (it has {len(text)}).")
    if Question.objects.filter(event=event, author=person, text__iexact=text).exists():
        raise ValidationError("You have asked this question already.")
    q = Question.objects.create(event=event, author=person, text=text, anonymous=anonymous, created_at=now)
    q.event = event
    _publish_question(q)
    audit(actor=person, action="events.question.ask", target=q, changes={"event": event.pk})
    return q


@transaction.atomic
def question_vote(
    *, person: Person, question: Question, up: bool = True, now: dt.datetime | None = None
) -> Question:
    """Add (or take back) the person's vote; one vote per person and question."""
    now = now or timezone.now()
    event = question.event
    _require_open(event, now)
    if question.status not in (QuestionStatus.OPEN, QuestionStatus.APPROVED):
        raise ValidationError("Votes are for questions still waiting for an answer.")
    if question.status == QuestionStatus.OPEN and event.premoderated:
        raise ValidationError("This question is waiting for a moderator.")
    if question.author_id == person.pk:
        raise ValidationError("You cannot vote for your own question.")
    if up:
        try:
            with transaction.atomic():
                Vote.objects.create(question=question, person=person, at=now)
        except IntegrityError:
            raise ValidationError("You have voted for this question already.") from None
        delta = 1
    else:
        gone, _ = Vote.objects.filter(question=question, person=person).delete()
        if not gone:
            raise ValidationError("You have not voted for this question.")
        delta = -1
    Question.objects.filter(pk=question.pk).update(votes=F("votes") + delta, rev=F("rev") + 1)
    question.refresh_from_db()
    question.event = event
    _publish_question(question)
    return question


@transaction.atomic
def question_moderate(
    *,
    actor: Person | None,
    question: Question,
    action: str,
    into: Question | None = None,
    now: dt.datetime | None = None,
) -> Question:
    """approve (promote it to the speaker), hide, answered, reopen, or merge into another question
    (the votes carry over, each person's once)."""
    now = now or timezone.now()
    event = question.event
    if actor is not None and not is_moderator(actor, event):
        raise PermissionDenied("Only the event's moderators can moderate its questions.")
    if action not in MODERATE_ACTIONS:
        raise ValidationError("Choose approve, hide, answered, reopen or merge.")
    if question.status == QuestionStatus.MERGED:
        raise ValidationError("This question was merged into another; moderate that one.")
    changed = [question]
    if action == "approve":
        question.status, question.approved_at = QuestionStatus.APPROVED, now
    elif action == "hide":
        question.status = QuestionStatus.HIDDEN
    elif action == "answered":
        question.status, question.answered_at = QuestionStatus.ANSWERED, now
    elif action == "reopen":
        question.status = QuestionStatus.APPROVED if question.approved_at else QuestionStatus.OPEN
        question.answered_at = None
    else:
        if into is None or into.event_id != event.pk:
            raise ValidationError("Choose a question of this event to merge into.")
        if into.pk == question.pk:
            raise ValidationError("A question cannot be merged into itself.")
        if into.status in (QuestionStatus.MERGED, QuestionStatus.HIDDEN):
            raise ValidationError("Merge into a question that is still shown.")
        voters = set(Vote.objects.filter(question=into).values_list("person_id", flat=True))
        moving = Vote.objects.filter(question=question).exclude(person_id__in=voters | {into.author_id})
        moved = moving.update(question=into)
        Vote.objects.filter(question=question).delete()
        into.votes = Vote.objects.filter(question=into).count()
        into.rev += 1
        into.save(update_fields=["votes", "rev"])
        question.status, question.merged_into, question.votes = QuestionStatus.MERGED, into, 0
        changed.append(into)
        audit(
            actor=actor,
            action="events.question.merge",
            target=question,
            changes={"into": into.pk, "votes": moved},
        )
    question.rev += 1
    question.save()
    for q in changed:
        q.event = event
        _publish_question(q)
    audit(actor=actor, action=f"events.question.{action}", target=question)
    return question


@transaction.atomic
def poll_create(*, actor: Person | None, event: Event, prompt: str, options: Sequence[str]) -> Poll:
    if actor is not None and not is_moderator(actor, event):
        raise PermissionDenied("Only the event's moderators can set polls.")
    prompt = " ".join(prompt.split())
    choices = [" ".join(o.split()) for o in options if o.strip()]
    problems = []
    if not prompt:
        problems.append("Write the poll's question.")
    if not 2 <= len(choices) <= 6:
        problems.append("Give between 2 and 6 answers, one per line.")
    if len(set(c.lower() for c in choices)) != len(choices):
        problems.append("Each answer must be different.")
    if any(len(c) > 200 for c in choices) or len(prompt) > 300:
        problems.append("Keep the question to 300 characters and each answer to 200.")
    if problems:
        raise ValidationError(problems)
    poll = Poll.objects.create(event=event, prompt=prompt)
    PollOption.objects.bulk_create(PollOption(poll=poll, text=c, order=i) for i, c in enumerate(choices))
    record(event_id=event.pk, kind="poll", payload=poll_payload(poll), moderators=True)
    audit(actor=actor, action="events.poll.create", target=poll)
    return poll


@transaction.atomic
def poll_set_status(*, actor: Person | None, poll: Poll, status: str, now: dt.datetime | None = None) -> Poll:
    """Open a poll (everyone may answer) or close it (the counts stay shown)."""
    now = now or timezone.now()
    if actor is not None and not is_moderator(actor, poll.event):
        raise PermissionDenied("Only the event's moderators can open and close polls.")
    if status == PollStatus.OPEN:
        _require_open(poll.event, now)
        if poll.status != PollStatus.DRAFT:
            raise ValidationError("Only a poll not yet opened can be opened.")
    elif status == PollStatus.CLOSED:
        if poll.status != PollStatus.OPEN:
            raise ValidationError("Only an open poll can be closed.")
    else:
        raise ValidationError("Choose to open or close the poll.")
    Poll.objects.filter(pk=poll.pk).update(status=status, rev=F("rev") + 1)
    poll.refresh_from_db()
    record(event_id=poll.event_id, kind="poll", payload=poll_payload(poll))
    audit(actor=actor, action=f"events.poll.{status}", target=poll)
    return poll


@transaction.atomic
def poll_answer(*, person: Person, poll: Poll, option_id: int, now: dt.datetime | None = None) -> PollAnswer:
    now = now or timezone.now()
    if poll.status != PollStatus.OPEN:
        raise ValidationError("This poll is not open.")
    _require_open(poll.event, now)
    option = poll.options.filter(pk=option_id).first()
    if option is None:
        raise ValidationError("Choose one of the poll's answers.")
    try:
        with transaction.atomic():
            answer = PollAnswer.objects.create(poll=poll, option=option, person=person, at=now)
    except IntegrityError:
        raise ValidationError("You have answered this poll already.") from None
    Poll.objects.filter(pk=poll.pk).update(rev=F("rev") + 1)
    poll.refresh_from_db()
    record(event_id=poll.event_id, kind="poll", payload=poll_payload(poll))
    return answer


@transaction.atomic
def dialogue_close(*, actor: Person | None, event: Event, now: dt.datetime | None = None) -> Event:
    if actor is not None and not is_moderator(actor, event):
        raise PermissionDenied("Only the event's moderators can close its questions.")
    event.dialogue_closed_at = now or timezone.now()
    event.save(update_fields=["dialogue_closed_at"])
    record(event_id=event.pk, kind="closed", payload={"closed": True})
    audit(actor=actor, action="events.dialogue.close", target=event)
    return event
