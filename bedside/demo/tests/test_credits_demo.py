"""The demo's continuing education: the physician's partly-done licence period, the office's view."""

import pytest
from django.urls import reverse

from bedside.credits.models import Activity, Claim
from bedside.demo.tests.test_seed import seeded  # noqa: F401 - the seeded demo hospital
from bedside.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_physician_and_cme_office_see_credit(seeded, client):  # noqa: F811
    doctor = Person.objects.get(email="physician@demo.bedside.test")
    assert Claim.objects.filter(person=doctor).count() == 2
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
