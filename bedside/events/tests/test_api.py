from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bedside.events import dialogue, services
from bedside.events.models import Question
from bedside.events.services import Disclosed
from bedside.testing.api import api_url, bearer, ids

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_events_list_and_detail_with_disclosures(make_event, make_person, educator, client):
    event = make_event()
    services.speaker_add(
        actor=educator, event=event, name="Dr Ada Chen", disclosure="relationships",
        relationships=[Disclosed("Acme Pharma", "Consultant", "Peer review of the slides")],
    )  # fmt: skip
    headers = bearer(make_person())
    assert ids(client.get(api_url("events-list"), headers=headers)) == [event.pk]
    detail = client.get(api_url("events-detail", event_id=event.pk), headers=headers).json()
    assert detail["speakers"][0]["relationships"] == [
        {"company": "Acme Pharma", "nature": "Consultant", "mitigation": "Peer review of the slides"}
    ]
    assert detail["objectives"][0] == "Recognise sepsis early" and detail["questions_open"] is True


def test_outside_clinicians_see_only_public_events(make_event, make_person, client):
    private = make_event()
    public = make_event(public=True, title="Open rounds")
    headers = bearer(make_person(role=None))
    assert ids(client.get(api_url("events-list"), headers=headers)) == [public.pk]
    assert client.get(api_url("events-detail", event_id=private.pk), headers=headers).status_code == 404


def test_asking_and_voting_through_the_api(make_event, make_person, client):
    event = make_event()
    asker, voter = make_person(), make_person()
    answer = client.post(
        api_url("events-ask", event_id=event.pk), {"text": "Is qSOFA enough?"},
        content_type="application/json", headers=bearer(asker),
    )  # fmt: skip
    assert answer.status_code == 201 and answer.json()["author"] == asker.full_name
    bad = client.post(
        api_url("events-ask", event_id=event.pk), {"text": "?"}, content_type="application/json",
        headers=bearer(asker),
    )  # fmt: skip
    assert bad.status_code == 400 and "at least 5 characters" in bad.json()["detail"]
    assert Question.objects.count() == 1
    q = Question.objects.get()
    url = api_url("events-vote", question_id=q.pk)
    assert (
        client.post(url, {"up": True}, content_type="application/json", headers=bearer(voter)).json()["votes"]
        == 1
    )
    again = client.post(url, {"up": True}, content_type="application/json", headers=bearer(voter))
    assert again.status_code == 400 and "already" in again.json()["detail"]
    listed = client.get(api_url("events-questions-list", event_id=event.pk), headers=bearer(voter)).json()
    assert [row["votes"] for row in listed] == [1]


@pytest.mark.parametrize("body", ["false", "[]", "null", '"up"', "1"])
def test_a_vote_whose_body_is_not_an_object_is_refused_and_counts_nothing(
    make_event, make_person, client, body
):
    # A ninja schema read `false` as an object with no fields: every default, i.e. a vote.
    event = make_event()
    question = dialogue.question_ask(event=event, person=make_person(), text="Is qSOFA enough?")
    url = api_url("events-vote", question_id=question.pk)
    answer = client.post(url, body, content_type="application/json", headers=bearer(make_person()))
    assert answer.status_code == 422
    assert "must be a JSON object" in answer.json()["detail"][0]["msg"]
    assert not question.vote_rows.exists()


def test_a_question_holding_a_nul_character_is_refused_and_not_stored(make_event, make_person, client):
    # PostgreSQL cannot hold a NUL in text: the write answered 500 there.
    event = make_event()
    answer = client.post(
        api_url("events-ask", event_id=event.pk), {"text": "Is qSOFA\x00 enough?"},
        content_type="application/json", headers=bearer(make_person()),
    )  # fmt: skip
    assert answer.status_code == 422
    assert "'text' holds a NUL character" in answer.json()["detail"][0]["msg"]
    assert not Question.objects.exists()


def test_a_question_after_the_talk_is_refused(make_event, make_person, client):
    event = make_event(starts_at=NOW - dt.timedelta(hours=3))
    answer = client.post(
        api_url("events-ask", event_id=event.pk), {"text": "Too late to ask?"},
        content_type="application/json", headers=bearer(make_person()),
    )  # fmt: skip
    assert answer.status_code == 400 and "close 30 minutes after" in answer.json()["detail"]
