"""Concurrent writers on PostgreSQL: a rule applied twice at once, a double-submitted completion."""

import threading

import pytest
from django.db import connection, connections

from bedside.assignments.models import Assignment, ClosedReason
from bedside.assignments.services import rule_apply
from bedside.jobs.schedule import claim
from bedside.records.models import Verb
from bedside.records.services import record_add
from bedside.testing import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
]


def run_together(target, count: int = 2) -> list:
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_the_same_rule_applied_at_once_makes_one_requirement_each(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    for _ in range(30):
        make_person(unit=icu)
    rule = make_rule(item=make_attestation().item, units=[icu])
    run_together(lambda: rule_apply(rule=rule))
    assert Assignment.objects.count() == 30


def test_a_double_submitted_completion_closes_once(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    item = make_attestation().item
    rule_apply(rule=make_rule(item=item, units=[icu]))
    run_together(lambda: record_add(person=nurse, item=item, verb=Verb.ACKNOWLEDGED, by=nurse))
    assignment = Assignment.objects.get()
    assert assignment.closed_reason == ClosedReason.COMPLETED


def test_two_schedulers_claim_a_period_once(db):
    results = run_together(lambda: claim("assignments.send_reminders", "2026-11-25T08"), count=4)
    assert sorted(results) == [False, False, False, True]
