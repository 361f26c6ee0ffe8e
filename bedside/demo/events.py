"""Grand rounds in the demo: two weekly series with past talks, and one hybrid talk happening now with its
live questions and a poll, all through the events services (and credits', for accredited talks)."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from django.db.models import Q

from bedside.events import dialogue, services
from bedside.events.models import Mode
from bedside.events.services import Disclosed, EventFields
from bedside.learning.models import Room
from bedside.people.models import Department, Person

SPEAKERS = [
    ("Dr Ada Chen", "MD, FACP", "Pulmonary and Critical Care, Harbor General", [("Acme Diagnostics", "Consultant (advisory board)", "Content peer-reviewed by the planning committee; no product names in the slides")]),
    ("Dr Samuel Ortiz", "MD", "Hospital Medicine, Harbor General", []),
    ("Dr Hannah Weiss", "MD, PhD", "Infectious Diseases, Riverside Medical Center", [("Northshore Pharma", "Research grant to the institution", "Speaker presents guideline recommendations only; slides reviewed")]),
    ("Dr Kwame Mensah", "MD", "Nephrology, Harbor General", []),
    ("Dr Laura Bianchi", "DNP, RN", "Critical care nursing, Riverside Medical Center", []),
    ("Dr Omar Haddad", "MD", "Cardiology, Harbor General", [("Cardiva Devices", "Speakers' bureau", "Role divested; talk reviewed by an independent physician")]),
]  # fmt: skip
TALKS = {
    "Medicine Grand Rounds": [
        "Sepsis in 2026: what changed", "Heart failure after discharge", "Hyponatraemia without fear",
        "Anticoagulation around procedures", "Delirium on the medical floor", "Antibiotic stewardship at the bedside",
        "Acute kidney injury: early signs",
    ],
    "Critical Care Grand Rounds": [
        "Proning without an ICU team", "Ventilator basics for the floor nurse", "Early mobility in the ICU",
        "Family meetings that help", "Vasopressors through peripheral lines", "Sedation holidays",
    ],
}  # fmt: skip
OBJECTIVES = (
    "Recognise the patients this applies to on your unit\n"
    "Apply the current guideline's first-hour steps\n"
    "Know when and whom to call for help"
)
QUESTIONS = [
    "Does this apply to patients on dialysis?",
    "Which balanced crystalloid do you start with, and how fast?",
    "How do you decide on early norepinephrine through a peripheral line?",
    "Is lactate still needed when the capillary refill is normal?",
    "What should the night nurse escalate first?",
]


def _room(site, name: str, capacity: int) -> Room:
    return Room.objects.get_or_create(site=site, name=name, defaults={"capacity": capacity})[0]


def _add_speaker(event, rng: random.Random, person: Person | None = None) -> None:
    name, credentials, affiliation, relationships = rng.choice(SPEAKERS)
    services.speaker_add(
        actor=None, event=event, name="" if person else name, person=person, credentials=credentials,
        affiliation=affiliation, disclosure="relationships" if relationships else "none",
        relationships=[Disclosed(*r) for r in relationships],
    )  # fmt: skip


def seed_events(*, now: dt.datetime, rng: random.Random) -> dict[str, int]:
    """Medicine Grand Rounds (Harbor General, Thursdays 08:00) and Critical Care Grand Rounds (Riverside,
    Tuesdays 12:00 in Chicago): six past talks each, four to come, and one hybrid talk on now."""
    medicine = Department.objects.get(site__code="HG", name="Medicine")
    critical = Department.objects.get(site__code="RMC", name="Critical Care")
    staff = list(
        Person.objects.filter(jobs__unit__site__code="HG", status="active", email__isnull=False)
        .exclude(email__endswith="@demo.bedside.test")
        .distinct()
        .order_by("pk")[:40]
    )
    counts = {"event series": 0, "events": 0, "event questions": 0}
    plans = (
        (
            "Medicine Grand Rounds",
            medicine,
            3,
            dt.time(8, 0),
            _room(medicine.site, "Ether Dome auditorium", 180),
        ),
        (
            "Critical Care Grand Rounds",
            critical,
            1,
            dt.time(12, 0),
            _room(critical.site, "Riverside lecture hall", 90),
        ),
    )
    made = {}
    for title, department, weekday, at, room in plans:
        series = services.series_create(
            actor=None, title=title, department=department, weekday=weekday, at=at, public=True,
            description="Weekly talks for physicians, nurses and the whole care team; accredited for 1.0 credit.",
        )  # fmt: skip
        counts["event series"] += 1
        tz = zoneinfo.ZoneInfo(department.site.time_zone)
        first = now.astimezone(tz).date() - dt.timedelta(weeks=6)
        how = EventFields(
            title=title, starts_at=now, ends_at=now, mode=Mode.HYBRID, room=room,
            stream_url="https://stream.example.org/" + series.slug, objectives=OBJECTIVES,
            meeting_url="https://meet.example.org/" + series.slug,
        )  # fmt: skip
        events = services.series_schedule(actor=None, series=series, first_day=first, weeks=10, fields=how)
        for n, event in enumerate(events):
            event.title = TALKS[title][n % len(TALKS[title])]
            event.save(update_fields=["title"])
            _add_speaker(event, rng)
        counts["events"] += len(events)
        made[title] = (series, room, events)

    # The talk happening now: a hybrid Medicine Grand Rounds, ten minutes in, questions and a poll live.
    series, room, _ = made["Medicine Grand Rounds"]
    starts = now - dt.timedelta(minutes=10)
    live = services.event_create(
        actor=None, department=medicine, series=series,
        fields=EventFields(
            title="Sepsis in 2026: what changed (live)", starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
            mode=Mode.HYBRID, room=room, stream_url="https://stream.example.org/medicine-grand-rounds-live",
            meeting_url="https://meet.example.org/medicine-grand-rounds", objectives=OBJECTIVES, public=True,
            description="Hybrid: in the Ether Dome and online. Ask and vote on questions from your phone.",
        ),
    )  # fmt: skip
    _add_speaker(live, random.Random(1))
    moderators = list(Person.objects.filter(Q(email="educator@demo.bedside.test")))
    services.moderators_set(actor=None, event=live, persons=moderators)
    counts["events"] += 1
    asked = []
    for person, text in zip(staff[: len(QUESTIONS)], QUESTIONS, strict=False):
        asked.append(
            dialogue.question_ask(person=person, event=live, text=text, anonymous=rng.random() < 0.3, now=now)
        )
    for voter in staff[5:25]:
        for q in rng.sample(asked, k=min(2, len(asked))):
            dialogue.question_vote(person=voter, question=q, now=now)
    if asked:
        dialogue.question_moderate(actor=None, question=asked[3], action="approve", now=now)
    poll = dialogue.poll_create(
        actor=None, event=live, prompt="Would you start norepinephrine peripherally in this patient?",
        options=["Yes, now", "After more fluid", "Only with a central line"],
    )  # fmt: skip
    dialogue.poll_set_status(actor=None, poll=poll, status="open", now=now)
    options = list(poll.options.all())
    for voter in staff[:18]:
        dialogue.poll_answer(person=voter, poll=poll, option_id=rng.choice(options).pk, now=now)
    counts["event questions"] = len(asked)
    return counts
