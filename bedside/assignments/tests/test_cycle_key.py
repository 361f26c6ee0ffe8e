"""The typed cycle key, one current requirement per (person, item), and how sources meet on one item."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from bedside.assignments.cycles import Cycle, end_of_day, valid_until
from bedside.assignments.models import Assignment, ClosedReason, CycleKind
from bedside.assignments.services import assignments_create, rule_apply
from bedside.records.models import Verb
from bedside.records.services import record_add
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
WINDOW = dict(
    recurrence="window", window_start_month=1, window_start_day=1, window_end_month=3, window_end_day=31
)


def _row(person, item, **key) -> Assignment:
    now = timezone.now()
    return Assignment(person=person, item=item, assigned_at=now, due_at=now, overdue_at=now, **key)


def test_the_database_refuses_a_second_current_requirement_for_one_person_and_item(
    make_person, make_attestation
):
    nurse, item = make_person(), make_attestation().item
    _row(nurse, item, cycle_kind=CycleKind.INTERVAL, cycle_number=1).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(nurse, item, cycle_kind=CycleKind.INTERVAL, cycle_number=2).save()
    _row(nurse, item, cycle_kind=CycleKind.INTERVAL, cycle_number=2, current=False).save()


def test_the_database_refuses_a_cycle_key_of_the_wrong_shape(make_person, make_attestation):
    nurse, item = make_person(), make_attestation().item
    for wrong in (
        dict(cycle_kind=CycleKind.INTERVAL),  # no number
        dict(cycle_kind=CycleKind.WINDOW, cycle_number=2026),  # a year in the count's place
        dict(cycle_kind=CycleKind.ONCE, cycle_year=2026),
        dict(cycle_kind=CycleKind.CAMPAIGN),  # no campaign named
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            _row(nurse, item, **wrong).save()


def test_the_database_refuses_the_same_cycle_twice(make_person, make_attestation):
    nurse, item = make_person(), make_attestation().item
    _row(nurse, item, cycle_kind=CycleKind.WINDOW, cycle_year=2026, current=False).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(nurse, item, cycle_kind=CycleKind.WINDOW, cycle_year=2026, current=False).save()


def test_a_window_year_is_never_read_as_an_interval_count(make_person, make_attestation, make_rule):
    """A window rule's 2026 cycle followed by an interval rule: the interval starts at 1, not 2027."""
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    with time_machine.travel(dt.datetime(2026, 2, 1, 15, tzinfo=dt.UTC), tick=False):
        rule_apply(rule=make_rule(item=item, units=[icu], **WINDOW))
        record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
        assert Assignment.objects.get().cycle == Cycle.window(2026)
    interval = make_rule(item=item, units=[icu], recurrence="interval", interval_months=12)
    with time_machine.travel(dt.datetime(2027, 2, 1, 15, tzinfo=dt.UTC), tick=False):
        rule_apply(rule=interval)
    assert Assignment.objects.get(current=True).cycle == Cycle.interval(1)


def test_two_rules_with_different_recurrences_make_one_requirement_due_at_the_earliest_date(
    make_person, make_attestation, make_rule
):
    icu = f.UnitFactory()
    make_person(unit=icu, role="RN")
    item = make_attestation().item
    with time_machine.travel(dt.datetime(2026, 2, 1, 15, tzinfo=dt.UTC), tick=False):
        later = make_rule(item=item, units=[icu], recurrence="interval", interval_months=12, due_days=90)
        sooner = make_rule(item=item, roles=["RN"], **WINDOW)  # due 31 March
        rule_apply(rule=later)
        rule_apply(rule=sooner)
        only = Assignment.objects.get()
        assert only.current and only.closed_at is None and only.rule_id == later.pk
        assert only.due_at == end_of_day(dt.date(2026, 3, 31), NEW_YORK)
        # and in the other order: the first made stays, still the earliest date
        rule_apply(rule=later)
    assert Assignment.objects.get().due_at == end_of_day(dt.date(2026, 3, 31), NEW_YORK)


def test_assignments_create_closes_at_once_what_a_still_valid_completion_covers(
    make_person, make_attestation
):
    icu = f.UnitFactory()
    attested, expired, never = (make_person(unit=icu) for _ in range(3))
    item = make_attestation().item
    yesterday = timezone.now() - dt.timedelta(days=1)
    record_add(person=attested, item=item, verb=Verb.ACKNOWLEDGED, by=attested, at=yesterday)
    record_add(
        person=expired, item=item, verb=Verb.ACKNOWLEDGED, by=expired, at=yesterday - dt.timedelta(days=400),
        valid_until=yesterday,
    )  # fmt: skip
    result = assignments_create(
        audience=f.AudienceFactory(units=[icu]), item=item, due=timezone.localdate() + dt.timedelta(days=7),
        cycle=Cycle.campaign("flu-2026"), source="campaign", source_ref="flu-2026",
    )  # fmt: skip
    assert result.created == 3
    by_person = {a.person_id: a for a in Assignment.objects.all()}
    assert by_person[attested.pk].closed_reason == ClosedReason.COMPLETED
    assert by_person[expired.pk].closed_at is None and by_person[never.pk].closed_at is None


def test_a_second_campaign_keeps_the_open_requirement_of_the_first_and_counts_it_as_already_required(
    make_person, make_attestation
):
    icu = f.UnitFactory()
    make_person(unit=icu)
    item = make_attestation().item
    audience = f.AudienceFactory(units=[icu])
    today = timezone.localdate()
    first = assignments_create(
        audience=audience, item=item, due=today + dt.timedelta(days=30), cycle=Cycle.campaign("c1"),
        source="campaign", source_ref="c1",
    )  # fmt: skip
    second = assignments_create(
        audience=audience, item=item, due=today + dt.timedelta(days=7), cycle=Cycle.campaign("c2"),
        source="campaign", source_ref="c2",
    )  # fmt: skip
    assert (first.created, second.created, second.already_required) == (1, 0, 1)
    kept = Assignment.objects.get()
    assert kept.cycle == Cycle.campaign("c1") and kept.closed_at is None
    assert kept.due_at == end_of_day(today + dt.timedelta(days=7), NEW_YORK)  # the earliest due wins


def test_a_second_campaign_after_the_first_was_completed_asks_again(make_person, make_attestation):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    audience = f.AudienceFactory(units=[icu])
    due = timezone.localdate() + dt.timedelta(days=7)
    assignments_create(audience=audience, item=item, due=due, cycle=Cycle.campaign("c1"), source="campaign")
    record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    second = assignments_create(
        audience=audience, item=item, due=due, cycle=Cycle.campaign("c2"), source="campaign",
        completed_since=timezone.now() + dt.timedelta(seconds=1),
    )  # fmt: skip
    assert second.created == 1
    assert Assignment.objects.get(current=True).cycle == Cycle.campaign("c2")
    assert Assignment.objects.filter(current=True).get().closed_at is None


def test_a_window_rule_gives_a_new_hire_a_first_due_date_after_their_hire_date(
    make_person, make_attestation, make_rule
):
    icu = f.UnitFactory()
    item = make_attestation().item
    rule = make_rule(item=item, units=[icu], due_days=30, **WINDOW)
    with time_machine.travel(dt.datetime(2026, 6, 15, 15, tzinfo=dt.UTC), tick=False):
        veteran = make_person(unit=icu, hire_date=dt.date(2019, 5, 1))
        hired_late = make_person(unit=icu, hire_date=dt.date(2026, 6, 1))  # after the window closed
        hired_inside = make_person(unit=icu, hire_date=dt.date(2026, 3, 20))  # 11 days before it closed
        rule_apply(rule=rule)
        due = {a.person_id: a.due_at for a in Assignment.objects.all()}
        now = timezone.now()
    assert due[veteran.pk] == end_of_day(dt.date(2026, 3, 31), NEW_YORK)
    assert due[hired_late.pk] == end_of_day(dt.date(2026, 7, 1), NEW_YORK) and due[hired_late.pk] > now
    assert due[hired_inside.pk] == end_of_day(dt.date(2026, 4, 19), NEW_YORK)
    for person in (hired_late, hired_inside):
        assert due[person.pk].date() >= person.hire_date + dt.timedelta(days=30)


def test_a_future_hire_is_never_due_before_their_hire_date(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    item = make_attestation().item
    with time_machine.travel(dt.datetime(2026, 6, 15, 15, tzinfo=dt.UTC), tick=False):
        starter = make_person(unit=icu, hire_date=dt.date(2026, 9, 1))
        rule_apply(rule=make_rule(item=item, units=[icu], due_days=14))
    assert Assignment.objects.get(person=starter).due_at == end_of_day(dt.date(2026, 9, 15), NEW_YORK)


def _unit_in(zone: str):
    return f.UnitFactory(department=f.DepartmentFactory(site=f.SiteFactory(time_zone=zone)))


def test_due_dates_end_at_midnight_in_each_persons_site_zone_across_dst(
    make_person, make_attestation, make_rule
):
    east, west, london = (
        _unit_in("America/New_York"),
        _unit_in("America/Los_Angeles"),
        _unit_in("Europe/London"),
    )
    item = make_attestation().item
    rule = make_rule(item=item, units=[east, west, london], **dict(WINDOW, window_end_day=8))  # due 8 March
    nurses = {zone: make_person(unit=u) for zone, u in (("ny", east), ("la", west), ("ldn", london))}
    with time_machine.travel(dt.datetime(2026, 2, 1, 15, tzinfo=dt.UTC), tick=False):
        rule_apply(rule=rule)
    due = {zone: Assignment.objects.get(person=p).due_at for zone, p in nurses.items()}
    # 8 March 2026 is the first day of US summer time: 23:59:59 is UTC-4 in New York, UTC-7 in Los Angeles.
    assert due["ny"] == dt.datetime(2026, 3, 9, 3, 59, 59, tzinfo=dt.UTC)
    assert due["la"] == dt.datetime(2026, 3, 9, 6, 59, 59, tzinfo=dt.UTC)
    assert due["ldn"] == dt.datetime(2026, 3, 8, 23, 59, 59, tzinfo=dt.UTC)


def test_a_window_completion_is_valid_to_the_end_of_next_years_window_in_the_persons_zone():
    rule = f.AssignmentRuleFactory.build(**WINDOW)
    # 00:30 on 1 January in New York is still 31 December in Los Angeles: a different window.
    at = dt.datetime(2027, 1, 1, 5, 30, tzinfo=dt.UTC)
    due = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    in_ny = valid_until(rule, completed_at=at, due_at=due, tz=NEW_YORK)
    in_la = valid_until(rule, completed_at=at, due_at=due, tz=LOS_ANGELES)
    assert in_ny == end_of_day(dt.date(2028, 3, 31), NEW_YORK)
    assert in_la == end_of_day(dt.date(2027, 3, 31), LOS_ANGELES)


def test_a_completion_closes_its_window_requirement_with_coverage_in_the_persons_zone(
    make_person, make_attestation, make_rule
):
    west = _unit_in("America/Los_Angeles")
    nurse = make_person(unit=west)
    item = make_attestation().item
    with time_machine.travel(dt.datetime(2026, 2, 1, 20, tzinfo=dt.UTC), tick=False):
        rule_apply(rule=make_rule(item=item, units=[west], **WINDOW))
        record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse)
    assert Assignment.objects.get().covered_until == end_of_day(dt.date(2027, 3, 31), LOS_ANGELES)
