"""Live progress: by unit, role and item, not started, over time, CSV; the pages and the digests."""

import datetime as dt

import pytest
from django.core import mail

from bedside.campaigns.escalations import digests_claim
from bedside.campaigns.models import Campaign, Digest
from bedside.campaigns.queries import campaign_progress, timeline
from bedside.campaigns.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 30, 17, tzinfo=dt.UTC)


def test_progress_counts_done_by_unit_role_and_item(launched, hospital):
    p = campaign_progress(launched)
    assert (p.people, p.pairs, p.pairs_done, p.people_done, p.percent) == (5, 10, 3, 1, 30)
    assert [(t.label, t.done, t.total) for t in p.by_item] == [
        ("ICU drips", 1, 5),
        ("Prone positioning", 2, 5),
    ]
    assert [(t.label, t.percent) for t in p.by_unit] == [("Medical ICU", 30)]
    assert {p.full_name for p in p.not_started} == {
        "Cy Icu",
        hospital.educator.full_name,
        hospital.manager.full_name,
    }
    chart = timeline(p, TODAY)
    assert len(chart["labels"]) == 11 and chart["done"][0] == 30.0 and chart["done"][1] is None
    assert chart["target"][-1] == 100.0


def test_the_progress_page_polls_and_exports(client, launched, hospital, django_assert_max_num_queries):
    client.force_login(hospital.ward_educator)
    assert client.get(f"/campaigns/{launched.pk}/progress/").status_code == 404
    client.force_login(hospital.manager)
    with django_assert_max_num_queries(25):
        page = client.get(f"/campaigns/{launched.pk}/progress/").content.decode()
    assert "30%" in page and 'hx-trigger="every 15s"' in page and "progress-chart" in page
    live = client.get(f"/campaigns/{launched.pk}/progress/live/").content.decode()
    assert live.startswith('<div id="progress-live"') and "Not started (3)" in live
    csv = client.get(f"/campaigns/{launched.pk}/progress.csv").content.decode().splitlines()
    assert csv[0] == "employee_id,last_name,first_name,unit,job_role,item,status,completed"
    assert len(csv) == 11 and sum(",done," in line for line in csv) == 3
    api = client.get(f"/api/v1/campaigns/{launched.pk}/progress").json()
    assert (api["percent"], api["not_started"]) == (30, 3)


def test_an_educator_sets_up_and_launches_a_campaign_from_the_pages(
    client, hospital, django_capture_on_commit_callbacks
):
    client.force_login(hospital.educator)
    form = client.get("/campaigns/new/").content.decode()
    assert "Prone positioning" in form and hospital.ward.name not in form
    bad = client.post("/campaigns/new/", {"name": "X", "reason": "Y", "priority": "surge",
                                          "starts_on": "2026-11-30", "deadline": "2026-11-01"})  # fmt: skip
    assert bad.status_code == 200 and "deadline has passed" in bad.content.decode()
    assert "Choose at least one learning item" in bad.content.decode()
    outside = client.post("/campaigns/new/", {"name": "X", "reason": "Y", "priority": "surge", "named": "W1",
                                              "items": [hospital.items[0].item.pk], "starts_on": "2026-11-30",
                                              "deadline": "2026-12-10"})  # fmt: skip
    assert "only name people on the units you teach: Di Ward" in outside.content.decode()
    assert not Campaign.objects.exists()
    response = client.post(
        "/campaigns/new/",
        {
            "name": "ICU cross-training",
            "reason": "Surge beds",
            "priority": "surge",
            "items": [a.item.pk for a in hospital.items],
            "units": [hospital.icu.pk],
            "starts_on": "2026-11-30",
            "deadline": "2026-12-10",
            "named": "e0, E1",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Launch for 5 people" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/campaigns/{campaign.pk}/launch/")
    status = client.get(f"/campaigns/{campaign.pk}/launch/status/").content.decode()
    assert "Launched" in status and "10 requirements created" in status


def test_managers_get_one_digest_a_day_after_commit(launched, hospital, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_claim(now=NOW) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mann@example.org"] and "ICU cross-training" in message.body
    assert "Ben Icu" in message.body and "Ana Icu" not in message.body
    assert f"/campaigns/{launched.pk}/progress/" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_claim(now=NOW) == 0
    assert len(mail.outbox) == 1 and Digest.objects.get().sent_at is not None
