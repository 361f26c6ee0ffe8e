"""Anki export, proved by importing it into a fresh collection with Anki's own library, and by our importer."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bedside.drills.anki import anki_import
from bedside.drills.anki_export import anki_export, deck_apkg
from bedside.drills.models import CardState, Rating, ReviewLog
from bedside.drills.services import answer_record, card_create
from bedside.people.models import Capability

pytest.importorskip("anki.collection")

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def studied_deck(make_person, make_unit, make_deck, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    icu = make_unit()
    educator = make_person(unit=icu, grants=[(Capability.TEACH, icu)])
    deck = make_deck(unit=icu, learners=[educator], cards=3, owner=educator, title="ACLS algorithms")
    card_create(actor=educator, deck=deck, front="Rhythm?", back="VF",
                image=SimpleUploadedFile("vf.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16), image_alt="VF strip")  # fmt: skip
    for days_ago in (9, 4):
        for card in deck.cards.all():
            state = CardState.objects.filter(person=educator, card=card).first()
            at = NOW - dt.timedelta(days=days_ago)
            if state is None or state.due <= at:
                answer_record(person=educator, card=card, rating=Rating.GOOD, now=at)
    return educator, icu, deck


def _anki_import(tmp_path, data: bytes):
    """Import into a fresh collection with Anki's library; returns (collection, note and card counts)."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    path = tmp_path / "exported.apkg"
    path.write_bytes(data)
    col = Collection(str(tmp_path / "fresh.anki2"))
    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
    )
    return col


def test_anki_opens_the_export_with_notes_cards_media_and_history(tmp_path, studied_deck):
    educator, icu, deck = studied_deck
    exported = deck_apkg(deck=deck, person=educator, now=NOW)
    col = _anki_import(tmp_path, exported.data)
    try:
        assert col.decks.by_name("ACLS algorithms") is not None
        assert col.note_count() == 4
        # The cloze card hides one gap: one Anki card; four notes, four cards.
        assert col.card_count() == 4
        types = {col.models.get(col.get_note(n).mid)["name"] for n in col.find_notes("")}
        assert types == {"Basic (Bedside)", "Cloze (Bedside)"}
        fronts = [col.get_note(n).fields[0] for n in col.find_notes("")]
        assert any("{{c1::3 to 5 minutes}}" in f for f in fronts)
        assert any("2. Defibrillate" in f for f in fronts)  # a single best answer, options on the front
        image = next(f for f in fronts if "<img" in f)
        name = image.split('src="')[1].split('"')[0]
        assert (tmp_path / "fresh.media" / name).read_bytes().startswith(b"\x89PNG")
        revlog = col.db.scalar("SELECT count() FROM revlog")
        assert revlog == ReviewLog.objects.filter(person=educator).count() == 8
        reviewed = col.db.list("SELECT ivl FROM cards WHERE type = 2")
        assert len(reviewed) == 4 and all(ivl >= 1 for ivl in reviewed)
    finally:
        col.close()


def test_a_plain_export_carries_no_history(tmp_path, studied_deck):
    educator, icu, deck = studied_deck
    col = _anki_import(tmp_path, deck_apkg(deck=deck, now=NOW).data)
    try:
        assert col.card_count() == 4 and col.db.scalar("SELECT count() FROM revlog") == 0
        assert col.db.scalar("SELECT count() FROM cards WHERE type != 0") == 0
    finally:
        col.close()


def test_our_importer_reads_the_export_back_with_its_history(tmp_path, studied_deck, make_person):
    educator, icu, deck = studied_deck
    exported = anki_export(actor=educator, deck=deck, with_history=True, now=NOW)
    copy = anki_import(actor=educator, data=exported.data, unit=icu, title="ACLS copy")
    assert copy.cards.count() == 4
    assert sorted(copy.cards.values_list("kind", flat=True)) == ["basic", "basic", "basic", "cloze"]
    assert copy.cards.get(kind="cloze").front == deck.cards.get(kind="cloze").front
    imported = ReviewLog.objects.filter(person=educator, deck=copy)
    assert imported.count() == 8 and set(imported.values_list("rating", flat=True)) == {Rating.GOOD}

    # Anki's revlog id is the answer's time in ms and unique: answers in the same ms move 1 ms apart.
    def seconds(logs):
        return sorted(at.replace(microsecond=0) for at in logs.values_list("reviewed_at", flat=True))

    assert seconds(imported) == seconds(ReviewLog.objects.filter(person=educator, deck=deck))
    assert CardState.objects.filter(person=educator, deck=copy).count() == 4


def test_the_export_page_is_for_the_decks_educators(client, studied_deck, make_person):
    educator, icu, deck = studied_deck
    url = reverse("drills-deck-export", args=[deck.pk])
    client.force_login(make_person(unit=icu))
    assert client.get(url).status_code == 403
    client.force_login(educator)
    response = client.get(url + "?history=1")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == 'attachment; filename="ACLS-algorithms.apkg"'
    assert response.content[:2] == b"PK"
