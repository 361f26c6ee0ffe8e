"""The demo's continuing education: the physician's partly-done licence period, the office's view."""

import pytest
from django.urls import reverse

from bedside.credits.models import Activity, Claim
from bedside.demo.tests.test_seed import seeded  # noqa: F401 - the seeded demo hospital
from bedside.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_physician_and_cme_office_see_credit(seeded, client):  # noqa: F811
    doctor = Person.objects.get(email="physician@demo.bedside.test")
    # The conference and the disclosure course, and the grand rounds talks they went to.
    assert Claim.objects.filter(person=doctor, activity__source_app="").count() == 2
    assert Claim.objects.filter(person=doctor, activity__source_app="events").count() >= 3
    client.force_login(doctor)
    page = client.get(reverse("credits-transcript")).content.decode()
    assert "Massachusetts physician licence" in page and "still needed" in page
    assert (
        "Opioid education and pain management: 0.00 of 3.00" in page
        or "Opioid education and pain management: 0 of 3.00" in page
    )
    client.force_login(Person.objects.get(email="cme@demo.bedside.test"))
    office = client.get(reverse("credits-office")).content.decode()
    assert "Regional Cardiology Conference 2026" in office and "3 people" in office
    live = Activity.objects.get(title="Point-of-care ultrasound workshop")
    assert "<svg" in client.get(reverse("credits-screen", args=[live.pk])).content.decode()


def test_grand_rounds_offer_credit_with_past_claims_and_a_live_check_in(seeded, client):  # noqa: F811
    import datetime as dt

    import time_machine

    from bedside.credits.services import checkin_open
    from bedside.demo.tests.test_seed import NOON
    from bedside.events.models import Event

    past = Event.objects.filter(series__isnull=False, ends_at__lt=NOON).select_related("activity")
    assert past and all(e.activity is not None for e in past)
    assert all(e.activity.format == "rss" for e in past)
    claimed = Claim.objects.filter(activity__source_app="events")
    assert claimed.filter(credit_type="ama_pra_1").exists() and claimed.filter(credit_type="ancc").exists()
    assert not claimed.filter(claimed_at__gt=NOON).exists()
    doctor = Person.objects.get(email="physician@demo.bedside.test")
    mine = claimed.filter(person=doctor).select_related("activity").first()
    assert mine.activity.title.startswith("Medicine Grand Rounds: ")

    live = Event.objects.select_related("activity").get(title__endswith="(live)")
    assert checkin_open(live.activity, NOON) and checkin_open(live.activity, NOON + dt.timedelta(hours=8))
    with time_machine.travel(NOON, tick=False):
        client.force_login(doctor)
        page = client.get(reverse("event", args=[live.pk])).content.decode()
        assert "credit-panel" in page and 'name="code"' in page
        client.force_login(Person.objects.get(email="educator@demo.bedside.test"))
        assert "screen-code" in client.get(reverse("event-moderate", args=[live.pk])).content.decode()
        past_page = client.get(reverse("event", args=[mine.activity.source_id])).content.decode()
        assert "credit-panel" in past_page
