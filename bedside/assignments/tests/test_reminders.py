"""Reminders and escalations: claimed once in bulk, mailed after commit by a job, linking straight to the page."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from bedside.assignments import notify
from bedside.assignments.models import Assignment, Reminder
from bedside.assignments.notify import escalate_overdue, send_due_reminders
from bedside.assignments.services import rule_apply
from bedside.people.models import Capability, Person, PersonStatus
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a reminder function and the delivery job it queues after commit."""

    def call(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


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


def test_reminders_go_out_once_and_link_straight_to_today(due_and_overdue, run, settings):
    settings.BEDSIDE_BASE_URL = "https://bedside.example.org"
    assert run(send_due_reminders) == 1
    assert run(send_due_reminders) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nurse@example.org"] and "Soon" in message.body
    assert "https://bedside.example.org/today/" in message.body
    assert Reminder.objects.filter(sent_at__isnull=False).count() == Reminder.objects.count() > 0


def test_the_mail_waits_for_the_commit(due_and_overdue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert send_due_reminders() == 1
    assert mail.outbox == [] and len(callbacks) == 1  # nothing is sent while the claim is uncommitted


def test_overdue_escalates_to_the_unit_manager_once(due_and_overdue, run):
    nurse, manager = due_and_overdue
    assert run(escalate_overdue) == 1
    assert run(escalate_overdue) == 0
    assert mail.outbox[0].to == ["manager@example.org"]
    assert nurse.full_name in mail.outbox[0].body and "Late" in mail.outbox[0].body


def test_a_failed_mail_is_tried_again_on_the_next_run(due_and_overdue, run, monkeypatch):
    import smtplib

    def broken(**kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr(notify, "send_mail", broken)
    run(send_due_reminders)
    assert not Reminder.objects.exists()  # the claims were released
    monkeypatch.undo()
    assert run(send_due_reminders) == 1
    assert len(mail.outbox) == 1


def test_renewals_get_their_reminders(make_person, make_attestation, make_rule, run):
    icu = f.UnitFactory()
    make_person(unit=icu, email="rt@example.org")
    item = make_attestation("BLS renewal").item
    rule_apply(rule=make_rule(item=item, units=[icu]))
    soon = timezone.now() + dt.timedelta(days=3)
    Assignment.objects.update(due_at=soon, overdue_at=soon, covered_until=soon)
    assert run(send_due_reminders) == 1 and "BLS renewal" in mail.outbox[0].body


def test_managers_who_left_or_whose_grant_ended_hear_nothing(make_person, make_attestation, make_rule, run):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    left = make_person(role=None, email="left@example.org", grants=[(Capability.MANAGE, icu)])
    Person.objects.filter(pk=left.pk).update(status=PersonStatus.TERMINATED)
    make_person(role=None, email="acting@example.org", grants=[(Capability.MANAGE, icu, None, yesterday)])
    current = make_person(role=None, email="current@example.org", grants=[(Capability.MANAGE, icu.site)])
    item = make_attestation("Late").item
    rule_apply(rule=make_rule(item=item, units=[icu]))
    past = timezone.now() - dt.timedelta(days=2)
    Assignment.objects.update(due_at=past, overdue_at=past)
    assert run(escalate_overdue) == 1
    assert [m.to for m in mail.outbox] == [[current.email]] and nurse.full_name in mail.outbox[0].body


def test_an_escalation_groups_by_person_with_a_link_to_each(
    make_person, make_attestation, make_rule, run, settings, django_assert_max_num_queries
):
    settings.BEDSIDE_BASE_URL = "https://bedside.example.org/"
    icu = f.UnitFactory()
    nurses = [make_person(unit=icu) for _ in range(30)]
    make_person(role=None, email="manager@example.org", grants=[(Capability.MANAGE, icu)])
    for title in ("Fire safety", "Hand hygiene", "Restraints"):
        rule_apply(rule=make_rule(item=make_attestation(title).item, units=[icu]))
    past = timezone.now() - dt.timedelta(days=2)
    Assignment.objects.update(due_at=past, overdue_at=past)
    with django_assert_max_num_queries(12):  # a claim in bulk, not a query per requirement
        assert escalate_overdue() == 1
    assert Reminder.objects.count() == 90
    run(notify.deliver, batch=str(Reminder.objects.values_list("batch", flat=True).first()))
    body = mail.outbox[0].body
    assert "30 people" in mail.outbox[0].subject
    assert body.count(": 3 overdue") == 30  # one block per person, not 90 flat lines
    for nurse in nurses:
        assert f"https://bedside.example.org/people/{nurse.pk}/transcript/" in body


def test_reminder_days_are_each_persons_local_days(make_person, make_attestation, make_rule, run, settings):
    settings.REMINDER_DAYS_BEFORE_DUE = [1]
    honolulu = f.UnitFactory(department=f.DepartmentFactory(site=f.SiteFactory(time_zone="Pacific/Honolulu")))
    new_york = f.UnitFactory(department=f.DepartmentFactory(site=f.SiteFactory(time_zone="America/New_York")))
    make_person(unit=honolulu, email="hnl@example.org")
    make_person(unit=new_york, email="nyc@example.org")
    item = make_attestation("Fire").item
    rule_apply(rule=make_rule(item=item, units=[honolulu, new_york]))
    # Due 10:00 UTC on the 17th: in Honolulu that is 00:00 on the 17th, in New York 05:00 on the 17th.
    Assignment.objects.update(
        due_at=dt.datetime(2026, 6, 17, 10, tzinfo=dt.UTC),
        overdue_at=dt.datetime(2026, 6, 17, 10, tzinfo=dt.UTC),
    )
    # 04:30 UTC on the 16th: still the 15th in Honolulu (two days left), already the 16th in New York (one).
    with time_machine.travel(dt.datetime(2026, 6, 16, 4, 30, tzinfo=dt.UTC), tick=False):
        assert run(send_due_reminders) == 1
    assert [m.to for m in mail.outbox] == [["nyc@example.org"]]
    with time_machine.travel(dt.datetime(2026, 6, 16, 10, 30, tzinfo=dt.UTC), tick=False):
        assert run(send_due_reminders) == 1
    assert [m.to for m in mail.outbox][-1] == ["hnl@example.org"]


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_mail_goes_out(make_person, make_attestation, make_rule, monkeypatch):
    icu = f.UnitFactory()
    make_person(unit=icu, email="nurse@example.org")
    rule_apply(rule=make_rule(item=make_attestation("Soon").item, units=[icu]))
    soon = timezone.now() + dt.timedelta(hours=20)
    Assignment.objects.update(due_at=soon, overdue_at=soon)
    seen = []

    def spy(**kwargs):
        seen.append(connection.in_atomic_block)

    monkeypatch.setattr(notify, "send_mail", spy)
    assert send_due_reminders() == 1
    assert seen == [False]


@pytest.mark.parametrize(
    "raw",
    [
        "bedside.example.org",
        "ftp://bedside.example.org",
        "https://",
        "https://x.org/?a=1",
        "https://x.org:99999",
    ],
)
def test_the_base_url_setting_refuses_what_is_not_an_absolute_web_address(raw, monkeypatch):
    from bedside.settings import env_base_url

    monkeypatch.setenv("BEDSIDE_BASE_URL", raw)
    with pytest.raises(ImproperlyConfigured, match="BEDSIDE_BASE_URL"):
        env_base_url("BEDSIDE_BASE_URL", "http://localhost:8000")


def test_the_base_url_setting_keeps_a_path_and_drops_the_trailing_slash(monkeypatch):
    from bedside.settings import env_base_url

    monkeypatch.setenv("BEDSIDE_BASE_URL", "https://intranet.example.org/bedside/")
    assert env_base_url("BEDSIDE_BASE_URL", "") == "https://intranet.example.org/bedside"
