"""The ledger closes requirements: any completing record, whoever writes it; corrections move or reopen."""

import datetime as dt

import pytest
import time_machine

from bedside.assignments.models import Assignment, ClosedReason
from bedside.assignments.services import close_requirements, rule_apply
from bedside.audit.models import AuditEntry
from bedside.records.hooks import records_added
from bedside.records.models import Record, SourceKind, Verb
from bedside.records.services import record_add, record_correct
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def test_a_record_from_an_integration_closes_the_open_requirement(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[icu]))

    record = record_add(
        person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=None, source_kind=SourceKind.INTEGRATION
    )

    a = Assignment.objects.get()
    assert a.closed_reason == ClosedReason.COMPLETED and a.record_id == record.pk and a.closed_at == record.at
    assert AuditEntry.objects.filter(action="assignment.complete", target_id=str(a.pk)).count() == 1


def test_a_record_that_does_not_complete_the_item_leaves_the_requirement_open(
    make_person, make_attestation, make_rule, make_kind
):
    from bedside.records.models import LearningItem

    make_kind("fake_drill", verbs={Verb.PASSED, Verb.FAILED}, completing={Verb.PASSED})
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    drill = LearningItem.objects.create(kind="fake_drill", title="Mock code")
    policy = make_attestation().item
    rule_apply(rule=make_rule(item=drill, units=[icu]))
    rule_apply(rule=make_rule(item=policy, units=[icu]))
    record_add(person=nurse, item=drill, verb=Verb.FAILED, by=nurse)
    record_add(
        person=nurse,
        item=policy,
        verb=Verb.ACKNOWLEDGED,
        by=None,
        valid_until=dt.datetime(2001, 1, 1, tzinfo=dt.UTC),  # an expired certificate from the history
    )
    assert set(Assignment.objects.values_list("closed_at", flat=True)) == {None}


def test_a_batch_of_imported_records_closes_each_requirement_in_a_few_queries(
    make_person, make_attestation, make_rule, django_assert_max_num_queries
):
    icu = f.UnitFactory()
    nurses = [make_person(unit=icu) for _ in range(12)]
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[icu]))
    records = [
        Record.objects.create(
            person=n, item=item, verb=Verb.ACKNOWLEDGED, at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
            source_kind=SourceKind.IMPORT,
        )
        for n in nurses
    ]  # fmt: skip
    with django_assert_max_num_queries(8):
        records_added(records=records)
    assert set(Assignment.objects.values_list("closed_reason", flat=True)) == {ClosedReason.COMPLETED}
    assert AuditEntry.objects.filter(action="assignment.complete").count() == 12


def test_a_second_completion_does_not_close_twice(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[icu]))
    first = record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    assert Assignment.objects.get().record_id == first.pk
    assert AuditEntry.objects.filter(action="assignment.complete").count() == 1


def test_closing_never_overwrites_a_completion_that_got_there_first(make_person, make_attestation, make_rule):
    from bedside.assignments.requirements import _step_back

    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[icu]))
    a = Assignment.objects.get()
    record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    now = dt.datetime.now(dt.UTC)

    # A supersede or a withdrawal that read the row as open just before the completion committed:
    _step_back([a.pk], [(a.pk, a.cycle)], None, now)
    assert close_requirements([a.pk], ClosedReason.NO_LONGER_REQUIRED, None, now) == 0

    a.refresh_from_db()
    assert a.closed_reason == ClosedReason.COMPLETED and a.record_id is not None
    assert not AuditEntry.objects.filter(action__startswith="assignment.close.").exists()


def test_correcting_valid_until_moves_the_coverage_and_the_renewal_due_date(
    make_person, make_attestation, make_rule
):
    icu = f.UnitFactory()
    nurse, educator = make_person(unit=icu), make_person(role=None, grants=[("teach", icu)])
    item = make_attestation().item
    rule = make_rule(
        item=item, units=[icu], recurrence="interval", interval_months=12, renewal_window_days=60
    )
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        rule_apply(rule=rule)
        record = record_add(
            person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=None,
            valid_until=dt.datetime(2027, 1, 10, tzinfo=dt.UTC),
        )  # fmt: skip
    assert Assignment.objects.get().covered_until == dt.datetime(2027, 1, 10, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False):
        assert rule_apply(rule=rule) == 1
        renewal = Assignment.objects.get(cycle_number=2)
        assert renewal.due_at == dt.datetime(2027, 1, 10, tzinfo=dt.UTC)
        # The certificate really runs to June: the requirement is covered, the renewal due then.
        june = dt.datetime(2027, 6, 30, tzinfo=dt.UTC)
        record_correct(record=record, by=educator, reason="Certificate runs to June", valid_until=june)

    first = Assignment.objects.get(cycle_number=1)
    renewal.refresh_from_db()
    assert first.covered_until == june and first.record_id != record.pk
    assert renewal.due_at == june and renewal.covered_until == june
    assert renewal.overdue_at - renewal.due_at == dt.timedelta(days=rule.grace_days)


def test_voiding_the_completion_reopens_the_requirement_without_its_coverage(
    make_person, make_attestation, make_rule
):
    icu = f.UnitFactory()
    nurse, educator = make_person(unit=icu), make_person(role=None, grants=[("teach", icu)])
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[icu], recurrence="interval", interval_months=12))
    record = record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    assert Assignment.objects.get().covered_until is not None
    record_correct(record=record, by=educator, reason="Attested for someone else", void=True)
    a = Assignment.objects.get()
    assert a.closed_at is None and a.record_id is None and a.covered_until is None
