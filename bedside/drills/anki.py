"""Anki `.apkg` import: notes and cards (Basic and Cloze note types), images, and the review history,
replayed through FSRS to the importer's memory state. All or nothing: a bad file is refused with a
message and nothing is stored.

An `.apkg` is a zip: `collection.anki21b` (zstd-compressed SQLite, Anki 2.1.50+) or `collection.anki21`
/ `collection.anki2` (plain SQLite), a `media` map (zstd-compressed protobuf, or JSON in older files)
and the media files named 0, 1, 2...
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import json
import re
import sqlite3
import tempfile
import zipfile
from collections import defaultdict

import fsrs
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from bedside.audit.services import audit
from bedside.drills.models import Card, CardKind, CardState, ChosenDeck, Deck, ReviewLog
from bedside.drills.services import deck_create, require_author
from bedside.people.models import Person, Unit

MAX_BYTES = 100 * 1024 * 1024
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
IMAGE = re.compile(r"""<img[^>]*\bsrc=["']?([^"'>\s]+)""", re.I)
SOUND = re.compile(r"\[sound:[^\]]*\]")
TAGS = re.compile(r"<[^>]+>")
BREAKS = re.compile(r"<br\s*/?>|</div>|</p>", re.I)
ANKI_CLOZE = re.compile(r"\{\{c(\d+)::")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")


class AnkiProblem(ValidationError):
    pass


@dataclasses.dataclass
class Parsed:
    deck_name: str
    cards: list[dict]  # kind, front, back, image (name or ""), anki card id
    reviews: dict[int, list[tuple[dt.datetime, int, int]]]  # anki card id -> (at, rating, ms)
    media: dict[str, bytes]


def _zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        if i >= len(buf):
            raise AnkiProblem("The media list in this file is damaged.")
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def _media_names(raw: bytes) -> dict[str, str]:
    """Zip entry -> file name, from the `media` map (protobuf MediaEntries, or JSON in older packages)."""
    if not raw:
        return {}
    if raw.startswith(ZSTD_MAGIC):
        raw = _zstd(raw)
    if raw[:1] == b"{":
        return {str(k): v for k, v in json.loads(raw).items()}
    names, i, index = {}, 0, 0
    while i < len(raw):  # repeated MediaEntry entries = 1; MediaEntry.name = 1
        tag, i = _varint(raw, i)
        length, i = _varint(raw, i)
        entry, i = raw[i : i + length], i + length
        if tag >> 3 != 1:
            continue
        j = 0
        while j < len(entry):
            key, j = _varint(entry, j)
            wire = key & 7
            if wire == 2:
                n, j = _varint(entry, j)
                if key >> 3 == 1:
                    names[str(index)] = entry[j : j + n].decode()
                j += n
            elif wire == 0:
                _, j = _varint(entry, j)
            else:
                raise AnkiProblem("The media list in this file is damaged.")
        index += 1
    return names


def _text(field: str) -> str:
    field = SOUND.sub("", field)
    field = BREAKS.sub("\n", field)
    return html.unescape(TAGS.sub("", field)).strip()


def _first_image(*fields: str) -> str:
    for f in fields:
        m = IMAGE.search(f)
        if m:
            return html.unescape(m.group(1))
    return ""


def _note_types(db: sqlite3.Connection) -> dict[int, tuple[str, int, list[str]]]:
    """Note type id -> (name, kind 0 standard / 1 cloze, field names in order)."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "notetypes" in tables:  # schema 18: protobuf config; the cloze kind is field 1 of the config
        types = {}
        for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
            kind = 0
            i = 0
            while i < len(config or b""):
                key, i = _varint(config, i)
                if key & 7 == 0:
                    value, i = _varint(config, i)
                    if key >> 3 == 1:
                        kind = value
                elif key & 7 == 2:
                    n, i = _varint(config, i)
                    i += n
                elif key & 7 == 5:
                    i += 4
                elif key & 7 == 1:
                    i += 8
                else:
                    break
            fields = [r[0] for r in db.execute("SELECT name FROM fields WHERE ntid=? ORDER BY ord", (ntid,))]
            types[ntid] = (name, kind, fields)
        return types
    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
    return {
        int(mid): (
            m["name"],
            int(m.get("type", 0)),
            [f["name"] for f in sorted(m["flds"], key=lambda f: f["ord"])],
        )
        for mid, m in models.items()
    }


def _deck_name(db: sqlite3.Connection) -> str:
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    used = [r[0] for r in db.execute("SELECT DISTINCT did FROM cards")]
    if "decks" in tables:
        names = dict(db.execute("SELECT id, name FROM decks"))
    else:
        names = {
            int(k): v["name"]
            for k, v in json.loads(db.execute("SELECT decks FROM col").fetchone()[0]).items()
        }
    chosen = [names.get(d, "") for d in used if names.get(d) and names.get(d) != "Default"]
    return (chosen[0] if chosen else "Imported deck").replace("\x1f", " :: ")[:280]


def read_apkg(data: bytes) -> Parsed:
    """Everything the import needs from the package, checked; raises AnkiProblem with every problem."""
    if len(data) > MAX_BYTES:
        raise AnkiProblem(
            f"The file is {len(data) / 1024 / 1024:.0f} MB; decks up to {MAX_BYTES // 1024 // 1024} MB can be imported."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise AnkiProblem(
            "This is not an Anki deck (.apkg): the file is not a zip archive, or it is damaged."
        ) from None
    collection = next(
        (n for n in ("collection.anki21b", "collection.anki21", "collection.anki2") if n in names), None
    )
    if collection is None:
        raise AnkiProblem("This is not an Anki deck (.apkg): it holds no Anki collection.")
    try:
        raw = archive.read(collection)
        if collection.endswith("b") or raw.startswith(ZSTD_MAGIC):
            raw = _zstd(raw)
        media_map = _media_names(archive.read("media") if "media" in names else b"")
    except AnkiProblem:
        raise
    except Exception:
        raise AnkiProblem("The Anki deck is damaged: its collection cannot be read.") from None
    with tempfile.NamedTemporaryFile(suffix=".anki2") as tmp:
        tmp.write(raw)
        tmp.flush()
        try:
            db = sqlite3.connect(f"file:{tmp.name}?mode=ro", uri=True)
            return _read_collection(db, archive, media_map)
        except sqlite3.DatabaseError:
            raise AnkiProblem(
                "The Anki deck is damaged: its collection is not a readable database."
            ) from None


def _read_collection(db: sqlite3.Connection, archive: zipfile.ZipFile, media_map: dict[str, str]) -> Parsed:
    types = _note_types(db)
    problems: list[str] = []
    by_name = {name: entry for entry, name in media_map.items()}
    cards, wanted_media = [], set()
    rows = db.execute(
        "SELECT c.id, c.ord, n.id, n.mid, n.flds FROM cards c JOIN notes n ON n.id = c.nid ORDER BY n.id, c.ord"
    ).fetchall()
    if not rows:
        problems.append("The Anki deck holds no cards.")
    unknown: dict[str, int] = defaultdict(int)
    cloze_cards: dict[int, dict] = {}
    for cid, ordinal, _nid, mid, flds in rows:
        name, kind, field_names = types.get(mid, (f"#{mid}", -1, []))
        fields = dict(zip(field_names, flds.split("\x1f"), strict=False))
        values = flds.split("\x1f")
        if kind == 1:
            text = values[0]
            # One card of ours per cloze note: Anki's c1, c2... cards are one question with several gaps.
            if _nid in cloze_cards:
                cloze_cards[_nid]["anki_ids"].append(cid)
                continue
            front = _text(text)
            if not ANKI_CLOZE.search(front):
                problems.append(f"A cloze note has no {{{{c1::...}}}} gap: “{front[:60]}”.")
            card = {"kind": CardKind.CLOZE, "front": front, "back": _text(values[1]) if len(values) > 1 else "",
                    "image": _first_image(*values)}  # fmt: skip
        elif kind == 0 and "Front" in fields and "Back" in fields:
            front, back = (
                (fields["Front"], fields["Back"]) if ordinal == 0 else (fields["Back"], fields["Front"])
            )
            card = {
                "kind": CardKind.BASIC,
                "front": _text(front),
                "back": _text(back),
                "image": _first_image(front, back),
            }
        else:
            unknown[name] += 1
            continue
        card.update(anki_ids=[cid])
        if kind == 1:
            cloze_cards[_nid] = card
        if card["image"]:
            wanted_media.add(card["image"])
        cards.append(card)
    for name, count in sorted(unknown.items()):
        problems.append(
            f"Note type “{name}” ({count} card{'s' if count != 1 else ''}) is not one Bedside knows: "
            "use Basic (Front and Back fields) or Cloze."
        )
    media: dict[str, bytes] = {}
    for name in sorted(wanted_media):
        entry = by_name.get(name)
        if entry is None or entry not in archive.namelist():
            problems.append(f"The image “{name}” is used by a card but missing from the file.")
            continue
        if not name.lower().endswith(IMAGE_SUFFIXES):
            problems.append(f"“{name}” is not an image Bedside can show (PNG, JPEG, GIF, WebP or SVG).")
            continue
        blob = archive.read(entry)
        media[name] = _zstd(blob) if blob.startswith(ZSTD_MAGIC) else blob
    if problems:
        raise AnkiProblem(problems)
    reviews: dict[int, list] = defaultdict(list)
    # Anki's revlog: id is the time in ms; ease 1-4 (0 for a manual reschedule); type 4 is manual.
    for rid, cid, ease, ms, rtype in db.execute("SELECT id, cid, ease, time, type FROM revlog ORDER BY id"):
        if 1 <= ease <= 4 and rtype in (0, 1, 2, 3):
            reviews[cid].append((dt.datetime.fromtimestamp(rid / 1000, tz=dt.UTC), int(ease), int(ms)))
    return Parsed(_deck_name(db), cards, dict(reviews), media)


@transaction.atomic
def anki_import(*, actor: Person, data: bytes, unit: Unit | None, title: str = "") -> Deck:
    """Import an .apkg as a new deck owned by `actor`; the review history becomes the actor's, replayed
    through FSRS (no fuzz: it already happened) to their current state of each card."""
    require_author(actor, unit)
    parsed = read_apkg(data)
    deck = deck_create(
        actor=actor, title=title or parsed.deck_name, unit=unit, description="Imported from Anki."
    )
    scheduler = fsrs.Scheduler(desired_retention=deck.desired_retention, enable_fuzzing=False)
    states, logs = [], []
    for position, raw in enumerate(parsed.cards, start=1):
        card = Card(deck=deck, kind=raw["kind"], front=raw["front"], back=raw["back"], position=position,
                    image_alt=raw["front"][:200] if raw["image"] else "")  # fmt: skip
        if raw["image"]:
            card.image.save(
                raw["image"].rsplit("/", 1)[-1], ContentFile(parsed.media[raw["image"]]), save=False
            )
        card.save()
        history = sorted(r for cid in raw["anki_ids"] for r in parsed.reviews.get(cid, []))
        if not history:
            continue
        fc, previous, reps, lapses = fsrs.Card(card_id=card.pk, due=history[0][0]), None, 0, 0
        for at, rating, ms in history:
            before = fc.state.value
            fc, _ = scheduler.review_card(fc, fsrs.Rating(rating), at)
            reps += 1
            lapses += rating == 1 and before == 2
            logs.append(ReviewLog(person=actor, card=card, deck=deck, rating=rating, reviewed_at=at, duration_ms=ms,
                                  state=before, source="anki",
                                  elapsed_days=(at - previous).total_seconds() / 86400 if previous else 0.0))  # fmt: skip
            previous = at
        states.append(CardState(person=actor, card=card, deck=deck, state=fc.state.value, step=fc.step,
                                stability=fc.stability, difficulty=fc.difficulty, due=fc.due,
                                last_review=fc.last_review, reps=reps, lapses=lapses, introduced_at=history[0][0]))  # fmt: skip
    CardState.objects.bulk_create(states)
    ReviewLog.objects.bulk_create(logs)
    ChosenDeck.objects.get_or_create(person=actor, deck=deck)
    audit(actor=actor, action="drills.anki_import", target=deck,
          changes={"cards": len(parsed.cards), "reviews": len(logs), "media": len(parsed.media)})  # fmt: skip
    return deck
