import datetime as dt

from django.urls import reverse
from django.utils import timezone

from bedside.drills.models import CardState, ChosenDeck, Rating, ReviewLog
from bedside.drills.services import answer_record
from bedside.people.models import Capability
from bedside.testing import factories as f


def test_today_offers_a_three_minute_drill_when_cards_are_due(client, make_person, make_deck):
    nurse = make_person()
    make_deck(learners=[nurse])
    client.force_login(nurse)
    page = client.get(reverse("today")).content.decode()
    assert "3-minute drill" in page and "3 new cards" in page
    deck = make_deck(learners=[nurse], title="Sepsis")
    answer_record(person=nurse, card=deck.cards.first(), rating=Rating.GOOD)
    CardState.objects.update(due=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(reverse("today")).content.decode()
    assert "3-minute drill" in page and "1 card due" in page


def test_today_pushes_no_drill_during_a_shift(client, make_person, make_deck):
    nurse = make_person()
    deck = make_deck(learners=[nurse])
    answer_record(person=nurse, card=deck.cards.first(), rating=Rating.GOOD)
    CardState.objects.update(due=timezone.now() - dt.timedelta(minutes=1))
    now = timezone.now()
    f.ShiftFactory(person=nurse, start=now - dt.timedelta(hours=1), end=now + dt.timedelta(hours=11))
    client.force_login(nurse)
    assert "3-minute drill" not in client.get(reverse("today")).content.decode()
    page = client.get(reverse("drills-review") + "?minutes=3").content.decode()
    assert "You are on shift" in page and "Drill anyway" in page
    page = client.get(reverse("drills-review") + "?minutes=3&anyway=1").content.decode()
    assert "Show answer" in page


def test_each_answer_is_one_request_that_returns_the_next_card(client, make_person, make_deck):
    nurse = make_person()
    deck = make_deck(learners=[nurse], cards=2)
    first, second = deck.cards.all()
    client.force_login(nurse)
    page = client.get(reverse("drills-review") + "?minutes=3")
    assert page.status_code == 200 and f'value="{first.pk}"' in page.content.decode()
    data = {"card": first.pk, "rating": Rating.GOOD, "minutes": 3, "left": 2, "answered": 0}
    answer = client.post(reverse("drills-review"), data)
    assert answer.status_code == 200
    body = answer.content.decode()
    assert f'name="card" value="{second.pk}"' in body and "1 done" in body and "1 to go" in body
    # The same answer sent again (a refresh) is refused and changes nothing.
    again = client.post(reverse("drills-review"), data)
    assert again.status_code == 409 and "not due yet" in again.content.decode()
    assert ReviewLog.objects.filter(person=nurse).count() == 1
    done = client.post(reverse("drills-review"), {**data, "card": second.pk, "left": 1, "answered": 1})
    assert "Drill done" in done.content.decode()
    undo = client.post(reverse("drills-undo"), {"minutes": 3, "left": 0, "answered": 2})
    assert undo.status_code == 302
    assert ReviewLog.objects.filter(person=nurse, undone_at__isnull=False).count() == 1
    assert f'name="card" value="{second.pk}"' in client.get(undo.headers["Location"]).content.decode()


def test_an_answer_for_a_card_not_in_your_decks_is_404(client, make_person, make_deck):
    nurse, other = make_person(), make_person()
    card = make_deck(learners=[other]).cards.first()
    client.force_login(nurse)
    response = client.post(reverse("drills-review"), {"card": card.pk, "rating": 3})
    assert response.status_code == 404
    assert client.post(reverse("drills-review"), {}).status_code == 400


def test_the_review_page_escapes_card_text(client, make_person, make_deck):
    from bedside.drills.services import card_create

    nurse = make_person()
    deck = make_deck(learners=[nurse], cards=0)
    card_create(actor=None, deck=deck, front="<script>alert(1)</script>", back="<b>x</b>")
    client.force_login(nurse)
    body = client.get(reverse("drills-review")).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_choosing_a_deck_puts_it_in_the_drills(client, make_person, make_deck):
    nurse = make_person()
    deck = make_deck()
    client.force_login(nurse)
    assert "Add to my drills" in client.get(reverse("drills-deck", args=[deck.pk])).content.decode()
    client.post(reverse("drills-deck-choose", args=[deck.pk]))
    assert ChosenDeck.objects.filter(person=nurse, deck=deck).exists()
    home = client.get(reverse("drills-home")).content.decode()
    assert deck.item.title in home and "Predicted recall 0%" in home
    client.post(reverse("drills-deck-choose", args=[deck.pk]), {"leave": "1"})
    assert not ChosenDeck.objects.filter(person=nurse, deck=deck).exists()


def test_the_learner_page_shows_streak_and_week(
    client, make_person, make_deck, django_assert_max_num_queries
):
    nurse = make_person()
    deck = make_deck(learners=[nurse], cards=3)
    now = timezone.now()
    for days_ago, card in zip((2, 1, 0), deck.cards.all(), strict=True):
        answer_record(person=nurse, card=card, rating=Rating.GOOD, now=now - dt.timedelta(days=days_ago))
    client.force_login(nurse)
    for n in range(4):
        make_deck(learners=[nurse], title=f"Deck {n}")
    with django_assert_max_num_queries(25):
        page = client.get(reverse("drills-home")).content.decode()
    assert "3</span> days in a row" in page and "due this week" in page


def test_deck_health_is_for_the_units_educators(client, make_person, make_unit, make_deck):
    icu, ward = make_unit(), make_unit()
    educator = make_person(unit=icu, grants=[(Capability.TEACH, icu)])
    nurse = make_person(unit=icu)
    deck = make_deck(unit=icu, learners=[nurse], cards=3)
    for card in deck.cards.all():
        answer_record(person=nurse, card=card, rating=Rating.AGAIN)
    other = make_deck(unit=ward, title="Ward deck")
    client.force_login(educator)
    page = client.get(reverse("drills-deck-health", args=[deck.pk])).content.decode()
    assert icu.name in page and "Flagged cards" in page
    assert client.get(reverse("drills-deck-health", args=[other.pk])).status_code == 404
    client.force_login(nurse)
    assert client.get(reverse("drills-deck-health", args=[deck.pk])).status_code == 403


def test_an_educator_makes_a_deck_and_adds_cards_of_each_kind(
    client, make_person, make_unit, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bedside.drills.models import Card, Deck

    settings.MEDIA_ROOT = str(tmp_path)
    icu = make_unit()
    educator = make_person(unit=icu, grants=[(Capability.TEACH, icu)])
    client.force_login(educator)
    made = client.post(
        reverse("drills-deck-new"),
        {"title": "Sepsis", "unit": icu.pk, "goal_recall": 85, "new_per_day": 5, "description": ""},
    )
    deck = Deck.objects.get()
    assert made.status_code == 302 and deck.goal_recall == 0.85 and deck.item.owner == educator
    url = reverse("drills-card-new", args=[deck.pk])
    client.post(url, {"kind": "basic", "front": "Lactate above?", "back": "2 mmol/L"})
    client.post(url, {"kind": "cloze", "front": "Give {{c1::30 mL/kg}} crystalloid"})
    client.post(
        url,
        {
            "kind": "sba",
            "front": "MAP 58 after fluids?",
            "options": "Wait\nNorepinephrine",
            "correct_option": 2,
        },
    )
    image = SimpleUploadedFile("ecg.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    client.post(
        url, {"kind": "basic", "front": "Rhythm?", "back": "VF", "image": image, "image_alt": "ECG strip"}
    )
    assert list(Card.objects.values_list("kind", flat=True)) == ["basic", "cloze", "sba", "basic"]
    assert Card.objects.get(kind="sba").correct_option == 1
    bad = client.post(url, {"kind": "cloze", "front": "No gap here"})
    assert "{{c1::hidden words}}" in bad.content.decode() and Card.objects.count() == 4
    client.force_login(make_person(unit=icu))
    assert client.get(url).status_code == 403
