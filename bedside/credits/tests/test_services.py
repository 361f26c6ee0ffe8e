import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bedside.assignments.cycles import Cycle
from bedside.assignments.models import Assignment
from bedside.assignments.services import assignments_create
from bedside.audit.models import AuditEntry
from bedside.credits import services
from bedside.credits.credit_types import CreditType
from bedside.credits.models import Activity, ActivityFormat
from bedside.credits.tests.conftest import START
from bedside.people.models import Capability
from bedside.records.models import Record
from bedside.testing import factories as f
from bedside.testing.credits import attend, credit_activity, refused

pytestmark = pytest.mark.django_db
D = Decimal


def checkin_refused(message, activity, person, at, code):
    refused(message, services.checkin, activity=activity, person=person, code=code, now=at)


def claim_refused(message, activity, person, at, credit_type=CreditType.AMA_PRA_1, **kwargs):
    refused(
        message, services.claim, activity=activity, person=person, credit_type=credit_type, now=at, **kwargs
    )


def evaluate(activity, person, at):
    return services.evaluation_submit(
        activity=activity,
        person=person,
        objectives_met="yes",
        free_of_bias=True,
        practice_change="yes",
        now=at,
    )


def code_at(activity, at, *, token=False):
    c = services.rotating_code(activity)
    return c.token(at) if token else c.short_code(at)


def test_checkin_evaluate_claim_writes_attendance_and_one_claim_record(rounds, physician):
    at = START + dt.timedelta(minutes=5)
    attendance = services.checkin(
        activity=rounds,
        person=physician,
        code=code_at(rounds, at, token=True),
        device="phone-1",
        ip="10.0.0.9",
        now=at,
    )
    assert attendance.method == "qr" and attendance.checked_in_at == at and attendance.ip_hash
    assert attendance.ip_hash != "10.0.0.9"
    evaluate(rounds, physician, START + dt.timedelta(minutes=62))
    made = services.claim(
        activity=rounds,
        person=physician,
        credit_type=CreditType.AMA_PRA_1,
        amount=D("1.00"),
        now=START + dt.timedelta(minutes=63),
    )
    records = Record.objects.filter(person=physician, item=rounds.item).order_by("at")
    assert [r.verb for r in records] == ["attended", "claimed"]
    claimed = records.last()
    assert (claimed.credit_amount, claimed.credit_type) == (D("1.00"), "ama_pra_1")
    assert made.record == claimed and made.minutes_attended == 60


def test_claim_closes_an_open_requirement_through_the_ledger(rounds, make_person):
    at = START + dt.timedelta(minutes=1)
    icu = f.UnitFactory()
    physician = make_person(role="MD", unit=icu)
    assignments_create(
        audience=f.AudienceFactory(units=[icu]), item=rounds.item, due=dt.date(2026, 12, 31),
        cycle=Cycle.campaign("rounds"), source="campaign", source_ref="rounds",
    )  # fmt: skip
    services.checkin(activity=rounds, person=physician, code=code_at(rounds, at), now=at)
    assert Assignment.objects.get(person=physician).closed_at is None  # attending alone does not complete
    evaluate(rounds, physician, at)
    services.claim(activity=rounds, person=physician, credit_type=CreditType.AMA_PRA_1, now=at)
    assert Assignment.objects.get(person=physician).closed_at is not None


def test_code_outside_the_window_is_refused(rounds, physician):
    early = START - dt.timedelta(minutes=16)
    refused("Check-in opens at 07:45, 15 minutes before the start", services.checkin,
            activity=rounds, person=physician, code=code_at(rounds, early), now=early)  # fmt: skip
    late = START + dt.timedelta(minutes=91)
    refused("Check-in closed at 09:30, 30 minutes after the end", services.checkin,
            activity=rounds, person=physician, code=code_at(rounds, late), now=late)  # fmt: skip


def test_window_edges_are_inside(rounds, make_person):
    for at in (START - dt.timedelta(minutes=15), START + dt.timedelta(minutes=90)):
        services.checkin(activity=rounds, person=make_person(), code=code_at(rounds, at), now=at)


def test_code_of_another_activity_is_refused(rounds, physician):
    other = credit_activity(starts_at=START, title="Surgery grand rounds")
    at = START + dt.timedelta(minutes=10)
    checkin_refused("another activity", rounds, physician, at, code_at(other, at, token=True))
    checkin_refused("not right for this activity", rounds, physician, at, code_at(other, at))


def test_expired_and_malformed_codes_are_refused(rounds, physician):
    at = START + dt.timedelta(minutes=10)
    old = at - dt.timedelta(seconds=60)
    checkin_refused("expired", rounds, physician, at, code_at(rounds, old, token=True))
    checkin_refused("not right", rounds, physician, at, code_at(rounds, old))
    checkin_refused("not a check-in code", rounds, physician, at, "hello")


def test_second_checkin_is_refused(rounds, physician):
    at = START + dt.timedelta(minutes=10)
    services.checkin(activity=rounds, person=physician, code=code_at(rounds, at), now=at)
    checkin_refused("You already checked in at 08:10", rounds, physician, at, code_at(rounds, at))


def test_enduring_material_has_no_room_checkin(physician):
    journal = credit_activity(
        starts_at=START, format=ActivityFormat.JOURNAL, title="Journal CME: opioid tapering"
    )
    refused(
        "no room check-in", services.checkin, activity=journal, person=physician, code="123456", now=START
    )


def test_claim_before_attendance_or_evaluation_is_refused(rounds, physician):
    at = START + dt.timedelta(minutes=10)
    claim_refused("Check in", rounds, physician, at)
    services.checkin(activity=rounds, person=physician, code=code_at(rounds, at), now=at)
    claim_refused("Evaluate the activity first", rounds, physician, at)


def test_claim_over_the_offer_or_of_a_type_not_offered_is_refused(rounds, physician):
    at = START + dt.timedelta(minutes=10)
    attend(rounds, physician, at=at)
    claim_refused("at most 1.00", rounds, physician, at, amount="1.25")
    claim_refused("steps of 0.25", rounds, physician, at, amount="0.9")
    claim_refused(
        "does not offer IPCE credit; it offers 1.00 AMA PRA",
        rounds,
        physician,
        at,
        credit_type=CreditType.IPCE,
    )


def test_second_claim_is_refused(rounds, physician):
    at = START + dt.timedelta(minutes=10)
    attend(rounds, physician, at=at)
    services.claim(activity=rounds, person=physician, credit_type=CreditType.AMA_PRA_1, amount="0.50", now=at)
    claim_refused("You already claimed 0.50 AMA PRA", rounds, physician, at, credit_type=CreditType.ANCC)


def test_presence_adds_up_and_caps_claims_at_time_attended(rounds, physician):
    at = START + dt.timedelta(minutes=20)
    services.presence_record(activity=rounds, person=physician, minutes=20, source="events:stream", now=at)
    attendance = services.presence_record(
        activity=rounds, person=physician, minutes=25, source="events:stream", now=at
    )
    assert attendance.minutes_present == 45 and attendance.method == "presence"
    assert Record.objects.filter(person=physician, verb="attended").count() == 1
    evaluate(rounds, physician, at)
    claim_refused("45 minutes attended earn at most 0.75", rounds, physician, at, amount="1.00")
    made = services.claim(activity=rounds, person=physician, credit_type=CreditType.AMA_PRA_1, now=at)
    assert made.amount == D("0.75")


def test_presence_is_capped_at_the_activity_length(rounds, physician):
    at = START + dt.timedelta(minutes=50)
    services.presence_record(activity=rounds, person=physician, minutes=50, source="events:stream", now=at)
    attendance = services.presence_record(
        activity=rounds, person=physician, minutes=50, source="events:stream", now=at
    )
    assert attendance.minutes_present == 60


def test_presence_after_the_window_needs_enduring_credit(rounds, physician):
    later = START + dt.timedelta(days=3)
    refused(
        "no longer counts",
        services.presence_record,
        activity=rounds,
        person=physician,
        minutes=30,
        source="recording",
        now=later,
    )
    refused(
        "between 1 and 1440",
        services.presence_record,
        activity=rounds,
        person=physician,
        minutes=0,
        source="recording",
        now=START,
    )
    recorded = credit_activity(
        starts_at=START,
        enduring_allowed=True,
        enduring_until=START + dt.timedelta(days=30),
        title="Recorded rounds",
    )
    attendance = services.presence_record(
        activity=recorded, person=physician, minutes=60, source="recording", now=later
    )
    assert attendance.method == "enduring" and attendance.minutes_attended() == 60
    refused(
        "no longer counts",
        services.presence_record,
        activity=recorded,
        person=physician,
        minutes=5,
        source="recording",
        now=START + dt.timedelta(days=31),
    )


def test_evaluation_needs_attendance_and_a_bias_comment_and_happens_once(rounds, physician):
    at = START + dt.timedelta(minutes=10)
    refused("check in", evaluate, activity=rounds, person=physician, at=at)
    services.checkin(activity=rounds, person=physician, code=code_at(rounds, at), now=at)
    refused("Describe the commercial bias", services.evaluation_submit, activity=rounds, person=physician,
            objectives_met="yes", free_of_bias=False, practice_change="no", now=at)  # fmt: skip
    refused("objectives were met", services.evaluation_submit, activity=rounds, person=physician,
            objectives_met="maybe", free_of_bias=True, practice_change="no", now=at)  # fmt: skip
    evaluate(rounds, physician, at)
    refused("already evaluated", evaluate, activity=rounds, person=physician, at=at)


def test_activity_needs_offers_and_sane_times():
    before = (Activity.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError, match="at least one credit type"):
        credit_activity(starts_at=START, offers={})
    with pytest.raises(ValidationError, match="steps of 0.25"):
        credit_activity(starts_at=START, offers={CreditType.AMA_PRA_1: "1.1"})
    with pytest.raises(ValidationError, match="end after it starts"):
        credit_activity(starts_at=START, minutes=0)
    with pytest.raises(ValidationError, match="Name the commercial supporters"):
        credit_activity(starts_at=START, commercial_support=True)
    assert (Activity.objects.count(), AuditEntry.objects.count()) == before


def test_only_the_cme_office_of_the_site_sets_up_activities(make_person):
    site, elsewhere = f.SiteFactory(), f.SiteFactory()
    office = make_person(role=None, grants=[(Capability.CME, site)])
    nurse = make_person()
    kwargs = dict(
        title="Rounds",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=1),
        provider_name="BMC",
        offers={"ama_pra_1": "1"},
    )
    services.activity_create(actor=office, site=site, **kwargs)
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=office, site=elsewhere, **kwargs)
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=nurse, site=site, **kwargs)


def test_offers_freeze_once_claimed(rounds, physician):
    at = START + dt.timedelta(minutes=10)
    services.activity_update(actor=None, activity=rounds, offers={"ama_pra_1": "0.75"})
    attend(rounds, physician, at=at)
    services.claim(activity=rounds, person=physician, credit_type="ama_pra_1", now=at)
    with pytest.raises(ValidationError, match="offers can no longer change"):
        services.activity_update(actor=None, activity=rounds, offers={"ama_pra_1": "1.00"})
