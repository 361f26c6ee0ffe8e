"""Anki import, with decks made by Anki's own library (`anki` on PyPI), never hand-written bytes."""

import io
import os
import zipfile

import pytest

from bedside.drills import anki as importer
from bedside.drills.anki import AnkiProblem, anki_import
from bedside.drills.models import Card, CardState, Deck, ReviewLog
from bedside.people.models import Capability

anki_collection = pytest.importorskip("anki.collection")


def make_apkg(tmp_path, *, legacy=False, custom_type=False, missing_image=False, reviews=2) -> bytes:
    from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        deck_id = col.decks.id("ACLS algorithms")
        basic = col.new_note(col.models.by_name("Basic"))
        basic["Front"] = "Compression rate?"
        basic["Back"] = '100 to 120 a minute<br><img src="heart.png">'
        col.add_note(basic, deck_id)
        with open(os.path.join(col.media.dir(), "heart.png"), "wb") as image:
            image.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze["Text"] = "Epinephrine {{c1::1 mg}} every {{c2::3 to 5 minutes}}"
        col.add_note(cloze, deck_id)
        if custom_type:
            model = col.models.new("Drug card")
            for name in ("Drug", "Dose"):
                col.models.add_field(model, col.models.new_field(name))
            template = col.models.new_template("Card 1")
            template["qfmt"], template["afmt"] = "{{Drug}}", "{{Dose}}"
            col.models.add_template(model, template)
            col.models.add(model)
            note = col.new_note(col.models.by_name("Drug card"))
            note["Drug"], note["Dose"] = "Adenosine", "6 mg"
            col.add_note(note, deck_id)
        if missing_image:
            lost = col.new_note(col.models.by_name("Basic"))
            lost["Front"], lost["Back"] = 'ECG <img src="vf-strip.png">', "VF"
            col.add_note(lost, deck_id)
        col.decks.select(deck_id)
        for _ in range(reviews):
            for card_id in col.find_cards("deck:current"):
                card = col.get_card(card_id)
                card.start_timer()
                col.sched.answerCard(card, 3)
        out = str(tmp_path / "deck.apkg")
        col.export_anki_package(
            out_path=out,
            options=ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=legacy),
            limit=DeckIdLimit(deck_id),
        )
    finally:
        col.close()
    with open(out, "rb") as package:
        return package.read()


@pytest.fixture
def educator(make_person, make_unit):
    icu = make_unit()
    return make_person(unit=icu, grants=[(Capability.TEACH, icu)]), icu


@pytest.mark.parametrize("legacy", [False, True], ids=["anki21b", "legacy"])
def test_an_imported_deck_keeps_its_cards_images_and_history(tmp_path, educator, legacy, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    person, icu = educator
    data = make_apkg(tmp_path, legacy=legacy)
    deck = anki_import(actor=person, data=data, unit=icu)
    assert deck.item.title == "ACLS algorithms"
    cards = list(deck.cards.order_by("position"))
    assert [c.kind for c in cards] == ["basic", "cloze"]
    assert cards[0].image.name.endswith("heart.png") and cards[0].back.startswith("100 to 120")
    assert "{{c1::1 mg}}" in cards[1].front and "{{c2::" in cards[1].front
    # Two answers for each of three Anki cards (the cloze note's two gaps are one card here).
    logs = ReviewLog.objects.filter(person=person, deck=deck)
    assert logs.count() == 6 and set(logs.values_list("source", flat=True)) == {"anki"}
    states = CardState.objects.filter(person=person, deck=deck)
    assert states.count() == 2 and all(s.stability and s.reps >= 2 for s in states)


def _nothing_stored():
    return not (Deck.objects.exists() or Card.objects.exists() or ReviewLog.objects.exists())


def test_an_unknown_note_type_is_refused_and_nothing_is_stored(tmp_path, educator):
    person, icu = educator
    with pytest.raises(AnkiProblem, match="Note type “Drug card” \\(1 card\\) is not one Bedside knows"):
        anki_import(actor=person, data=make_apkg(tmp_path, custom_type=True), unit=icu)
    assert _nothing_stored()


def test_missing_media_is_refused(tmp_path, educator):
    person, icu = educator
    with pytest.raises(AnkiProblem, match="“vf-strip.png” is used by a card but missing"):
        anki_import(actor=person, data=make_apkg(tmp_path, missing_image=True), unit=icu)
    assert _nothing_stored()


def test_corrupt_and_non_anki_files_are_refused(tmp_path, educator):
    person, icu = educator
    good = make_apkg(tmp_path)
    with pytest.raises(AnkiProblem, match="not a zip archive"):
        anki_import(actor=person, data=good[: len(good) // 2], unit=icu)
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("notes.txt", "not a deck")
    with pytest.raises(AnkiProblem, match="holds no Anki collection"):
        anki_import(actor=person, data=other.getvalue(), unit=icu)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("collection.anki21", b"SQLite format 3\0" + b"\xff" * 500)
    with pytest.raises(AnkiProblem, match="damaged"):
        anki_import(actor=person, data=broken.getvalue(), unit=icu)
    assert _nothing_stored()


def test_a_file_over_the_limit_is_refused_before_reading(educator, monkeypatch):
    person, icu = educator
    monkeypatch.setattr(importer, "MAX_BYTES", 1024)
    with pytest.raises(AnkiProblem, match="decks up to 0 MB can be imported"):
        anki_import(actor=person, data=b"x" * 2048, unit=icu)
    assert _nothing_stored()


def test_the_import_page_names_the_problem_and_imports_a_good_deck(tmp_path, educator, client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = str(tmp_path / "media")
    person, icu = educator
    client.force_login(person)
    bad = SimpleUploadedFile("deck.apkg", b"not a zip at all")
    page = client.post(reverse("drills-anki-import"), {"file": bad, "unit": icu.pk})
    assert page.status_code == 200 and "not a zip archive" in page.content.decode()
    assert _nothing_stored()
    good = SimpleUploadedFile("deck.apkg", make_apkg(tmp_path))
    done = client.post(reverse("drills-anki-import"), {"file": good, "unit": icu.pk})
    assert done.status_code == 302 and Deck.objects.get().cards.count() == 2
