"""Reminders before the due date and escalations to managers after it, each sent once."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from bedside.assignments.models import Assignment
from bedside.assignments.notify import escalate_overdue, send_due_reminders
from bedside.assignments.services import rule_apply
from bedside.people.models import Capability
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_and_overdue(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu, email="nurse@example.org")
    manager = make_person(role=None, email="manager@example.org", grants=[(Capability.MANAGE, icu)])
    soon, late = make_attestation("Soon").item, make_attestation("Late").item
    rule_apply(rule=make_rule(item=soon, units=[icu]))
    rule_apply(rule=make_rule(item=late, units=[icu]))
    now = timezone.now()
    Assignment.objects.filter(item=soon).update(
        due_at=now + dt.timedelta(hours=20), overdue_at=now + dt.timedelta(hours=20)
    )
    Assignment.objects.filter(item=late).update(
        due_at=now - dt.timedelta(days=1), overdue_at=now - dt.timedelta(days=1)
    )
    return nurse, manager


def test_reminders_go_out_once(due_and_overdue):
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nurse@example.org"] and "Soon" in mail.outbox[0].body


def test_overdue_escalates_to_the_unit_manager_once(due_and_overdue):
    nurse, manager = due_and_overdue
    assert escalate_overdue() == 1
    assert escalate_overdue() == 0
    assert mail.outbox[0].to == ["manager@example.org"]
    assert nurse.full_name in mail.outbox[0].body and "Late" in mail.outbox[0].body


def test_a_failed_mail_is_tried_again_on_the_next_run(due_and_overdue, monkeypatch):
    import smtplib

    from bedside.assignments import notify

    def broken(**kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr(notify, "send_mail", broken)
    assert send_due_reminders() == 0
    monkeypatch.undo()
    assert send_due_reminders() == 1
    assert len(mail.outbox) == 1


def test_renewals_get_their_reminders(make_person, make_attestation, make_rule):
    icu = f.UnitFactory()
    make_person(unit=icu, email="rt@example.org")
    item = make_attestation("BLS renewal").item
    rule_apply(rule=make_rule(item=item, units=[icu]))
    soon = timezone.now() + dt.timedelta(days=3)
    Assignment.objects.update(due_at=soon, overdue_at=soon, covered_until=soon)
    assert send_due_reminders() == 1 and "BLS renewal" in mail.outbox[0].body
