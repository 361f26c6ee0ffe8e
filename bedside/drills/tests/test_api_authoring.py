"""The authoring API: decks and cards made, changed and listed by their educators; bad input is a 4xx."""

import base64
import datetime as dt

import pytest

from bedside.drills.models import Card, CardState, Deck, Rating
from bedside.drills.services import answer_record
from bedside.people.models import Capability
from bedside.records.models import ItemVersion, LearningItem
from bedside.testing.api import bearer

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()


@pytest.fixture
def icu_educator(make_person, make_unit):
    icu = make_unit()
    return make_person(unit=icu, grants=[(Capability.TEACH, icu)]), icu


def _post(client, url, body, person):
    return client.post(url, body, content_type="application/json", headers=bearer(person))


def _patch(client, url, body, person):
    return client.patch(url, body, content_type="application/json", headers=bearer(person))


def test_a_learner_is_refused_before_the_body_is_read(client, make_person, make_deck):
    nurse = make_person()
    assert client.get("/api/v1/drills/authoring/decks", headers=bearer(nurse)).status_code == 403
    refused = _post(client, "/api/v1/drills/authoring/decks", {"title": "Mine"}, nurse)
    assert refused.status_code == 403 and "teaching grant" in refused.json()["detail"]
    assert not Deck.objects.exists()


def test_an_educator_makes_a_deck_and_cards_of_each_kind(client, icu_educator, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    educator, icu = icu_educator
    made = _post(
        client,
        "/api/v1/drills/authoring/decks",
        {"title": "Sepsis", "unit": icu.pk, "goal_recall": 0.85},
        educator,
    )
    assert made.status_code == 200, made.content
    deck = made.json()
    assert deck["goal_recall"] == 0.85 and deck["cards"] == 0 and deck["unit"] == icu.pk
    guideline = LearningItem.objects.create(kind="library", title="Sepsis bundle")
    version = ItemVersion.objects.create(item=guideline, label="3")
    cards = [
        {"deck": deck["id"], "front": "Lactate above?", "back": "2 mmol/L", "cites": version.pk},
        {"deck": deck["id"], "kind": "cloze", "front": "Give {{c1::30 mL/kg}} crystalloid"},
        {"deck": deck["id"], "kind": "sba", "front": "MAP 58 after fluids?", "options": ["Wait", "Norepinephrine"],
         "correct_option": 1, "explanation": "Start a vasopressor."},
        {"deck": deck["id"], "front": "Rhythm?", "back": "VF",
         "image": {"name": "vf.png", "content_base64": PNG, "alt": "VF strip"}},
    ]  # fmt: skip
    for body in cards:
        answer = _post(client, "/api/v1/drills/authoring/cards", body, educator)
        assert answer.status_code == 200, answer.content
    assert answer.json()["image_url"].endswith(".png") and answer.json()["image_alt"] == "VF strip"
    assert Card.objects.get(kind="basic", front="Lactate above?").cites == version
    listed = client.get(f"/api/v1/drills/authoring/decks/{deck['id']}/cards", headers=bearer(educator)).json()
    assert listed["count"] == 4 and [c["kind"] for c in listed["items"]] == ["basic", "cloze", "sba", "basic"]
    mine = client.get("/api/v1/drills/authoring/decks", headers=bearer(educator)).json()
    assert mine["items"][0]["cards"] == 4


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"front": "No gap", "kind": "cloze"}, 400, "{{c1::hidden words}}"),
        ({"front": "Which?", "kind": "sba", "options": ["A", "B"]}, 400, "Choose which option is correct"),
        ({"front": "Which?", "kind": "sba", "options": ["Only one"], "correct_option": 0}, 400, "at least two options"),
        ({"front": "Q", "back": ""}, 400, "needs a back"),
        ({"front": "Q", "back": "A", "cites": 999_999}, 400, "no library version 999999"),
        ({"front": "Q", "back": "A", "image": {"name": "x.exe", "content_base64": PNG, "alt": "x"}}, 400, "PNG, JPEG"),
        ({"front": "Q", "back": "A", "image": {"name": "x.png", "content_base64": "!!", "alt": "x"}}, 400, "not valid base64"),
        ({"front": "Q", "kind": "essay"}, 422, "basic"),
        ({"back": "A"}, 422, "front"),
    ],
)  # fmt: skip
def test_bad_cards_are_refused_with_a_reason_and_nothing_stored(
    client, icu_educator, make_deck, body, status, reason
):
    educator, icu = icu_educator
    deck = make_deck(unit=icu, cards=0)
    answer = _post(client, "/api/v1/drills/authoring/cards", {"deck": deck.pk, **body}, educator)
    assert answer.status_code == status and reason in answer.content.decode()
    assert not Card.objects.exists()


def test_decks_of_other_units_are_not_found(client, icu_educator, make_unit, make_deck):
    educator, icu = icu_educator
    elsewhere = make_deck(unit=make_unit(), cards=1)
    card = elsewhere.cards.get()
    assert (
        client.get(f"/api/v1/drills/authoring/decks/{elsewhere.pk}", headers=bearer(educator)).status_code
        == 404
    )
    assert _post(client, "/api/v1/drills/authoring/cards", {"deck": elsewhere.pk, "front": "Q", "back": "A"},
                 educator).status_code == 404  # fmt: skip
    # ... and the document says so (the deck is in the body, not the path).
    document = client.get("/api/v1/openapi.json").json()
    assert "404" in document["paths"]["/api/v1/drills/authoring/cards"]["post"]["responses"]
    assert (
        _patch(client, f"/api/v1/drills/authoring/cards/{card.pk}", {"back": "x"}, educator).status_code
        == 404
    )
    made = _post(
        client, "/api/v1/drills/authoring/decks", {"title": "Theirs", "unit": elsewhere.unit_id}, educator
    )
    assert made.status_code == 403 and "units you teach" in made.json()["detail"]
    assert (
        _post(
            client, "/api/v1/drills/authoring/decks", {"title": "Ours", "unit": 10**9}, educator
        ).status_code
        == 400
    )


def test_changing_a_studied_card_says_keep_or_reset(client, icu_educator, make_person, make_deck):
    educator, icu = icu_educator
    nurse = make_person(unit=icu)
    deck = make_deck(unit=icu, learners=[nurse], cards=1)
    card = deck.cards.get()
    answer_record(person=nurse, card=card, rating=Rating.GOOD, now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    url = f"/api/v1/drills/authoring/cards/{card.pk}"
    asked = _patch(client, url, {"back": "5 to 6 cm deep"}, educator)
    assert asked.status_code == 400 and "1 learner has studied this card" in asked.json()["detail"]
    kept = _patch(client, url, {"back": "5 to 6 cm deep", "learners": "keep"}, educator)
    assert kept.status_code == 200 and kept.json()["learners"] == "keep"
    assert CardState.objects.get(card=card).reps == 1
    reset = _patch(client, url, {"back": "At least 5 cm", "learners": "reset"}, educator)
    assert reset.json()["states_reset"] == 1 and CardState.objects.get(card=card).reps == 0
    assert _patch(client, url, {"learners": "maybe"}, educator).status_code == 422
    assert client.get(url, headers=bearer(educator)).json()["back"] == "At least 5 cm"


def test_a_deck_is_changed_field_by_field(client, icu_educator, make_deck):
    educator, icu = icu_educator
    deck = make_deck(unit=icu, cards=0)
    url = f"/api/v1/drills/authoring/decks/{deck.pk}"
    changed = _patch(client, url, {"title": "ACLS 2026", "new_per_day": 5}, educator)
    assert changed.status_code == 200 and changed.json()["title"] == "ACLS 2026"
    assert changed.json()["goal_recall"] == 0.9 and changed.json()["new_per_day"] == 5
    bad = _patch(client, url, {"desired_retention": 0.5}, educator)
    assert bad.status_code == 422 and "desired_retention" in bad.content.decode()
    assert client.get(url, headers=bearer(educator)).json()["desired_retention"] == 0.9
