"""Credit activities for tests (the credits app's and events'): one call with realistic defaults."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bedside.audit.models import AuditEntry
from bedside.credits.credit_types import CreditType
from bedside.credits.models import Activity, Attendance, Claim, Evaluation
from bedside.credits.services import activity_create, checkin, claim, evaluation_submit, rotating_code
from bedside.records.models import Record


def credit_activity(
    *,
    starts_at: dt.datetime,
    minutes: int = 60,
    offers=None,
    title: str = "Medicine Grand Rounds: sepsis in 2026",
    **fields,
) -> Activity:
    """A live hour of grand rounds offering 1.00 AMA PRA Category 1 and 1.00 ANCC contact hour by default."""
    fields.setdefault("provider_name", "Bedside Medical Center")
    fields.setdefault("objectives", "Recognise sepsis early\nStart antibiotics within the hour")
    return activity_create(
        actor=None,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        offers={CreditType.AMA_PRA_1: Decimal("1.00"), CreditType.ANCC: Decimal("1.00")}
        if offers is None
        else offers,
        **fields,
    )


def attend(activity: Activity, person, *, at: dt.datetime, practice_change: str = "yes", **checkin_fields):
    """The person checks in with the room's code at `at` and evaluates the activity; the attendance."""
    code = rotating_code(activity).short_code(at)
    attendance = checkin(activity=activity, person=person, code=code, now=at, **checkin_fields)
    evaluation_submit(
        activity=activity,
        person=person,
        objectives_met="yes",
        free_of_bias=True,
        practice_change=practice_change,
        now=at,
    )
    return attendance


def attend_and_claim(activity: Activity, person, *, credit_type="ama_pra_1", at=None, **attending):
    """Attend (`attend`, five minutes in unless `at` says) and claim the whole offer of `credit_type`."""
    at = at or activity.starts_at + dt.timedelta(minutes=5)
    attend(activity, person, at=at, **attending)
    return claim(activity=activity, person=person, credit_type=credit_type, now=at)


def credit_rows() -> tuple[int, int, int, int, int]:
    """How many attendances, evaluations, claims, ledger records and audit entries there are: a
    refusal changes none of them."""
    return (
        Attendance.objects.count(),
        Evaluation.objects.count(),
        Claim.objects.count(),
        Record.objects.count(),
        AuditEntry.objects.count(),
    )


def refused(message: str, call, **kwargs) -> None:
    """`call(**kwargs)` raises a ValidationError containing `message`, and writes nothing."""
    before = credit_rows()
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)
    assert message in " ".join(exc.value.messages), exc.value.messages
    assert credit_rows() == before
