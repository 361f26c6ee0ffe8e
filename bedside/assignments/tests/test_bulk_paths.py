"""The large-batch paths (temporary id tables, audit lines written by SQL) give what the small ones give."""

import datetime as dt

import pytest
import time_machine

from bedside.assignments import requirements, services
from bedside.assignments.models import Assignment, ClosedReason, RuleRun
from bedside.assignments.services import roster_reapply, rule_apply
from bedside.audit.models import AuditEntry
from bedside.people.models import PersonStatus
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db
WINDOW = dict(
    recurrence="window", window_start_month=1, window_start_day=1, window_end_month=3, window_end_day=31
)


def _world(make_person, make_attestation, make_rule):
    icu, floor = f.UnitFactory(), f.UnitFactory()
    nurses = [make_person(unit=icu) for _ in range(4)]
    leaver = make_person(unit=floor)
    items = [make_attestation(f"Policy {n}").item for n in range(3)]
    make_rule(item=items[0], units=[icu])
    make_rule(item=items[1], units=[icu, floor], recurrence="interval", interval_months=12)
    make_rule(item=items[2], units=[icu], **WINDOW)
    return nurses, leaver


def _state():
    rows = Assignment.objects.values_list("person_id", "item_id", "cycle_kind", "cycle_number", "cycle_year",
                                          "due_at", "closed_reason", "current")  # fmt: skip
    lines = AuditEntry.objects.filter(action__regex=r"^(assignment\.|rule\.apply$)").values_list(
        "action", "changes"
    )
    return sorted(rows), sorted((a, sorted(c.items())) for a, c in lines)


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_roster_reapply_gives_the_same_requirements_and_audit_in_large_batches(
    large, make_person, make_attestation, make_rule, monkeypatch
):
    if large:
        monkeypatch.setattr(services, "MANY", 1)
        monkeypatch.setattr(requirements, "AUDIT_IN_SQL_FROM", 1)
    with time_machine.travel(dt.datetime(2026, 2, 1, 15, tzinfo=dt.UTC), tick=False):
        nurses, leaver = _world(make_person, make_attestation, make_rule)
        ids = [p.pk for p in [*nurses, leaver]]
        result = roster_reapply(person_ids=ids)
        assert result == {"created": 13, "closed_no_longer_required": 0, "closed_terminated": 0}
        type(leaver).objects.filter(pk=leaver.pk).update(status=PersonStatus.TERMINATED)
        assert roster_reapply(person_ids=ids)["closed_terminated"] == 1
    rows, lines = _state()
    assert len(rows) == 13 and sum(1 for r in rows if r[6] == ClosedReason.TERMINATED) == 1
    assert {(r[2], r[3], r[4]) for r in rows} == {
        ("once", None, None),
        ("interval", 1, None),
        ("window", None, 2026),
    }
    # One run made them all, audited by one line per rule naming it, the run and the count.
    run = RuleRun.objects.get()
    assert set(Assignment.objects.values_list("run", flat=True)) == {run.pk}
    applied = [dict(c) for a, c in lines if a == "rule.apply"]
    assert sorted(c["created"] for c in applied) == [4, 4, 5]
    assert all(c["run"] == run.pk and c["covered_at_once"] == 0 for c in applied)
    assert not [a for a, _ in lines if a == "assignment.create"]


def test_rule_apply_to_many_persons_reads_them_through_a_temporary_table(
    make_person, make_attestation, make_rule, monkeypatch, django_assert_max_num_queries
):
    nurses, leaver = _world(make_person, make_attestation, make_rule)
    monkeypatch.setattr(services, "MANY", 1)
    rule = make_rule(item=make_attestation("Policy 4").item, units=[f.UnitFactory()])
    for nurse in nurses:
        f.JobFactory(person=nurse, unit=rule.audience.units.get())
    # no query grows with the number of persons
    with django_assert_max_num_queries(40):
        assert rule_apply(rule=rule, person_ids=[p.pk for p in nurses[:3]] + [leaver.pk]) == 3


def test_writers_of_an_item_take_turns_until_commit(make_person, make_attestation, make_rule):
    """A rule run inserts with a plain COPY: it holds the item's turn (PostgreSQL: an advisory lock)."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite transactions begin IMMEDIATE: one writer at a time")
    icu = f.UnitFactory()
    make_person(unit=icu)
    rule = make_rule(item=make_attestation().item, units=[icu])
    held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND granted"
    with transaction.atomic(), connection.cursor() as cursor:
        assert rule_apply(rule=rule) == 1
        cursor.execute(held, [requirements.LOCK_NAMESPACE, rule.item_id])
        assert cursor.fetchone()[0] == 1
