import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from bedside.credits import services
from bedside.credits.models import Attendance, Claim
from bedside.credits.tests.conftest import START
from bedside.records.models import Record
from bedside.testing.credits import attend_and_claim, credit_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(db):
    return credit_activity(starts_at=START, location="Amphitheatre A")


def test_learner_checks_in_evaluates_claims_and_gets_a_certificate(client, make_person, rounds):
    physician = make_person(role="MD", first_name="Ana", last_name="Okafor")
    client.force_login(physician)
    at = START + dt.timedelta(minutes=10)
    with time_machine.travel(at, tick=False):
        token = services.rotating_code(rounds).token(at)
        page = client.get(reverse("credits-checkin", args=[rounds.pk]) + f"?c={token}")
        assert page.status_code == 200 and token in page.content.decode()
        assert "bedside_device" in page.cookies
        done = client.post(reverse("credits-checkin", args=[rounds.pk]), {"code": token})
        assert done.status_code == 302
        attendance = Attendance.objects.get(person=physician)
        assert attendance.device_id == page.cookies["bedside_device"].value
        panel = client.get(reverse("credits-activity", args=[rounds.pk])).content.decode()
        assert "Evaluate the activity" in panel and "Checked in" in panel
        answers = {
            "objectives_met": "yes",
            "free_of_bias": "yes",
            "practice_change": "partly",
            "comments": "Great",
        }
        assert client.post(reverse("credits-evaluate", args=[rounds.pk]), answers).status_code == 302
        over = client.post(
            reverse("credits-claim", args=[rounds.pk]),
            {"credit_type": "ama_pra_1", "amount": "1.25", "attest": "on"},
        )
        assert over.status_code == 200 and "at most 1.00" in over.content.decode()
        claimed = client.post(
            reverse("credits-claim", args=[rounds.pk]),
            {"credit_type": "ama_pra_1", "amount": "1.00", "attest": "on"},
        )
        claim = Claim.objects.get(person=physician)
        assert claimed.headers["Location"] == reverse("credits-certificate", args=[claim.code])
        page = client.get(claimed.headers["Location"]).content.decode()
        assert "Ana Okafor" in page and "1.00 AMA PRA Category 1 Credit" in page
        pdf = client.get(reverse("credits-certificate-pdf", args=[claim.code]))
        assert (
            pdf["Content-Type"] == "application/pdf"
            and pdf["Cache-Control"].startswith("no-store")
            or "no-store" in pdf["Cache-Control"]
        )
        text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        assert (
            "Ana Okafor" in text
            and "Medicine Grand Rounds" in text
            and "1.00 AMA PRA Category 1 Credit" in text
        )
        assert f"verify/{claim.code}/" in "".join(text.split())  # the verification URL is printed


def test_wrong_code_shows_the_reason_and_writes_nothing(client, make_person, rounds):
    client.force_login(make_person())
    with time_machine.travel(START + dt.timedelta(minutes=10), tick=False):
        page = client.post(reverse("credits-checkin", args=[rounds.pk]), {"code": "000000"})
    assert page.status_code == 200 and "not right for this activity" in page.content.decode()
    assert not Attendance.objects.exists() and not Record.objects.exists()


def test_verification_page_is_public_and_a_made_up_code_is_not_found(client, make_person, rounds):
    physician = make_person(first_name="Ana", last_name="Okafor")
    at = START + dt.timedelta(minutes=10)
    claim = attend_and_claim(rounds, physician, credit_type="ancc", at=at, practice_change="no")
    page = client.get(reverse("credits-verify", args=[claim.code]))
    assert (
        page.status_code == 200
        and "Genuine" in page.content.decode()
        and "Ana Okafor" in page.content.decode()
    )
    assert client.get(reverse("credits-verify", args=["made-up-code"])).status_code == 404


def test_room_screen_shows_the_qr_and_the_digits(client, make_person, rounds):
    admin = make_person(role=None, is_superuser=True)
    client.force_login(admin)
    at = START + dt.timedelta(minutes=3)
    with time_machine.travel(at, tick=False):
        page = client.get(reverse("credits-screen", args=[rounds.pk])).content.decode()
        digits = services.rotating_code(rounds).short_code(at)
    assert "<svg" in page and f"{digits[:3]} {digits[3:]}" in page and "hx-trigger" in page


def test_after_check_in_closes_the_steps_say_closed_not_then(client, make_person, rounds):
    client.force_login(make_person(role="MD"))
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        page = client.get(reverse("credits-activity", args=[rounds.pk])).content.decode()
    # "Then Evaluate, then Claim credit" under "Check-in has closed" promised steps no one can take any more.
    assert "Check-in has closed" in page and "Credit is no longer offered" in page
    assert "Closed</span> Claim credit" in page and "Then</span>" not in page
