"""A deck's owner edits its cards: corrections keep learners' progress, a change of meaning resets it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bedside.audit.models import AuditEntry
from bedside.drills.authoring import card_update, deck_update
from bedside.drills.models import CardState, MemoryState, Rating, ReviewLog
from bedside.drills.services import answer_record
from bedside.people.models import Capability
from bedside.records.models import ItemVersion, LearningItem

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def studied(make_person, make_unit, make_deck):
    icu = make_unit()
    educator = make_person(unit=icu, grants=[(Capability.TEACH, icu)])
    nurses = [make_person(unit=icu) for _ in range(2)]
    deck = make_deck(unit=icu, learners=nurses, cards=3, owner=educator)
    card = deck.cards.get(kind="basic")
    for nurse in nurses:
        answer_record(person=nurse, card=card, rating=Rating.GOOD, now=NOW - dt.timedelta(days=3))
    return educator, nurses, deck, card


def test_an_edit_to_a_studied_card_must_say_correction_or_new_meaning(studied):
    educator, nurses, deck, card = studied
    with pytest.raises(ValidationError, match="2 learners have studied this card"):
        card_update(actor=educator, card=card, back="5 to 6 cm deep", now=NOW)
    assert card.__class__.objects.get(pk=card.pk).back == "5 to 6 cm"


def test_a_correction_keeps_every_learners_state(studied):
    educator, nurses, deck, card = studied
    before = list(CardState.objects.filter(card=card).values_list("stability", "due", "reps"))
    edit = card_update(actor=educator, card=card, back="5 to 6 cm (2 to 2.4 in)", learners="keep", now=NOW)
    assert edit.changed == ["back"] and edit.learners == "keep" and edit.states_reset == 0
    assert list(CardState.objects.filter(card=card).values_list("stability", "due", "reps")) == before
    line = AuditEntry.objects.get(action="drills.card_update")
    assert line.changes["learners"] == "keep" and line.actor == educator


def test_a_change_of_meaning_resets_each_state_and_keeps_the_logs(studied):
    educator, nurses, deck, card = studied
    edit = card_update(actor=educator, card=card, back="At least 5 cm", learners="reset", now=NOW)
    assert edit.states_reset == 2
    for state in CardState.objects.filter(card=card):
        assert state.state == MemoryState.LEARNING and state.stability is None and state.reps == 0
        assert state.due == NOW and state.last_review is None
    assert ReviewLog.objects.filter(card=card).count() == 2
    resets = AuditEntry.objects.filter(action="drills.card_state_reset")
    assert resets.count() == 2 and all(r.changes["before"]["reps"] == 1 for r in resets)
    # The card is due again for each learner, and can be answered at once.
    answer_record(person=nurses[0], card=card, rating=Rating.GOOD, now=NOW + dt.timedelta(minutes=1))


def test_a_citation_or_image_description_alone_needs_no_choice(studied):
    educator, nurses, deck, card = studied
    guideline = LearningItem.objects.create(kind="library", title="ACLS guideline")
    v1 = ItemVersion.objects.create(item=guideline, label="1")
    edit = card_update(actor=educator, card=card, cites=v1, now=NOW)
    assert edit.changed == ["cites"] and edit.learners == ""
    # A new version flags the card; the owner's edit is their review and clears the flag.
    ItemVersion.objects.create(item=guideline, label="2")
    card.refresh_from_db()
    assert card.flagged_at is not None
    v2 = ItemVersion.objects.get(label="2")
    card_update(actor=educator, card=card, cites=v2, now=NOW)
    card.refresh_from_db()
    assert card.flagged_at is None and card.cites == v2


def test_each_kind_is_checked_on_edit_and_nothing_is_written_on_a_problem(studied):
    educator, nurses, deck, card = studied
    cloze = deck.cards.get(kind="cloze")
    with pytest.raises(ValidationError, match="hides at least one part"):
        card_update(actor=educator, card=cloze, front="No gap any more", now=NOW)
    sba = deck.cards.get(kind="sba")
    with pytest.raises(ValidationError, match="Choose which option"):
        card_update(actor=educator, card=sba, correct_option=7, now=NOW)
    edit = card_update(actor=educator, card=sba, options=["Amiodarone", "Defibrillate", "CPR"], now=NOW)
    assert edit.changed == ["options"]
    # A basic card turned into a single best answer.
    edit = card_update(
        actor=educator, card=card, kind="sba", options=["4 cm", "5 to 6 cm"], correct_option=1,
        learners="reset", now=NOW,
    )  # fmt: skip
    assert set(edit.changed) == {"kind", "options", "correct_option"}
    assert not AuditEntry.objects.filter(action="drills.card_update", target_id=str(cloze.pk)).exists()


def test_only_the_decks_educators_edit_it(studied, make_person):
    educator, nurses, deck, card = studied
    with pytest.raises(PermissionDenied):
        card_update(actor=nurses[0], card=card, back="x", learners="keep", now=NOW)
    with pytest.raises(PermissionDenied):
        deck_update(actor=make_person(), deck=deck, title="Mine now")
    deck_update(actor=educator, deck=deck, title="ACLS 2026", goal_recall=0.85)
    deck.refresh_from_db()
    assert deck.item.title == "ACLS 2026" and deck.goal_recall == 0.85
    with pytest.raises(ValidationError, match="between 50% and 99%"):
        deck_update(actor=educator, deck=deck, goal_recall=1.5)


def test_the_edit_page_asks_about_learners_and_replaces_the_image(client, studied, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    educator, nurses, deck, card = studied
    client.force_login(nurses[0])
    url = reverse("drills-card-edit", args=[card.pk])
    assert client.get(url).status_code == 403
    client.force_login(educator)
    page = client.get(url).content.decode()
    assert "2 learners have studied it" in page and "The meaning changed" in page
    data = {"kind": "basic", "front": card.front, "back": "At least 5 cm", "image_alt": ""}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "Say whether this is a correction" in refused.content.decode()
    image = SimpleUploadedFile("depth.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    saved = client.post(url, {**data, "learners": "reset", "image": image, "image_alt": "Chest depth"})
    assert saved.status_code == 302
    card.refresh_from_db()
    assert card.back == "At least 5 cm" and card.image.name.endswith(".png")
    assert not CardState.objects.filter(card=card, reps__gt=0).exists()
    removed = client.post(url, {**data, "image_alt": "Chest depth", "remove_image": "on", "learners": "keep"})
    assert removed.status_code == 302
    card.refresh_from_db()
    assert not card.image
    health = client.get(reverse("drills-deck-health", args=[deck.pk])).content.decode()
    assert reverse("drills-card-edit", args=[card.pk]) in health


def test_an_unchanged_save_writes_nothing(studied):
    educator, nurses, deck, card = studied
    edit = card_update(actor=educator, card=card, front=card.front, back=card.back, now=timezone.now())
    assert edit.changed == [] and not AuditEntry.objects.filter(action="drills.card_update").exists()
