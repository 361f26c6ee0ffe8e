"""A rule run audits what it creates with one line per rule, and every requirement leads back to it."""

import pytest
from django.db import IntegrityError, connection, transaction

from bedside.assignments.cycles import Cycle
from bedside.assignments.models import Assignment, RuleRun, RunKind
from bedside.assignments.services import assignments_create, roster_reapply, rule_apply
from bedside.audit.append_only import AppendOnlyError
from bedside.audit.models import AuditEntry
from bedside.records.models import Verb
from bedside.records.services import record_add
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def test_each_requirement_leads_to_its_run_and_the_rule_line_naming_it(
    make_person, make_attestation, make_rule
):
    icu = f.UnitFactory()
    nurses = [make_person(unit=icu) for _ in range(3)]
    educator = make_person(role=None, grants=[("teach", icu)])
    item = make_attestation().item
    record_add(person=nurses[0], item=item, verb=Verb.ACKNOWLEDGED, by=nurses[0])
    rule = make_rule(item=item, units=[icu])

    assert rule_apply(rule=rule, actor=educator) == 3
    requirement = Assignment.objects.get(person=nurses[1])
    run = RuleRun.objects.get(pk=requirement.run_id)
    assert (run.kind, run.actor) == (RunKind.RULE, educator)
    line = AuditEntry.objects.get(action="rule.apply", changes__run=run.pk)
    assert (line.target_type, line.target_id, line.actor) == (
        "assignments.assignmentrule",
        str(rule.pk),
        educator,
    )
    # the first nurse's earlier acknowledgment closed hers at once: counted, and created by the run too
    assert line.changes == {"run": run.pk, "item": item.pk, "created": 3, "covered_at_once": 1}
    assert Assignment.objects.filter(run=run).count() == 3


def test_a_run_that_creates_nothing_leaves_no_trace(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    rule = make_rule(item=make_attestation().item, units=[icu])
    rule_apply(rule=rule)
    runs, lines = RuleRun.objects.count(), AuditEntry.objects.count()

    assert rule_apply(rule=rule) == 0
    assert roster_reapply(person_ids=[nurse.pk])["created"] == 0
    assert (RuleRun.objects.count(), AuditEntry.objects.count()) == (runs, lines)


def test_one_roster_run_for_every_rule(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurses = [make_person(unit=icu, role="RN") for _ in range(2)]
    make_rule(item=make_attestation("Fire").item, units=[icu])
    make_rule(item=make_attestation("Hand hygiene").item, roles=["RN"])

    roster_reapply(person_ids=[p.pk for p in nurses])
    run = RuleRun.objects.get()
    assert run.kind == RunKind.ROSTER and run.actor is None
    lines = AuditEntry.objects.filter(action="rule.apply")
    assert sorted(line.changes["created"] for line in lines) == [2, 2]
    assert {line.changes["run"] for line in lines} == {run.pk}


def test_requirements_made_outside_a_rule_run_keep_one_line_each(make_person, make_attestation):
    icu = f.UnitFactory()
    for _ in range(2):
        make_person(unit=icu)
    assignments_create(
        audience=f.AudienceFactory(units=[icu]),
        item=make_attestation().item,
        due=f.timezone.localdate(),
        cycle=Cycle.campaign("c1"),
        source="campaign",
        source_ref="c1",
    )
    assert not Assignment.objects.filter(run__isnull=False).exists()
    assert AuditEntry.objects.filter(action="assignment.create").count() == 2


def test_a_run_cannot_be_changed_or_removed(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    make_person(unit=icu)
    rule_apply(rule=make_rule(item=make_attestation().item, units=[icu]))
    run = RuleRun.objects.get()
    for sql in ("UPDATE assignments_rulerun SET kind = 'roster'", "DELETE FROM assignments_rulerun"):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    with pytest.raises(AppendOnlyError):
        RuleRun.objects.all().update(kind=RunKind.ROSTER)
    with pytest.raises(AppendOnlyError):
        run.delete()
    assert RuleRun.objects.get().kind == RunKind.RULE
