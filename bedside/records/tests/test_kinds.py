"""The item-kind contract: verbs per kind, the person's status, opening an item for a person."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bedside.audit.models import AuditEntry
from bedside.records.kinds import ItemKind, ItemStatus, Progress, item_status, open_url
from bedside.records.models import ItemVersion, LearningItem, Record, Verb
from bedside.records.services import record_add, record_correct
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db

MAY = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)


@pytest.fixture
def skill(make_kind):
    make_kind(
        "skill",
        verbs={Verb.ATTENDED, Verb.VALIDATED, Verb.FAILED, "practised"},
        completing={Verb.VALIDATED},
        any_version_satisfies=False,
    )
    return LearningItem.objects.create(kind="skill", title="Central line dressing change")


def test_a_verb_the_kind_does_not_take_is_refused_with_its_verbs_named(make_person, skill):
    nurse = make_person()
    with pytest.raises(ValidationError, match="do not take the verb 'acknowledged'.*attended, failed"):
        record_add(person=nurse, item=skill, verb=Verb.ACKNOWLEDGED, by=nurse)
    with pytest.raises(ValidationError, match="'voided'"):
        record_add(person=nurse, item=skill, verb=Verb.VOIDED, by=nurse)
    assert not Record.objects.exists() and not AuditEntry.objects.filter(action="record.add").exists()


def test_a_kind_may_take_a_verb_of_its_own(make_person, skill):
    nurse = make_person()
    record = record_add(person=nurse, item=skill, verb="practised", by=nurse, at=MAY)
    assert Record.objects.get(pk=record.pk).verb == "practised"


def test_a_correction_to_a_verb_the_kind_does_not_take_is_refused(make_person, skill):
    nurse, admin = make_person(), make_person(role=None, grants=[("administer", None)])
    record = record_add(person=nurse, item=skill, verb=Verb.ATTENDED, by=nurse, at=MAY)
    with pytest.raises(ValidationError, match="do not take the verb 'passed'"):
        record_correct(record=record, by=admin, reason="Typed the wrong verb", verb=Verb.PASSED)
    assert Record.objects.count() == 1


def test_an_item_of_an_unregistered_kind_takes_no_record(make_person):
    nurse = make_person()
    orphan = f.LearningItemFactory(kind="retired_app")
    with pytest.raises(ValidationError, match="'retired_app'.*not registered"):
        record_add(person=nurse, item=orphan, verb=Verb.COMPLETED, by=nurse)
    assert not Record.objects.exists()


def test_a_kind_must_complete_with_verbs_it_takes():
    with pytest.raises(ValueError, match="completing verbs"):
        ItemKind(
            kind="course",
            label="Course",
            open_url=lambda item, person: "/",
            verbs=frozenset({Verb.ATTENDED}),
            completing_verbs=frozenset({Verb.COMPLETED}),
        )
    with pytest.raises(ValueError, match="cannot be verbs"):
        ItemKind(
            kind="course",
            label="Course",
            open_url=lambda item, person: "/",
            verbs=frozenset({"Completed it!"}),
            completing_verbs=frozenset({"Completed it!"}),
        )


def test_status_follows_the_ledger_from_not_started_to_done_to_expired(make_person, skill):
    nurse, other = make_person(), make_person()
    version = ItemVersion.objects.create(item=skill, label="1")
    assert item_status(skill, nurse, now=MAY) == ItemStatus(Progress.NOT_STARTED)

    record_add(person=nurse, item=skill, verb=Verb.FAILED, by=nurse, at=MAY)
    assert item_status(skill, nurse, now=MAY) == ItemStatus(Progress.IN_PROGRESS, at=MAY, detail="Failed")

    valid_until = MAY + dt.timedelta(days=365)
    done_at = MAY + dt.timedelta(days=1)
    record_add(
        person=nurse,
        item=skill,
        verb=Verb.VALIDATED,
        by=nurse,
        at=done_at,
        version=version,
        valid_until=valid_until,
    )
    assert item_status(skill, nurse, now=done_at).progress == Progress.DONE
    assert item_status(skill, nurse, now=valid_until) == ItemStatus(Progress.EXPIRED, at=valid_until)
    assert item_status(skill, other, now=done_at).progress == Progress.NOT_STARTED


def test_status_counts_only_the_latest_version_when_the_kind_pins_versions(make_person, skill):
    nurse = make_person()
    old = ItemVersion.objects.create(item=skill, label="1", published_at=MAY - dt.timedelta(days=30))
    ItemVersion.objects.create(item=skill, label="2", published_at=MAY - dt.timedelta(days=1))
    record_add(person=nurse, item=skill, verb=Verb.VALIDATED, by=nurse, at=MAY, version=old)
    assert item_status(skill, nurse, now=MAY).progress == Progress.IN_PROGRESS


def test_a_kind_may_tell_its_own_status_and_opens_the_item_for_the_person(make_person, make_kind):
    due = MAY + dt.timedelta(days=3)
    make_kind(
        "session",
        verbs={Verb.ATTENDED},
        open_url=lambda item, person: f"/sessions/{item.pk}/book/{person.pk}/",
        status=lambda item, person, now: ItemStatus(Progress.IN_PROGRESS, due=due, detail="Booked"),
    )
    nurse = make_person()
    item = LearningItem.objects.create(kind="session", title="Sepsis simulation")
    assert item_status(item, nurse, now=MAY) == ItemStatus(Progress.IN_PROGRESS, due=due, detail="Booked")
    assert open_url(item, nurse) == f"/sessions/{item.pk}/book/{nurse.pk}/"


def test_records_show_their_verb_for_people_whether_shared_or_a_kinds_own(make_person, skill):
    nurse = make_person()
    shared = record_add(person=nurse, item=skill, verb=Verb.VALIDATED, by=nurse, at=MAY)
    own = record_add(person=nurse, item=skill, verb="practised", by=nurse, at=MAY)
    assert (shared.verb_label, shared.get_verb_display()) == ("Validated", "Validated")
    assert (own.verb_label, own.get_verb_display()) == ("Practised", "Practised")
