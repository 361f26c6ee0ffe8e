"""Credit on the event pages: the organiser's form (the CME office's part), the attendee's panel on the event
and live pages (check in, claim, refusals shown there with nothing written), the room code for moderators
and speakers, and the public page (no personal data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from bedside.audit.models import AuditEntry
from bedside.credits import services as credits
from bedside.credits.models import Activity, Attendance, Claim, Evaluation
from bedside.events import services
from bedside.events.credit import CreditTerms
from bedside.events.models import Event
from bedside.people.models import Capability
from bedside.records.models import Record

from .conftest import NOW

pytestmark = pytest.mark.django_db
TERMS = CreditTerms(
    offers={"ama_pra_1": Decimal("1.00"), "ancc": Decimal("1.00")}, provider_name="Harbor CME"
)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cme_office(make_person, unit):
    return make_person(unit=unit, role="ADM", grants=[(Capability.CME, unit.site)])


@pytest.fixture
def physician(make_person, unit):
    return make_person(unit=unit, role="ATT")


@pytest.fixture
def accredited(make_event):
    """A hybrid talk that started ten minutes ago (NOW), offering 1.00 AMA PRA Category 1 and 1.00 ANCC."""

    def make(**kwargs):
        event = make_event(**kwargs)
        services.event_update(actor=None, event=event, fields=_same(event), credit_terms=TERMS)
        return Event.objects.get(pk=event.pk)

    return make


def _same(event: Event) -> services.EventFields:
    return services.EventFields(
        **{name: getattr(event, name) for name in services.EventFields.__dataclass_fields__}
    )


def written():
    return (
        Attendance.objects.count(),
        Evaluation.objects.count(),
        Claim.objects.count(),
        Record.objects.count(),
        AuditEntry.objects.filter(action__startswith="credits.").count(),
    )


def code_now(event, at=NOW) -> str:
    return credits.rotating_code(event.activity).short_code(at)


def page(client, event, **kwargs) -> str:
    return client.get(f"/events/{event.pk}/", **kwargs).content.decode()


def post(client, event, data, *, live=False) -> str:
    url = f"/events/{event.pk}/" + ("?from=live" if live else "")
    return client.post(url, data, follow=True).content.decode()


def evaluate(event, person):
    credits.evaluation_submit(
        activity=event.activity,
        person=person,
        objectives_met="yes",
        free_of_bias=True,
        practice_change="yes",
        now=NOW,
    )


# --- Organisers --------------------------------------------------------------------------------------


def test_the_cme_office_creates_an_event_that_offers_credit_from_the_page(cme_office, unit, client):
    client.force_login(cme_office)
    assert (
        "This talk offers continuing-education credit" in client.get("/events/organise/new/").content.decode()
    )
    form = {"title": "Sepsis update", "department": unit.department.pk, "day": "2026-11-19", "start": "08:00",
            "end": "09:00", "mode": "virtual", "stream_url": "https://stream.example.org/r",
            "objectives": "Recognise sepsis early", "credit-offers_credit": "on", "credit-ama_pra_1": "1.00",
            "credit-ancc": "1.00", "credit-provider_name": "Harbor General Office of CME",
            "credit-accreditor_activity_id": "HG-2026-0101", "credit-evaluation_required": "on",
            "credit-enduring_until": "2027-02-19", "credit-checkin_opens_minutes": "15",
            "credit-checkin_closes_minutes": "30"}  # fmt: skip
    bad = client.post(
        "/events/organise/new/", {**form, "credit-ama_pra_1": "1.10", "credit-ancc": ""}
    ).content
    assert "in steps of 0.25" in bad.decode()
    assert not Event.objects.exists() and not Activity.objects.exists()
    assert client.post("/events/organise/new/", form).status_code == 302
    activity = Event.objects.get().activity
    assert activity.accreditor_activity_id == "HG-2026-0101"
    assert activity.starts_at == dt.datetime(2026, 11, 19, 13, 0, tzinfo=dt.UTC)  # 08:00 in New York
    assert activity.enduring_allowed and activity.enduring_until.date() == dt.date(2027, 2, 20)  # 23:59 local
    manage = client.get(f"/events/organise/{Event.objects.get().pk}/").content.decode()
    assert "Offers up to 1.00 AMA PRA Category 1 Credit™ and 1.00 ANCC contact hours" in manage


def test_an_educator_sees_the_offer_but_cannot_change_it(educator, accredited, client):
    event = accredited()
    client.force_login(educator)
    manage = client.get(f"/events/organise/{event.pk}/").content.decode()
    assert "The CME office sets what credit it offers" in manage and "credit-ama_pra_1" not in manage
    local = event.starts_at.astimezone(event.tz)
    client.post(
        f"/events/organise/{event.pk}/",
        {"form": "event", "title": "Sepsis: the first hour", "department": event.department_id,
         "day": local.date().isoformat(), "start": "08:00", "end": "09:30", "mode": "hybrid", "room": event.room_id,
         "stream_url": event.stream_url, "credit-offers_credit": "on", "credit-ama_pra_1": "9.00",
         "credit-provider_name": "Someone"},
    )  # fmt: skip
    activity = Activity.objects.get(pk=event.activity_id)
    assert activity.title == "Sepsis: the first hour" and activity.minutes == 90
    assert [str(o.max_amount) for o in activity.offers.all()] == ["1.00", "1.00"]


def test_moving_a_talk_after_a_claim_is_refused_on_the_page_and_nothing_is_written(
    cme_office, physician, accredited, client
):
    event = accredited()
    credits.checkin(activity=event.activity, person=physician, code=code_now(event), now=NOW)
    evaluate(event, physician)
    credits.claim(activity=event.activity, person=physician, credit_type="ama_pra_1", now=NOW)
    client.force_login(cme_office)
    local = event.starts_at.astimezone(event.tz)
    response = client.post(
        f"/events/organise/{event.pk}/",
        {"form": "event", "title": "Moved", "department": event.department_id, "day": local.date().isoformat(),
         "start": "10:00", "end": "11:00", "mode": "hybrid", "room": event.room_id, "stream_url": event.stream_url,
         "credit-offers_credit": "on", "credit-ama_pra_1": "1.00", "credit-ancc": "1.00",
         "credit-provider_name": "Harbor CME", "credit-evaluation_required": "on",
         "credit-checkin_opens_minutes": "15", "credit-checkin_closes_minutes": "30"},
    ).content.decode()  # fmt: skip
    assert "Credit has been claimed for this activity: its times can no longer change." in response
    assert Event.objects.get(pk=event.pk).title == "Sepsis update"
    assert Activity.objects.get(pk=event.activity_id).starts_at == event.starts_at


def test_a_series_offers_credit_by_default_from_its_page(cme_office, educator, unit, client):
    series = services.series_create(
        actor=educator, title="Medicine Grand Rounds", department=unit.department, weekday=3, at=dt.time(8, 0)
    )
    client.force_login(educator)
    assert "Credit for each talk" not in client.get(f"/events/organise/series/{series.pk}/").content.decode()
    assert client.post(f"/events/organise/series/{series.pk}/", {"form": "credit"}).status_code == 403
    client.force_login(cme_office)
    client.post(
        f"/events/organise/series/{series.pk}/",
        {"form": "credit", "ama_pra_1": "1.00", "provider_name": "Harbor CME", "evaluation_required": "on"},
    )
    client.post(
        f"/events/organise/series/{series.pk}/",
        {"form": "schedule", "first_day": "2026-11-16", "weeks": "2", "mode": "virtual",
         "stream_url": "https://stream.example.org/r"},
    )  # fmt: skip
    assert [e.activity.provider_name for e in series.events.select_related("activity")] == ["Harbor CME"] * 2


# --- Attendees ---------------------------------------------------------------------------------------


def test_an_attendee_checks_in_and_claims_on_the_event_page(physician, accredited, client):
    event = accredited()
    client.force_login(physician)
    before = page(client, event)
    assert "Up to 1.00 AMA PRA Category 1 Credit™" in before and 'name="code"' in before
    after = post(client, event, {"credit": "checkin", "code": code_now(event)})
    assert "You are checked in." in after and "Evaluate the activity" in after
    assert Attendance.objects.get().device_id  # the browser's id, for the office's shared-device view
    evaluate(event, physician)
    assert 'value="claim"' in page(client, event)
    done = post(client, event, {"credit": "claim", "credit_type": "ama_pra_1", "attest": "1"})
    assert "1.00 AMA PRA Category 1 Credit™ claimed" in done
    claim = Claim.objects.get()
    assert (
        f"/credits/certificates/{claim.code}.pdf" in done
        and f"/credits/certificates/{claim.code}.jwt" in done
    )


@pytest.mark.parametrize(
    "when, code_of, message",
    [
        (NOW - dt.timedelta(minutes=40), "this", "Check-in opens at"),  # 30 minutes before the start
        (NOW + dt.timedelta(hours=2), "this", "Check-in closed at"),
        (NOW, "other", "That code is for another activity"),
        (NOW, "expired", "That code has expired"),
        (NOW, "wrong", "That code is not right for this activity, or it has changed"),
        (NOW, "letters", "That is not a check-in code"),
    ],
)
def test_a_refused_check_in_is_shown_on_the_event_page_and_nothing_is_written(
    physician, accredited, client, when, code_of, message
):
    event = accredited()
    other = accredited()
    token = credits.rotating_code
    codes = {"this": code_now(event, when), "other": token(other.activity).token(when),
             "expired": token(event.activity).token(when - dt.timedelta(minutes=5)),
             "wrong": code_now(event, when - dt.timedelta(minutes=5)), "letters": "abc!"}  # fmt: skip
    client.force_login(physician)
    before = written()
    with time_machine.travel(when, tick=False):
        response = post(client, event, {"credit": "checkin", "code": codes[code_of]})
    assert message in response
    assert written() == before


def test_a_second_check_in_is_refused_on_the_page(physician, accredited, client):
    event = accredited()
    client.force_login(physician)
    post(client, event, {"credit": "checkin", "code": code_now(event)})
    before = written()
    assert "one check-in is enough" in post(client, event, {"credit": "checkin", "code": code_now(event)})
    assert written() == before


def test_refused_claims_are_shown_on_the_event_page_and_nothing_is_written(physician, accredited, client):
    event = accredited()
    client.force_login(physician)
    post(client, event, {"credit": "checkin", "code": code_now(event)})
    claim = {"credit": "claim", "credit_type": "ama_pra_1", "attest": "1"}
    for data, message in (
        (claim, "Evaluate the activity first"),
        ({**claim, "attest": ""}, "Tick “I claim only the credit"),
    ):
        before = written()
        assert message in post(client, event, data)
        assert written() == before
    evaluate(event, physician)
    for data, message in (
        (
            {**claim, "amount": "2.00"},
            "This activity offers at most 1.00 credits of AMA PRA Category 1 Credit™.",
        ),
        ({**claim, "amount": "0.10"}, "steps of 0.25"),
        ({**claim, "credit_type": "ipce"}, "This activity does not offer IPCE credit"),
    ):
        before = written()
        assert message in post(client, event, data)
        assert written() == before
    post(client, event, claim)
    before = written()
    assert "You already claimed 1.00 AMA PRA Category 1 Credit™ for this activity: one claim each." in post(
        client, event, {**claim, "credit_type": "ancc"}
    )
    assert written() == before


def test_an_event_without_credit_shows_no_panel_and_refuses_credit_posts(physician, make_event, client):
    event = make_event()
    client.force_login(physician)
    assert "credit-panel" not in page(client, event)
    assert "This event offers no credit." in post(client, event, {"credit": "checkin", "code": "123456"})


def test_the_live_page_carries_the_panel_and_answers_there(physician, accredited, client):
    event = accredited()
    client.force_login(physician)
    live = client.get(f"/events/{event.pk}/live/").content.decode()
    assert 'href="#credit"' in live and f'action="/events/{event.pk}/?from=live"' in live
    response = client.post(f"/events/{event.pk}/?from=live", {"credit": "checkin", "code": code_now(event)})
    assert response.status_code == 302 and response.url == f"/events/{event.pk}/live/"


# --- The room code ------------------------------------------------------------------------------------


def test_moderators_and_speakers_see_the_rotating_code_and_its_fragment_refreshes(
    educator, physician, make_person, accredited, make_event, client
):
    event = accredited()
    moderator, speaker = make_person(), make_person()
    services.moderators_set(actor=None, event=event, persons=[moderator])
    services.speaker_add(actor=None, event=event, name="", person=speaker, disclosure="none")
    shown = code_now(event)
    for person, url in ((moderator, "moderate"), (speaker, "speaker"), (educator, "moderate")):
        client.force_login(person)
        body = client.get(f"/events/{event.pk}/{url}/").content.decode()
        assert f"{shown[:3]} {shown[3:]}" in body and f'hx-get="/events/{event.pk}/check-in-code/"' in body
        fragment = client.get(f"/events/{event.pk}/check-in-code/").content.decode()
        assert fragment.lstrip().startswith("<div") or "screen-code" in fragment
        assert f"{shown[:3]} {shown[3:]}" in fragment and "<html" not in fragment
    client.force_login(physician)
    assert client.get(f"/events/{event.pk}/check-in-code/").status_code == 404
    plain = make_event()
    client.force_login(educator)
    assert client.get(f"/events/{plain.pk}/check-in-code/").status_code == 404
    assert "screen-code" not in client.get(f"/events/{plain.pk}/moderate/").content.decode()


def test_the_public_page_says_what_credit_it_offers_and_nothing_personal(physician, accredited, client):
    event = accredited(public=True)
    credits.checkin(activity=event.activity, person=physician, code=code_now(event), now=NOW)
    body = client.get(f"/open/events/{event.slug}/").content.decode()
    assert "1.00 AMA PRA Category 1 Credit™" in body
    assert physician.full_name not in body and "Check-in code" not in body and "credit-panel" not in body
