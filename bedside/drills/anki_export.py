"""Anki `.apkg` export of a deck: its cards as Anki notes (Basic and Cloze; a single-best-answer card
becomes a Basic note with its options on the front), their images, and, when asked, the exporting
person's own scheduling and review history, so the deck goes on in Anki where Bedside left it.

The package is Anki's legacy layout (a `collection.anki2` SQLite file of schema 11, a JSON `media`
map, the media files named 0, 1, 2...), which every Anki since 2.1 imports; our importer reads it too.
Nobody's history but the exporter's own is ever written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass

from django.utils import timezone

from bedside.audit.services import audit
from bedside.drills.models import Card, CardKind, CardState, Deck, MemoryState, ReviewLog
from bedside.people.models import Person

SCHEMA = """
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL,
  models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL,
  flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL,
  ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL,
  left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
  ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL,
  type integer NOT NULL);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
"""
CLOZE_NUMBERS = re.compile(r"\{\{c(\d+)::")
CSS = ".card { font-family: arial; font-size: 20px; text-align: center; color: black; background-color: white; }"
LATEX_PRE = (
    "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n"
    "\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n"
)
# Our memory states to Anki's revlog types (0 learn, 1 review, 2 relearn) and card types (1, 2, 3).
REVLOG_TYPE = {MemoryState.LEARNING: 0, MemoryState.REVIEW: 1, MemoryState.RELEARNING: 2}


@dataclass
class Exported:
    data: bytes
    file_name: str
    notes: int
    cards: int
    reviews: int


def _field(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _image(card: Card, names: dict[str, str]) -> str:
    if not card.image:
        return ""
    name = names[card.image.name]
    return f'<br><img src="{html.escape(name)}" alt="{html.escape(card.image_alt)}">'


def _fields(card: Card, names: dict[str, str]) -> list[str]:
    """Anki's fields of the note for `card`: Basic (Front, Back) or Cloze (Text, Back Extra)."""
    image = _image(card, names)
    if card.kind == CardKind.CLOZE:
        return [_field(card.front) + image, _field(card.back)]
    if card.kind == CardKind.SBA:
        options = "".join(f"<br>{n}. {_field(o)}" for n, o in enumerate(card.options, start=1))
        answer = card.options[card.correct_option] if card.correct_option is not None else ""
        back = f"{card.correct_option + 1}. {_field(answer)}" if answer else ""
        if card.explanation:
            back += "<br>" + _field(card.explanation)
        return [_field(card.front) + options + image, back]
    return [_field(card.front) + image, _field(card.back)]


def _checksum(first_field: str) -> int:
    plain = re.sub(r"<[^>]+>", "", first_field)
    return int(hashlib.sha1(html.unescape(plain).encode()).hexdigest()[:8], 16)


def _models(basic_id: int, cloze_id: int, deck_id: int, mod: int) -> dict:
    def field(name: str, ordinal: int) -> dict:
        return {"name": name, "ord": ordinal, "sticky": False, "rtl": False, "font": "Arial", "size": 20,
                "media": []}  # fmt: skip

    def model(mid: int, name: str, kind: int, fields: list[str], qfmt: str, afmt: str) -> dict:
        return {
            "id": mid, "name": name, "type": kind, "mod": mod, "usn": -1, "sortf": 0, "did": deck_id,
            "tmpls": [{"name": "Cloze" if kind else "Card 1", "ord": 0, "qfmt": qfmt, "afmt": afmt, "did": None,
                       "bqfmt": "", "bafmt": ""}],
            "flds": [field(n, i) for i, n in enumerate(fields)], "css": CSS, "latexPre": LATEX_PRE,
            "latexPost": "\\end{document}", "latexsvg": False, "req": [[0, "any", [0]]], "tags": [], "vers": [],
        }  # fmt: skip

    return {
        str(basic_id): model(basic_id, "Basic (Bedside)", 0, ["Front", "Back"], "{{Front}}",
                             "{{FrontSide}}<hr id=answer>{{Back}}"),
        str(cloze_id): model(cloze_id, "Cloze (Bedside)", 1, ["Text", "Back Extra"], "{{cloze:Text}}",
                             "{{cloze:Text}}<br>{{Back Extra}}"),
    }  # fmt: skip


def _decks(deck_id: int, name: str, description: str, mod: int) -> dict:
    def one(did: int, title: str, desc: str) -> dict:
        return {"id": did, "name": title, "desc": desc, "mod": mod, "usn": -1, "collapsed": False,
                "browserCollapsed": False, "dyn": 0, "conf": 1, "extendNew": 0, "extendRev": 0,
                "lrnToday": [0, 0], "revToday": [0, 0], "newToday": [0, 0], "timeToday": [0, 0]}  # fmt: skip

    return {"1": one(1, "Default", ""), str(deck_id): one(deck_id, name, description)}


def _deck_config(new_per_day: int, retention: float) -> dict:
    return {
        "1": {
            "id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": True, "timer": 0,
            "replayq": True, "dyn": False, "desiredRetention": retention,
            "new": {"bury": False, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 0],
                    "order": 1, "perDay": new_per_day},
            "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
            "rev": {"bury": False, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200,
                    "hardFactor": 1.2},
        }
    }  # fmt: skip


def _schedule(state: CardState | None, crt: dt.datetime) -> dict:
    """Anki's scheduling columns (and FSRS memory state) for our state of a card; new when none."""
    if state is None or state.last_review is None:
        return {"type": 0, "queue": 0, "due": 0, "ivl": 0, "factor": 0, "reps": 0, "lapses": 0, "left": 0,
                "data": "{}"}  # fmt: skip
    memory = {"s": round(state.stability, 4), "d": round(state.difficulty, 4)} if state.stability else {}
    common = {"reps": state.reps, "lapses": state.lapses, "factor": 2500, "data": json.dumps(memory)}
    if state.state == MemoryState.REVIEW:
        ivl = max(1, round((state.due - state.last_review).total_seconds() / 86400))
        return {"type": 2, "queue": 2, "due": (state.due - crt).days, "ivl": ivl, "left": 0, **common}
    # Learning and relearning: due is a moment (seconds), with one step left today.
    kind = 1 if state.state == MemoryState.LEARNING else 3
    return {"type": kind, "queue": 1, "due": int(state.due.timestamp()), "ivl": 0, "left": 1001, **common}


def deck_apkg(*, deck: Deck, person: Person | None = None, now: dt.datetime | None = None) -> Exported:
    """The deck as an Anki package; with `person`, that person's own scheduling and review history."""
    now = (now or timezone.now()).astimezone(dt.UTC)
    cards = list(deck.cards.filter(active=True).order_by("position", "pk"))
    states, logs = {}, {}
    if person is not None:
        states = {s.card_id: s for s in CardState.objects.filter(person=person, deck=deck)}
        for log in ReviewLog.objects.filter(person=person, deck=deck, undone_at__isnull=True).order_by(
            "reviewed_at", "pk"
        ):
            logs.setdefault(log.card_id, []).append(log)
    stamp = int(now.timestamp() * 1000)
    deck_id, basic_id, cloze_id = stamp, stamp + 1, stamp + 2
    crt = dt.datetime.combine((now - dt.timedelta(days=3650)).date(), dt.time(), tzinfo=dt.UTC)
    mod = int(now.timestamp())
    media_names = {}
    for card in cards:
        if card.image and card.image.name not in media_names:
            base = card.image.name.rsplit("/", 1)[-1]
            media_names[card.image.name] = f"{len(media_names)}-{base}"
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/collection.anki2"
        db = sqlite3.connect(path)
        db.executescript(SCHEMA)
        db.execute(
            "INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
            (
                int(crt.timestamp()), stamp, stamp,
                json.dumps({"curDeck": deck_id, "activeDecks": [deck_id], "nextPos": len(cards) + 1,
                            "schedVer": 2, "sortType": "noteFld", "sortBackwards": False, "addToCur": True}),
                json.dumps(_models(basic_id, cloze_id, deck_id, mod)),
                json.dumps(_decks(deck_id, deck.item.title, deck.description, mod)),
                json.dumps(_deck_config(deck.new_per_day, deck.desired_retention)),
            ),
        )  # fmt: skip
        anki_cards = reviews = 0
        next_id = stamp + 10
        revlog_ids: set[int] = set()
        for position, card in enumerate(cards, start=1):
            fields = _fields(card, media_names)
            cloze = card.kind == CardKind.CLOZE
            note_id = next_id = next_id + 1
            db.execute(
                "INSERT INTO notes VALUES (?, ?, ?, ?, -1, ' bedside ', ?, ?, ?, 0, '')",
                (note_id, f"bedside-card-{card.pk}", cloze_id if cloze else basic_id, mod, "\x1f".join(fields),
                 re.sub(r"<[^>]+>", "", fields[0]), _checksum(fields[0])),
            )  # fmt: skip
            numbers = sorted({int(n) for n in CLOZE_NUMBERS.findall(card.front)}) if cloze else [1]
            for ordinal, number in enumerate(numbers):
                card_id = next_id = next_id + 1
                # Our one card is Anki's c1, c2... cards: its history goes with the first of them.
                first = ordinal == 0
                schedule = _schedule(states.get(card.pk) if first else None, crt)
                if schedule["type"] == 0:
                    schedule["due"] = position
                db.execute(
                    "INSERT INTO cards VALUES (?, ?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?)",
                    (card_id, note_id, deck_id, number - 1 if cloze else 0, mod, schedule["type"],
                     schedule["queue"], schedule["due"], schedule["ivl"], schedule["factor"], schedule["reps"],
                     schedule["lapses"], schedule["left"], schedule["data"]),
                )  # fmt: skip
                anki_cards += 1
                for log in logs.get(card.pk, []) if first else []:
                    revlog_id = int(log.reviewed_at.timestamp() * 1000)
                    while revlog_id in revlog_ids:  # Anki's revlog id is the time in ms, and unique
                        revlog_id += 1
                    revlog_ids.add(revlog_id)
                    db.execute(
                        "INSERT INTO revlog VALUES (?, ?, -1, ?, 0, 0, 2500, ?, ?)",
                        (revlog_id, card_id, log.rating, min(log.duration_ms or 0, 60_000),
                         REVLOG_TYPE.get(log.state, 1)),
                    )  # fmt: skip
                    reviews += 1
        db.commit()
        db.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, "collection.anki2")
            entries = {}
            for n, (stored, name) in enumerate(media_names.items()):
                with Card._meta.get_field("image").storage.open(stored, "rb") as image:
                    archive.writestr(str(n), image.read())
                entries[str(n)] = name
            archive.writestr("media", json.dumps(entries))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", deck.item.title).strip("-")[:60] or "deck"
    return Exported(buffer.getvalue(), f"{slug}.apkg", len(cards), anki_cards, reviews)


def anki_export(*, actor: Person, deck: Deck, with_history: bool, now: dt.datetime | None = None) -> Exported:
    """Export the deck for `actor` (audited); `with_history` adds their own scheduling and reviews."""
    exported = deck_apkg(deck=deck, person=actor if with_history else None, now=now)
    audit(actor=actor, action="drills.anki_export", target=deck,
          changes={"cards": exported.notes, "reviews": exported.reviews, "with_history": with_history})  # fmt: skip
    return exported
