import datetime as dt

from django.utils import timezone

from bedside.drills.models import CardState, ReviewLog
from bedside.testing.api import bearer


def test_the_queue_and_one_request_per_answer(client, make_person, make_deck):
    nurse = make_person()
    deck = make_deck(learners=[nurse], cards=2)
    headers = bearer(nurse)
    queue = client.get("/api/v1/drills/queue?minutes=3", headers=headers).json()
    assert queue["new"] == 2 and queue["cards"][0]["deck"] == deck.item.title
    card = queue["cards"][0]["id"]
    answer = client.post(
        "/api/v1/drills/answers",
        {"card": card, "rating": 3},
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 200 and answer.json()["next_due"] > timezone.now().isoformat()
    again = client.post(
        "/api/v1/drills/answers",
        {"card": card, "rating": 3},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 400 and "not due" in again.json()["detail"]
    other = client.post(f"/api/v1/drills/answers/undo?card={card + 1000}", headers=headers)
    assert other.status_code == 400 and "another card" in other.json()["detail"]
    undo = client.post(f"/api/v1/drills/answers/undo?card={card}", headers=headers)
    assert undo.status_code == 200 and not CardState.objects.exists()
    assert client.post("/api/v1/drills/answers/undo", headers=headers).status_code == 400
    assert ReviewLog.objects.count() == 1  # kept whole, marked undone
    decks = client.get("/api/v1/drills/decks", headers=headers).json()["items"]
    assert decks[0]["chosen"] and decks[0]["predicted_recall"] == 0


def test_an_answer_for_someone_elses_card_is_refused(client, make_person, make_deck):
    nurse, other = make_person(), make_person()
    card = make_deck(learners=[other]).cards.first()
    response = client.post(
        "/api/v1/drills/answers",
        {"card": card.pk, "rating": 3},
        content_type="application/json",
        headers=bearer(nurse),
    )
    assert response.status_code == 400 and "not in your decks" in response.json()["detail"]
    bad = client.post(
        "/api/v1/drills/answers",
        {"card": card.pk, "rating": 9},
        content_type="application/json",
        headers=bearer(nurse),
    )
    assert bad.status_code == 422


def test_a_facilitator_taps_through_the_api(client, make_person, make_unit):
    from bedside.drills.sim_services import drill_plan, drill_start, scenario_create

    icu = make_unit()
    educator = make_person(unit=icu, grants=[("teach", icu)])
    scenario = scenario_create(
        actor=None,
        title="Mock code",
        kind="mock_code",
        key_actions=[{"key": "first_shock", "label": "First shock", "target_seconds": 120}],
    )
    drill = drill_plan(actor=educator, scenario=scenario, unit=icu, planned_at=timezone.now(),
                       facilitator=educator, participants=[])  # fmt: skip
    url = f"/api/v1/sim/drills/{drill.pk}/actions/first_shock"
    assert client.post(url, headers=bearer(educator)).status_code == 400  # not started
    drill_start(actor=educator, drill=drill, now=timezone.now() - dt.timedelta(seconds=95))
    tapped = client.post(url, headers=bearer(educator)).json()
    assert 95 <= tapped["elapsed_seconds"] <= 100
    assert client.post(url, headers=bearer(make_person())).status_code in (403, 404)
