import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from bedside.assignments.cycles import Cycle
from bedside.assignments.models import Assignment, ClosedReason
from bedside.assignments.services import assignments_create, roster_reapply, rule_apply
from bedside.audit.models import AuditEntry
from bedside.people.models import Job, PersonStatus
from bedside.records.models import Record, Verb
from bedside.records.services import record_add
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def test_rule_apply_creates_one_requirement_per_member_and_is_idempotent(
    make_person, make_attestation, make_rule
):
    icu = f.UnitFactory()
    nurses = [make_person(unit=icu) for _ in range(3)]
    make_person(unit=f.UnitFactory())  # another unit: not in the audience
    item = make_attestation().item
    rule = make_rule(item=item, units=[icu])

    assert rule_apply(rule=rule) == 3
    assert rule_apply(rule=rule) == 0
    assert sorted(Assignment.objects.values_list("person_id", flat=True)) == sorted(p.pk for p in nurses)
    # One rule run, one audit line: the second application created nothing and wrote nothing.
    assert list(
        AuditEntry.objects.filter(action="rule.apply").values_list("changes__created", flat=True)
    ) == [3]


def test_two_rules_for_the_same_item_make_one_requirement(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    make_person(unit=icu, role="RN")
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[icu]))
    rule_apply(rule=make_rule(item=item, roles=["RN"]))
    assert Assignment.objects.count() == 1


def test_completion_closes_the_requirement_and_writes_the_ledger(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[icu]))

    record = record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    again = record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)

    a = Assignment.objects.get()
    assert a.closed_reason == ClosedReason.COMPLETED and a.record_id == record.pk
    assert Record.objects.filter(person=nurse).count() == 2
    assert again.pk != record.pk
    assert AuditEntry.objects.filter(action="assignment.complete").count() == 1


def test_interval_renewal_inside_window_does_not_shorten_next_cycle(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    rule = make_rule(
        item=item, units=[icu], recurrence="interval", interval_months=12, renewal_window_days=60
    )
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        rule_apply(rule=rule)
        first = Assignment.objects.get()
        record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    expiry = Assignment.objects.get().covered_until
    assert expiry.date() == (first.due_at.date().replace(year=2027))
    # 30 days before expiry the renewal opens, still covered by the last completion.
    with time_machine.travel(expiry - dt.timedelta(days=30), tick=False):
        assert rule_apply(rule=rule) == 1
        renewal = Assignment.objects.get(cycle_number=2)
        assert renewal.covered_until == expiry
        assert not Assignment.objects.get(cycle_number=1).current
        record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    assert Assignment.objects.get(cycle_number=2).covered_until.date() == expiry.date().replace(year=2028)


def test_interval_completion_after_due_counts_from_completion(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    rule = make_rule(item=item, units=[icu], recurrence="interval", interval_months=12, due_days=10)
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        rule_apply(rule=rule)
    with time_machine.travel(dt.datetime(2026, 4, 20, 12, tzinfo=dt.UTC), tick=False):
        record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    assert Assignment.objects.get().covered_until.date() == dt.date(2027, 4, 20)


def test_calendar_window_creates_one_cycle_per_year(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    rule = make_rule(
        item=item,
        units=[icu],
        recurrence="window",
        window_start_month=1,
        window_start_day=1,
        window_end_month=3,
        window_end_day=31,
    )
    with time_machine.travel(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC), tick=False):
        rule_apply(rule=rule)
        a = Assignment.objects.get()
        assert a.cycle == Cycle.window(2026) and a.cycle_year == 2026
        assert timezone.localtime(a.due_at, timezone=dt.timezone(dt.timedelta(hours=-4))).date() == dt.date(
            2026, 3, 31
        )
        record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC), tick=False):
        assert rule_apply(rule=rule) == 0
    with time_machine.travel(dt.datetime(2027, 1, 2, 12, tzinfo=dt.UTC), tick=False):
        assert rule_apply(rule=rule) == 1
    assert list(Assignment.objects.order_by("cycle_year").values_list("cycle_year", "current")) == [
        (2026, False),
        (2027, True),
    ]


def test_transfer_closes_what_the_new_unit_does_not_require_and_creates_its_own(
    make_person, make_attestation, make_rule
):
    icu, floor = f.UnitFactory(), f.UnitFactory(kind="med_surg")
    nurse = make_person(unit=icu)
    icu_item, floor_item = make_attestation("ICU sedation").item, make_attestation("Falls").item
    rule_apply(rule=make_rule(item=icu_item, units=[icu]))
    make_rule(item=floor_item, units=[floor])

    job = Job.objects.get(person=nurse)
    Job.objects.filter(pk=job.pk).update(
        end_date=timezone.localdate() - dt.timedelta(days=1), start_date="2020-01-01"
    )
    f.JobFactory(person=nurse, unit=floor, job_role=job.job_role, start_date=timezone.localdate())
    result = roster_reapply(person_ids=[nurse.pk])

    assert result == {"created": 1, "closed_no_longer_required": 1, "closed_terminated": 0}
    assert Assignment.objects.get(item=icu_item).closed_reason == ClosedReason.NO_LONGER_REQUIRED
    assert Assignment.objects.get(item=floor_item).closed_at is None


def test_termination_closes_open_requirements(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[icu]))
    type(nurse).objects.filter(pk=nurse.pk).update(status=PersonStatus.TERMINATED)
    roster_reapply(person_ids=[nurse.pk])
    assert Assignment.objects.get().closed_reason == ClosedReason.TERMINATED


def test_new_hire_gets_assignment_due_from_hire_date(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    item = make_attestation().item
    make_rule(item=item, units=[icu], due_from="hire", due_days=30)
    hire = timezone.localdate()
    nurse = make_person(unit=icu, hire_date=hire)
    roster_reapply(person_ids=[nurse.pk])
    a = Assignment.objects.get()
    assert (a.due_at.astimezone(dt.timezone(dt.timedelta(hours=-5))).date() - hire).days == 30


def test_assignments_create_is_idempotent_per_campaign(make_person, make_attestation):
    icu = f.UnitFactory()
    nurses = [make_person(unit=icu) for _ in range(2)]
    audience = f.AudienceFactory(units=[icu])
    item = make_attestation().item
    due = timezone.localdate() + dt.timedelta(days=3)
    launch = dict(
        audience=audience, item=item, due=due, cycle=Cycle.campaign("c1"), source="campaign", source_ref="c1"
    )
    assert assignments_create(**launch).created == 2
    again = assignments_create(**launch)
    assert (again.created, again.already_required) == (0, 2)
    a = Assignment.objects.filter(person=nurses[0]).get()
    assert a.source_kind == "campaign" and a.cycle == Cycle.campaign("c1")


def test_a_person_transferred_back_is_required_again(make_person, make_attestation, make_rule):
    icu, floor = f.UnitFactory(), f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    rule = make_rule(item=item, units=[icu])
    rule_apply(rule=rule)
    Job.objects.filter(person=nurse).update(unit=floor)
    roster_reapply(person_ids=[nurse.pk])
    assert Assignment.objects.get().closed_reason == ClosedReason.NO_LONGER_REQUIRED

    Job.objects.filter(person=nurse).update(unit=icu)
    result = roster_reapply(person_ids=[nurse.pk])
    back = Assignment.objects.get()
    assert result["created"] == 1 and back.closed_at is None and back.current
    assert AuditEntry.objects.filter(action="assignment.reopen", target_id=str(back.pk)).exists()


def test_a_completion_made_before_an_interval_rule_still_comes_up_for_renewal(
    make_person, make_attestation, make_rule
):
    from bedside.records.services import record_add

    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC), tick=False):
        record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
        rule = make_rule(item=item, units=[icu], recurrence="interval", interval_months=12)
        rule_apply(rule=rule)
        first = Assignment.objects.get()
        assert first.closed_reason == ClosedReason.COMPLETED
        assert first.covered_until == dt.datetime(2027, 1, 5, 12, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False):
        assert rule_apply(rule=rule) == 1
    assert Assignment.objects.get(cycle_number=2).due_at == first.covered_until


def test_voiding_the_completion_reopens_the_requirement(make_person, make_attestation, make_rule):
    from bedside.records.services import record_correct

    icu = f.UnitFactory()
    nurse, educator = make_person(unit=icu), make_person(role=None, grants=[("teach", icu)])
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[icu]))
    record = record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    fixed = record_correct(record=record, by=educator, reason="Wrong time", verb=Verb.ACKNOWLEDGED)
    assert Assignment.objects.get().record_id == fixed.pk
    record_correct(record=fixed, by=educator, reason="Attested for someone else", void=True)
    reopened = Assignment.objects.get()
    assert reopened.closed_at is None and reopened.record_id is None
