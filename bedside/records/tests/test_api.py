"""GET /api/v1/records: the current ledger, within the caller's grants."""

import datetime as dt

import pytest

from bedside.records.models import Verb
from bedside.records.services import record_add, record_correct
from bedside.testing import factories as f
from bedside.testing.api import api_url, bearer

pytestmark = pytest.mark.django_db

MARCH = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)


@pytest.fixture
def ledger(make_person, make_kind):
    make_kind("course", verbs={Verb.COMPLETED, Verb.FAILED}, completing={Verb.COMPLETED})
    unit = f.UnitFactory()
    nurse = make_person(unit=unit)
    colleague = make_person(unit=unit)
    outsider = make_person(unit=f.UnitFactory())
    policy = f.LearningItemFactory()
    course = f.LearningItemFactory(kind="course")
    return {
        "nurse": nurse,
        "colleague": colleague,
        "outsider": outsider,
        "teacher": make_person(unit=unit, role="CNE", grants=[("teach", unit)]),
        "policy": policy,
        "course": course,
        "nurse_ack": record_add(person=nurse, item=policy, verb=Verb.ACKNOWLEDGED, by=nurse, at=MARCH),
        "nurse_course": record_add(
            person=nurse, item=course, verb=Verb.COMPLETED, by=nurse, at=MARCH + dt.timedelta(days=5)
        ),
        "colleague_ack": record_add(
            person=colleague, item=policy, verb=Verb.ACKNOWLEDGED, by=colleague, at=MARCH
        ),
        "outsider_ack": record_add(
            person=outsider, item=policy, verb=Verb.ACKNOWLEDGED, by=outsider, at=MARCH
        ),
    }


def found(client, viewer, **params) -> set[str]:
    response = client.get(api_url("records-list"), params, headers=bearer(viewer))
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def ids(*records) -> set[str]:
    return {str(r.pk) for r in records}


def test_learner_sees_only_their_own_records(client, ledger):
    assert found(client, ledger["nurse"]) == ids(ledger["nurse_ack"], ledger["nurse_course"])
    assert found(client, ledger["nurse"], person=ledger["colleague"].pk) == set()


def test_teacher_sees_their_unit_not_others(client, ledger):
    assert found(client, ledger["teacher"]) == ids(
        ledger["nurse_ack"], ledger["nurse_course"], ledger["colleague_ack"]
    )
    assert found(client, ledger["teacher"], person=ledger["outsider"].pk) == set()


def test_filters_by_person_item_verb_and_since(client, ledger):
    teacher = ledger["teacher"]
    assert found(client, teacher, person=ledger["colleague"].pk) == ids(ledger["colleague_ack"])
    assert found(client, teacher, item=ledger["course"].pk) == ids(ledger["nurse_course"])
    assert found(client, teacher, verb="completed") == ids(ledger["nurse_course"])
    assert found(client, teacher, since="2026-03-05T00:00:00Z") == ids(ledger["nurse_course"])
    assert found(client, teacher, since="2026-03-05") == ids(ledger["nurse_course"])


def test_superseded_records_are_left_out_and_newest_comes_first(client, ledger):
    corrected = record_correct(
        record=ledger["nurse_ack"], by=ledger["teacher"], reason="Wrong date", at=MARCH - dt.timedelta(days=1)
    )
    response = client.get(api_url("records-list"), headers=bearer(ledger["nurse"]))
    assert [row["id"] for row in response.json()["items"]] == [
        str(ledger["nurse_course"].pk),
        str(corrected.pk),
    ]
    assert response.json()["items"][0]["item"]["kind"] == "course"


@pytest.mark.parametrize(
    "params", [{"verb": "liked"}, {"since": "last week"}, {"item": "x"}, {"page": "two"}]
)
def test_bad_filters_are_422(client, ledger, params):
    response = client.get(api_url("records-list"), params, headers=bearer(ledger["teacher"]))
    assert response.status_code == 422


def test_a_date_beyond_the_calendar_is_a_4xx_not_a_500(client, ledger):
    response = client.get(
        api_url("records-list"), {"since": "0001-01-01T00:00:00+05:00"}, headers=bearer(ledger["teacher"])
    )
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_list_does_not_grow_a_query_per_row(client, ledger, make_person, django_assert_max_num_queries):
    unit = ledger["nurse"].jobs.get().unit
    for _ in range(20):
        person = make_person(unit=unit)
        record_add(person=person, item=ledger["policy"], verb=Verb.ACKNOWLEDGED, by=person)
    headers = bearer(ledger["teacher"])
    with django_assert_max_num_queries(5):
        response = client.get(api_url("records-list"), {"page_size": 200}, headers=headers)
    assert response.json()["count"] == 23
