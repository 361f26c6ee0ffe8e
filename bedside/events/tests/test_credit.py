"""An event offers credit through its own credits activity: set up by the CME office, kept in step with
the event, frozen once someone claimed; a series offering credit gives each scheduled talk an activity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bedside.credits import services as credits
from bedside.credits.models import Activity, ActivityFormat, CreditOffer
from bedside.events import credit, services
from bedside.events.credit import CreditTerms
from bedside.events.models import Event, Mode
from bedside.events.services import EventFields
from bedside.people.models import Capability

from .conftest import NOW

pytestmark = pytest.mark.django_db
D = Decimal
TERMS = CreditTerms(
    offers={"ama_pra_1": D("1.00"), "ancc": D("1.00")},
    provider_name="Harbor General Office of CME",
    accreditor_activity_id="HG-2026-0101",
    commercial_supporters="",
)


@pytest.fixture
def cme_office(make_person, unit):
    return make_person(unit=unit, role="ADM", grants=[(Capability.CME, unit.site)])


def _fields(room, **changes) -> EventFields:
    values = {"title": "Sepsis update", "starts_at": NOW, "ends_at": NOW + dt.timedelta(hours=1),
              "mode": Mode.HYBRID, "room": room, "stream_url": "https://stream.example.org/r",
              "objectives": "Recognise sepsis early", **changes}  # fmt: skip
    return EventFields(**values)


def test_the_cme_office_creates_an_event_that_offers_credit(cme_office, unit, room):
    event = services.event_create(
        actor=cme_office, department=unit.department, fields=_fields(room), credit_terms=TERMS
    )
    activity = Event.objects.get(pk=event.pk).activity
    assert activity is not None
    assert (activity.source_app, activity.source_id) == ("events", str(event.pk))
    assert (activity.title, activity.starts_at, activity.ends_at) == (
        event.title,
        event.starts_at,
        event.ends_at,
    )
    assert activity.site == unit.site and activity.objectives == "Recognise sepsis early"
    assert activity.format == ActivityFormat.COURSE
    assert activity.location == f"{unit.site.name}, {room.name}, and online"
    assert activity.provider_name == "Harbor General Office of CME"
    assert activity.accreditor_activity_id == "HG-2026-0101"
    assert activity.evaluation_required and not activity.enduring_allowed
    assert {o.credit_type: o.max_amount for o in activity.offers.all()} == {
        "ama_pra_1": D("1.00"),
        "ancc": D("1.00"),
    }


def test_an_educator_who_is_not_the_cme_office_cannot_offer_credit(educator, unit, room):
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=educator, department=unit.department, fields=_fields(room), credit_terms=TERMS
        )
    assert not Event.objects.exists() and not Activity.objects.exists()
    event = services.event_create(actor=educator, department=unit.department, fields=_fields(room))
    with pytest.raises(PermissionDenied):
        services.event_update(actor=educator, event=event, fields=_fields(room), credit_terms=TERMS)
    assert not Activity.objects.exists()


def test_bad_terms_are_refused_and_nothing_is_written(cme_office, unit, room):
    bad = CreditTerms(offers={"ama_pra_1": D("1.10")}, provider_name="Harbor General Office of CME")
    with pytest.raises(ValidationError) as exc:
        services.event_create(
            actor=cme_office, department=unit.department, fields=_fields(room), credit_terms=bad
        )
    assert "steps of 0.25" in " ".join(exc.value.messages)
    assert not Event.objects.exists() and not Activity.objects.exists()
    early = CreditTerms(offers={"ama_pra_1": D("1")}, provider_name="CME", enduring_until=NOW)
    with pytest.raises(ValidationError, match="until after the activity ends"):
        services.event_create(
            actor=cme_office, department=unit.department, fields=_fields(room), credit_terms=early
        )
    assert not Event.objects.exists()


def test_the_activity_follows_the_event_when_an_educator_moves_it(cme_office, educator, unit, room):
    event = services.event_create(
        actor=cme_office, department=unit.department, fields=_fields(room), credit_terms=TERMS
    )
    later = NOW + dt.timedelta(days=1)
    services.event_update(
        actor=educator, event=event,
        fields=_fields(None, title="Sepsis: the first hour", starts_at=later, ends_at=later + dt.timedelta(minutes=90),
                       mode=Mode.VIRTUAL, objectives="Start the bundle\nCall early"),
    )  # fmt: skip
    activity = Activity.objects.get(pk=event.activity_id)
    assert activity.title == "Sepsis: the first hour"
    assert (activity.starts_at, activity.minutes) == (later, 90)
    assert activity.objective_lines() == ["Start the bundle", "Call early"]
    assert activity.format == ActivityFormat.INTERNET_LIVE and activity.location == "Online"
    assert activity.item.title == "Sepsis: the first hour" and activity.item.minutes == 90
    # The offers stay as the CME office set them.
    assert CreditOffer.objects.filter(activity=activity).count() == 2


def test_the_cme_office_changes_the_offer_and_enduring_credit(cme_office, unit, room):
    event = services.event_create(actor=cme_office, department=unit.department, fields=_fields(room))
    assert event.activity is None
    until = NOW + dt.timedelta(days=90)
    services.event_update(
        actor=cme_office, event=event, fields=_fields(room),
        credit_terms=CreditTerms(offers={"ama_pra_1": D("0.75")}, provider_name="CME", enduring_until=until,
                                 evaluation_required=False),
    )  # fmt: skip
    activity = Event.objects.get(pk=event.pk).activity
    assert [(o.credit_type, o.max_amount) for o in activity.offers.all()] == [("ama_pra_1", D("0.75"))]
    assert activity.enduring_allowed and activity.enduring_until == until and not activity.evaluation_required
    assert credit.terms_of(activity).enduring_until == until


def test_after_a_claim_the_times_and_offers_are_frozen_and_nothing_is_written(
    cme_office, unit, room, make_person
):
    event = services.event_create(
        actor=cme_office, department=unit.department, fields=_fields(room), credit_terms=TERMS
    )
    physician = make_person(unit=unit, role="ATT")
    activity = event.activity
    at = NOW + dt.timedelta(minutes=5)
    credits.checkin(
        activity=activity, person=physician, code=credits.rotating_code(activity).short_code(at), now=at
    )
    credits.evaluation_submit(activity=activity, person=physician, objectives_met="yes", free_of_bias=True,
                              practice_change="yes", now=at)  # fmt: skip
    credits.claim(activity=activity, person=physician, credit_type="ama_pra_1", now=at)

    later = NOW + dt.timedelta(hours=2)
    with pytest.raises(ValidationError, match="its times can no longer change"):
        services.event_update(
            actor=cme_office, event=Event.objects.get(pk=event.pk),
            fields=_fields(room, starts_at=later, ends_at=later + dt.timedelta(hours=1)),
        )  # fmt: skip
    assert Event.objects.get(pk=event.pk).starts_at == NOW
    with pytest.raises(ValidationError, match="its offers can no longer change"):
        services.event_update(
            actor=cme_office, event=Event.objects.get(pk=event.pk), fields=_fields(room, title="Renamed"),
            credit_terms=CreditTerms(offers={"ama_pra_1": D("0.5")}, provider_name="CME"),
        )  # fmt: skip
    assert Event.objects.get(pk=event.pk).title == "Sepsis update"
    # A new title alone still passes on.
    services.event_update(
        actor=cme_office, event=Event.objects.get(pk=event.pk), fields=_fields(room, title="Renamed")
    )
    assert Activity.objects.get(pk=activity.pk).title == "Renamed"


def test_a_series_offering_credit_gives_each_scheduled_talk_an_activity(cme_office, educator, unit):
    series = services.series_create(
        actor=educator, title="Medicine Grand Rounds", department=unit.department, weekday=3, at=dt.time(8, 0)
    )
    with pytest.raises(PermissionDenied):
        credit.series_credit_set(
            actor=educator, series=series, offers={"ama_pra_1": "1.00"}, provider_name="CME"
        )
    with pytest.raises(ValidationError, match="Name the accredited provider"):
        credit.series_credit_set(actor=cme_office, series=series, offers={"ama_pra_1": "1.00"})
    credit.series_credit_set(
        actor=cme_office, series=series, offers={"ama_pra_1": "1.00", "ancc": "", "hospital_ce": "1.0"},
        provider_name="Harbor General Office of CME", enduring_days=30,
    )  # fmt: skip
    how = EventFields(title="Grand rounds", starts_at=NOW, ends_at=NOW, mode=Mode.VIRTUAL,
                      stream_url="https://s.example.org/r")  # fmt: skip
    events = services.series_schedule(
        actor=educator, series=series, first_day=dt.date(2026, 11, 9), weeks=3, fields=how
    )
    assert len(events) == 3
    for event in events:
        activity = Event.objects.get(pk=event.pk).activity
        assert activity.format == ActivityFormat.RSS
        assert activity.title == "Medicine Grand Rounds: Grand rounds"
        assert activity.enduring_until == event.ends_at + dt.timedelta(days=30)
        assert {o.credit_type for o in activity.offers.all()} == {"ama_pra_1", "hospital_ce"}
    # Without offers, later talks offer none.
    credit.series_credit_set(actor=cme_office, series=series, offers={})
    more = services.series_schedule(
        actor=educator, series=series, first_day=dt.date(2026, 11, 30), weeks=1, fields=how
    )
    assert more[0].activity is None
