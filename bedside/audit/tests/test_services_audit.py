"""Each service that writes training data leaves an audit line (who, what, from where)."""

import pytest

from bedside.assignments.cycles import Cycle
from bedside.assignments.models import Assignment
from bedside.assignments.services import assignments_create, roster_reapply, rule_apply
from bedside.attestations.services import attestation_acknowledge
from bedside.audit.context import origin
from bedside.audit.models import AuditEntry
from bedside.people.models import PersonStatus
from bedside.people.tokens import token_issue
from bedside.records.models import Verb
from bedside.records.services import record_add, record_correct
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def test_each_service_audits(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    educator = make_person(role=None, grants=[("teach", icu)])
    attestation = make_attestation(owner=educator)
    assert actions() == ["attestation.create"]

    rule_apply(rule=make_rule(item=attestation.item, units=[icu]), actor=educator)
    assert actions()[-1] == "rule.apply"

    with origin(request_id="req-1", source="10.0.0.7"):
        attestation_acknowledge(person=nurse, item=attestation.item)
    last_two = list(AuditEntry.objects.order_by("-pk")[:2])
    assert [e.action for e in last_two] == ["assignment.complete", "record.add"]
    assert all(e.request_id == "req-1" and e.origin == "10.0.0.7" and e.actor == nurse for e in last_two)

    other = make_attestation("Fire").item
    assignments_create(
        audience=f.AudienceFactory(units=[icu]),
        item=other,
        due=f.timezone.localdate(),
        cycle=Cycle.campaign("c1"),
        source="campaign",
        source_ref="c1",
    )
    assert actions()[-1] == "assignment.create"

    record = record_add(person=nurse, item=other, verb=Verb.ACKNOWLEDGED, by=educator)
    record_correct(record=record, by=educator, reason="duplicate", void=True)
    # Any completing record closes the requirement (whoever writes it); voiding it reopens it.
    assert actions()[-4:] == ["record.add", "assignment.complete", "record.correct", "assignment.reopen"]

    record_add(person=nurse, item=other, verb=Verb.ACKNOWLEDGED, by=nurse)
    assert actions()[-1] == "assignment.complete"

    rule_apply(rule=make_rule(item=make_attestation("Third").item, units=[icu]))
    type(nurse).objects.filter(pk=nurse.pk).update(status=PersonStatus.TERMINATED)
    roster_reapply(person_ids=[nurse.pk], actor=educator)
    assert actions()[-1] == "assignment.close.terminated"
    assert not Assignment.objects.filter(person=nurse, closed_at__isnull=True).exists()
    token_issue(person=educator, name="LMS sync")
    assert "api_token.issue" in actions()


def test_bulk_writes_audit_in_bulk(make_person, make_attestation, make_rule, django_assert_max_num_queries):
    icu = f.UnitFactory()
    for _ in range(40):
        make_person(unit=icu)
    rule = make_rule(item=make_attestation().item, units=[icu])
    with django_assert_max_num_queries(20):
        assert rule_apply(rule=rule) == 40
    # A rule run's requirements are audited by one line naming the rule, the run and the count.
    line = AuditEntry.objects.get(action="rule.apply")
    run = Assignment.objects.values_list("run", flat=True).distinct().get()
    assert (line.target_type, line.target_id) == ("assignments.assignmentrule", str(rule.pk))
    assert line.changes == {"run": run, "item": rule.item_id, "created": 40, "covered_at_once": 0}
    assert not AuditEntry.objects.filter(action="assignment.create").exists()
