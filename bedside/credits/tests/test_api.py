import datetime as dt

import pytest
import time_machine

from bedside.credits import services
from bedside.credits.models import Attendance, Claim, Evaluation, Licence, LicenceType
from bedside.credits.tests.conftest import START
from bedside.records.models import Record

pytestmark = pytest.mark.django_db
AT = START + dt.timedelta(minutes=10)


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_check_in_evaluate_and_claim_by_api(client, make_person, rounds):
    physician = make_person(role="MD")
    client.force_login(physician)
    base = f"/api/v1/credits/activities/{rounds.pk}"
    with time_machine.travel(AT, tick=False):
        code = services.rotating_code(rounds).short_code(AT)
        checked = _post(client, f"{base}/checkin", {"code": code})
        assert checked.status_code == 200 and checked.json()["minutes_attended"] == 60
        early = _post(client, f"{base}/claim", {"credit_type": "ama_pra_1"})
        assert early.status_code == 400 and "Evaluate the activity first" in early.json()["detail"]
        assert (
            _post(
                client,
                f"{base}/evaluation",
                {"objectives_met": "yes", "free_of_bias": True, "practice_change": "no"},
            ).status_code
            == 200
        )
        over = _post(client, f"{base}/claim", {"credit_type": "ama_pra_1", "amount": "1.50"})
        assert over.status_code == 400 and "at most 1.00" in over.json()["detail"]
        made = _post(client, f"{base}/claim", {"credit_type": "ama_pra_1"})
        assert made.status_code == 200 and made.json()["amount"] == "1.00"
        again = _post(client, f"{base}/claim", {"credit_type": "ancc"})
        assert again.status_code == 400 and "already claimed" in again.json()["detail"]
        transcript = client.get("/api/v1/credits/transcript").json()
        assert transcript["totals"] == [{"credit_type": "ama_pra_1", "amount": "1.00"}]
        claims = client.get("/api/v1/credits/claims").json()
        assert claims["count"] == 1 and claims["items"][0]["code"] == made.json()["code"]


def test_bad_input_is_4xx_and_writes_nothing(client, make_person, rounds):
    client.force_login(make_person())
    base = f"/api/v1/credits/activities/{rounds.pk}"
    with time_machine.travel(AT, tick=False):
        for url, body in (
            (f"{base}/checkin", {"code": "999999"}),
            (f"{base}/checkin", {"code": ""}),
            (f"{base}/checkin", {}),
            (f"{base}/claim", {"credit_type": "cme_points"}),
            (f"{base}/claim", {"credit_type": "ama_pra_1", "amount": "-1"}),
            (
                f"{base}/evaluation",
                {"objectives_met": "maybe", "free_of_bias": True, "practice_change": "no"},
            ),
            ("/api/v1/credits/activities/999999/checkin", {"code": "123456"}),
        ):
            response = _post(client, url, body)
            assert 400 <= response.status_code < 500, (url, body, response.status_code)
    assert not Attendance.objects.exists() and not Evaluation.objects.exists() and not Claim.objects.exists()
    assert not Record.objects.exists()


def test_the_api_only_ever_shows_ones_own_claims(client, make_person, rounds):
    other = make_person()
    services.checkin(
        activity=rounds, person=other, code=services.rotating_code(rounds).short_code(AT), now=AT
    )
    services.evaluation_submit(
        activity=rounds, person=other, objectives_met="yes", free_of_bias=True, practice_change="yes", now=AT
    )
    services.claim(activity=rounds, person=other, credit_type="ama_pra_1", now=AT)
    client.force_login(make_person())
    assert client.get("/api/v1/credits/claims").json()["count"] == 0
    assert client.get("/api/v1/credits/transcript").json()["claims"] == []


def test_the_transcript_of_someone_with_a_licence_counts_the_days_left(client, make_person):
    # The answer's licences lacked days_left, which the schema requires: every call of anyone
    # holding a licence answered 500.
    physician = make_person(role="MD")
    ma = LicenceType.objects.create(
        name="Massachusetts physician", jurisdiction="MA", profession="Physician", credits_required=50,
        accepted_types=["ama_pra_1"],
    )  # fmt: skip
    Licence.objects.create(
        person=physician, licence_type=ma, number="MA-123",
        period_start=dt.date(2025, 7, 1), period_end=dt.date(2027, 6, 30),
    )  # fmt: skip
    client.force_login(physician)
    answer = client.get("/api/v1/credits/transcript", {"on": "2027-06-20"})
    assert answer.status_code == 200
    (licence,) = answer.json()["licences"]
    assert licence["number"] == "MA-123" and licence["days_left"] == 10
