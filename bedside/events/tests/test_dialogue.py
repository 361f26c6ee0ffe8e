from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bedside.events import dialogue
from bedside.events.models import LiveMessage, PollAnswer, Question, QuestionStatus, Vote

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_asking_logs_the_question_for_every_viewer(make_event, make_person):
    event = make_event()
    q = dialogue.question_ask(person=make_person(), event=event, text="  How early   is early? ", now=NOW)
    assert q.text == "How early is early?"
    message = LiveMessage.objects.get(event=event)
    assert message.kind == "question" and not message.moderators
    assert message.payload["id"] == q.pk and message.payload["votes"] == 0


def test_questions_are_refused_outside_the_window(make_event, make_person):
    event = make_event(starts_at=NOW + dt.timedelta(hours=2))
    with pytest.raises(ValidationError, match="open 30 minutes before"):
        dialogue.question_ask(person=make_person(), event=event, text="Too early?", now=NOW)
    assert not Question.objects.exists() and not LiveMessage.objects.exists()


def test_a_premoderated_question_goes_to_moderators_until_approved(make_event, make_person, educator):
    event = make_event(premoderated=True)
    q = dialogue.question_ask(person=make_person(), event=event, text="Is lactate needed?", now=NOW)
    assert LiveMessage.objects.get().moderators is True
    with pytest.raises(ValidationError, match="waiting for a moderator"):
        dialogue.question_vote(person=make_person(), question=q, now=NOW)
    dialogue.question_moderate(actor=educator, question=q, action="approve", now=NOW)
    last = LiveMessage.objects.latest("pk")
    assert last.moderators is False and last.payload["status"] == "approved"


def test_one_vote_per_person_and_none_for_ones_own(make_event, make_person):
    event = make_event()
    author, voter = make_person(), make_person()
    q = dialogue.question_ask(person=author, event=event, text="Which fluid first?", now=NOW)
    dialogue.question_vote(person=voter, question=q, now=NOW)
    with pytest.raises(ValidationError, match="voted for this question already"):
        dialogue.question_vote(person=voter, question=q, now=NOW)
    with pytest.raises(ValidationError, match="your own question"):
        dialogue.question_vote(person=author, question=q, now=NOW)
    q.refresh_from_db()
    assert q.votes == 1 and q.rev == 2
    dialogue.question_vote(person=voter, question=q, up=False, now=NOW)
    q.refresh_from_db()
    assert q.votes == 0 and not Vote.objects.exists()


def test_only_moderators_and_organisers_moderate(make_event, make_person, educator):
    event = make_event()
    asker, moderator = make_person(), make_person()
    q = dialogue.question_ask(person=asker, event=event, text="When to escalate?", now=NOW)
    with pytest.raises(PermissionDenied):
        dialogue.question_moderate(actor=moderator, question=q, action="hide", now=NOW)
    event.moderators.add(moderator)
    dialogue.question_moderate(actor=moderator, question=q, action="hide", now=NOW)
    q.refresh_from_db()
    assert q.status == QuestionStatus.HIDDEN


def test_merging_carries_the_votes_once(make_event, make_person, educator):
    event = make_event()
    a, b, fan1, fan2 = (make_person() for _ in range(4))
    first = dialogue.question_ask(person=a, event=event, text="Steroids in septic shock?", now=NOW)
    second = dialogue.question_ask(person=b, event=event, text="Hydrocortisone for shock?", now=NOW)
    for fan in (fan1, fan2):
        dialogue.question_vote(person=fan, question=second, now=NOW)
    dialogue.question_vote(person=fan1, question=first, now=NOW)
    dialogue.question_moderate(actor=educator, question=second, action="merge", into=first, now=NOW)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == QuestionStatus.MERGED and second.merged_into == first
    assert first.votes == 2  # fan1 once, fan2 carried over
    with pytest.raises(ValidationError, match="merged into another"):
        dialogue.question_moderate(actor=educator, question=second, action="approve", now=NOW)


def test_a_poll_counts_one_answer_each(make_event, make_person, educator):
    event = make_event()
    with pytest.raises(ValidationError, match="between 2 and 6"):
        dialogue.poll_create(actor=educator, event=event, prompt="Start now?", options=["Yes"])
    poll = dialogue.poll_create(actor=educator, event=event, prompt="Start now?", options=["Yes", "No", ""])
    voter = make_person()
    yes = poll.options.get(text="Yes")
    with pytest.raises(ValidationError, match="not open"):
        dialogue.poll_answer(person=voter, poll=poll, option_id=yes.pk, now=NOW)
    dialogue.poll_set_status(actor=educator, poll=poll, status="open", now=NOW)
    dialogue.poll_answer(person=voter, poll=poll, option_id=yes.pk, now=NOW)
    with pytest.raises(ValidationError, match="answered this poll already"):
        dialogue.poll_answer(person=voter, poll=poll, option_id=yes.pk, now=NOW)
    assert PollAnswer.objects.count() == 1
    payload = LiveMessage.objects.latest("pk").payload
    assert payload["total"] == 1 and payload["options"][0] == {
        "id": yes.pk,
        "text": "Yes",
        "count": 1,
        "share": 100,
    }
