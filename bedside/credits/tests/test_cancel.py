"""Cancelling an activity: what was recorded stays, nothing new is taken (check-in, time, evaluation, claim,
certificate), and the service, the API and the pages say why."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bedside.audit.models import AuditEntry
from bedside.credits import badges, queries, services
from bedside.credits.models import Activity, Attendance, Claim
from bedside.credits.tests.conftest import START
from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.testing.credits import attend, attend_and_claim, credit_activity, credit_rows, refused

pytestmark = pytest.mark.django_db
CANCELLED_AT = START + dt.timedelta(minutes=20)  # Thu 26 Nov 2026, 08:20 in New York, during the talk
AFTER = START + dt.timedelta(minutes=25)  # still inside the check-in window
REASON = "This activity was cancelled on 26 Nov 2026"


@pytest.fixture
def site():
    return f.SiteFactory(name="Harbor General", time_zone="America/New_York")


@pytest.fixture
def office(make_person, site):
    return make_person(role=None, grants=[(Capability.CME, site)])


@pytest.fixture
def talk(site):
    return credit_activity(starts_at=START, site=site)


# --- The service ---------------------------------------------------------------------------------------


def test_cancelling_keeps_attendance_and_claims_and_audits_how_many(talk, office, make_person):
    claimed = attend_and_claim(talk, make_person(role="MD"))
    attend(talk, make_person(role="MD"), at=START + dt.timedelta(minutes=8))
    before = credit_rows()[:4]

    services.activity_cancel(actor=office, activity=talk, now=CANCELLED_AT)

    talk.refresh_from_db()
    assert talk.cancelled_at == CANCELLED_AT
    assert credit_rows()[:4] == before  # attendance, evaluations, claims and ledger records all stay
    assert Claim.objects.get(pk=claimed.pk).record_id == claimed.record_id
    entry = AuditEntry.objects.get(action="credits.activity_cancel")
    assert entry.actor == office and entry.target_id == str(talk.pk)
    assert entry.changes == {"attendances_kept": 2, "claims_kept": 1}


def test_only_the_cme_office_cancels_and_only_once(talk, office, make_person):
    with pytest.raises(PermissionDenied):
        services.activity_cancel(actor=make_person(role="MD"), activity=talk, now=CANCELLED_AT)
    assert Activity.objects.get(pk=talk.pk).cancelled_at is None
    services.activity_cancel(actor=office, activity=talk, now=CANCELLED_AT)
    refused(f"{REASON}: it is already cancelled.", services.activity_cancel, actor=office, activity=talk)


def test_a_cancelled_activity_takes_no_check_in_time_evaluation_or_claim(talk, make_person):
    attended, evaluated, late = make_person(role="MD"), make_person(role="MD"), make_person(role="MD")
    services.checkin(
        activity=talk, person=attended, code=services.rotating_code(talk).short_code(START), now=START
    )
    attend(talk, evaluated, at=START + dt.timedelta(minutes=5))
    services.activity_cancel(actor=None, activity=talk, now=CANCELLED_AT)

    code = services.rotating_code(talk).short_code(AFTER)
    refused(
        f"{REASON}: check-in is closed and it offers no credit.",
        services.checkin, activity=talk, person=late, code=code, now=AFTER,
    )  # fmt: skip
    refused(
        f"{REASON}: time no longer counts toward credit.",
        services.presence_record, activity=talk, person=late, minutes=10, source="virtual", now=AFTER,
    )  # fmt: skip
    refused(
        f"{REASON}: it takes no more evaluations.",
        services.evaluation_submit, activity=talk, person=attended, objectives_met="yes",
        free_of_bias=True, practice_change="yes", now=AFTER,
    )  # fmt: skip
    refused(
        f"{REASON}: credit can no longer be claimed for it.",
        services.claim, activity=talk, person=evaluated, credit_type="ama_pra_1", now=AFTER,
    )  # fmt: skip


def test_a_cancelled_activity_with_enduring_credit_no_longer_counts_time_later(make_person, site):
    recorded = credit_activity(
        starts_at=START, site=site, enduring_allowed=True, enduring_until=START + dt.timedelta(days=30)
    )
    later = START + dt.timedelta(days=3)
    assert recorded.enduring_open(later)
    services.activity_cancel(actor=None, activity=recorded, now=CANCELLED_AT)
    recorded.refresh_from_db()
    assert not recorded.enduring_open(later) and not services.checkin_open(recorded, AFTER)
    refused(
        f"{REASON}: time no longer counts toward credit.",
        services.presence_record, activity=recorded, person=make_person(), minutes=30, source="recording",
        now=later,
    )  # fmt: skip


def test_the_panel_says_cancelled_instead_of_offering_a_step(talk, make_person):
    physician = make_person(role="MD")
    services.activity_cancel(actor=None, activity=talk, now=CANCELLED_AT)
    panel = queries.panel_for(Activity.objects.get(pk=talk.pk), physician, AFTER)
    assert panel.step == "cancelled" and panel.cancelled == REASON
    assert not panel.checkin_open and not panel.enduring_open


# --- The API -------------------------------------------------------------------------------------------


def test_the_api_refuses_with_400_and_the_reason(client, talk, make_person):
    physician = make_person(role="MD")
    attend(talk, physician, at=START + dt.timedelta(minutes=5))
    services.activity_cancel(actor=None, activity=talk, now=CANCELLED_AT)
    client.force_login(make_person(role="MD"))
    base = f"/api/v1/credits/activities/{talk.pk}"
    before = credit_rows()
    with time_machine.travel(AFTER, tick=False):
        checkin = client.post(
            f"{base}/checkin",
            {"code": services.rotating_code(talk).short_code(AFTER)},
            content_type="application/json",
        )
        client.force_login(physician)
        claim = client.post(f"{base}/claim", {"credit_type": "ama_pra_1"}, content_type="application/json")
    assert checkin.status_code == 400
    assert checkin.json()["detail"] == f"{REASON}: check-in is closed and it offers no credit."
    assert claim.status_code == 400
    assert claim.json()["detail"] == f"{REASON}: credit can no longer be claimed for it."
    assert credit_rows() == before


# --- The pages -----------------------------------------------------------------------------------------


def test_the_learner_pages_say_cancelled_and_a_check_in_post_is_409(client, talk, make_person):
    services.activity_cancel(actor=None, activity=talk, now=CANCELLED_AT)
    client.force_login(make_person(role="MD"))
    with time_machine.travel(AFTER, tick=False):
        token = services.rotating_code(talk).token(AFTER)
        scanned = client.get(reverse("credits-checkin", args=[talk.pk]) + f"?c={token}").content.decode()
        before = credit_rows()
        posted = client.post(reverse("credits-checkin", args=[talk.pk]), {"code": token})
        activity_page = client.get(reverse("credits-activity", args=[talk.pk])).content.decode()
        claim_page = client.get(reverse("credits-claim", args=[talk.pk])).content.decode()
    assert REASON in scanned and 'name="code"' not in scanned
    assert posted.status_code == 409 and REASON in posted.content.decode() and credit_rows() == before
    assert f"{REASON}. It offers no credit" in activity_page and "Check in with the code" not in activity_page
    assert f"{REASON}: credit can no longer be claimed for it." in claim_page
    assert 'name="credit_type"' not in claim_page


def test_an_earlier_claim_stays_but_no_certificate_or_badge_is_issued(client, talk, make_person):
    physician = make_person(role="MD")
    claimed = attend_and_claim(talk, physician)
    token = badges.badge_jwt(claimed)
    services.activity_cancel(actor=None, activity=talk, now=CANCELLED_AT)
    client.force_login(physician)
    page = client.get(reverse("credits-certificate", args=[claimed.code])).content.decode()
    assert f"{REASON}: no certificate or badge is issued for it." in page and "Download the PDF" not in page
    for name in ("credits-certificate-pdf", "credits-badge"):
        refused_download = client.get(reverse(name, args=[claimed.code]))
        assert refused_download.status_code == 410 and REASON in refused_download.content.decode()
    client.logout()
    verify = client.get(reverse("credits-verify", args=[claimed.code])).content.decode()
    assert "Genuine" in verify and f"{REASON}, after this credit was claimed." in verify
    assert badges.verify(token).valid and REASON in badges.verify(token).reason


def test_the_office_cancels_from_the_activity_page_and_its_list_says_so(client, talk, office, make_person):
    attend(talk, make_person(role="MD"), at=START + dt.timedelta(minutes=5))
    client.force_login(office)
    url = reverse("credits-office-activity", args=[talk.pk])
    with time_machine.travel(CANCELLED_AT, tick=False):
        before = client.get(url).content.decode()
        assert "Cancel this activity" in before and "1 attendance record " in before
        done = client.post(url, {"action": "cancel"}, follow=True).content.decode()
        again = client.post(url, {"action": "cancel"}, follow=True).content.decode()
        screen = client.get(reverse("credits-screen", args=[talk.pk])).content.decode()
        listing = client.get(reverse("credits-office")).content.decode()
    assert Activity.objects.get(pk=talk.pk).cancelled_at == CANCELLED_AT
    assert "Activity cancelled" in done and f"{REASON}. It takes no check-in" in done
    assert "Room screen" not in done and "Cancel this activity" not in done
    assert f"{REASON}: it is already cancelled." in again
    assert f"{REASON}: check-in is closed" in screen and "hx-get" not in screen and "Scan with" not in screen
    assert 'tag-overdue">Cancelled</span>' in listing
    assert Attendance.objects.filter(activity=talk).count() == 1
