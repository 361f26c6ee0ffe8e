"""Grand rounds in the demo: two weekly series with past talks, and one hybrid talk happening now with its
live questions and a poll, all through the events services (and credits', for accredited talks).

Both series offer credit for each talk (1.00 AMA PRA Category 1 and 1.00 ANCC): past talks have their
check-ins, evaluations, claims and certificates (the demo physician and nurse among them), dated by the
seed's clock and none after it; the live talk's check-in stays open for twelve hours after the seed, so
the demo can check in with the code on the moderator's page."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from decimal import Decimal

from django.db.models import Q

from bedside.credits import services as credits
from bedside.demo.credits import PROVIDER, take_part
from bedside.events import credit, dialogue, services
from bedside.events.credit import CreditTerms
from bedside.events.models import Event, Mode
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


OFFERS = {"ama_pra_1": Decimal("1.00"), "ancc": Decimal("1.00")}
# The live talk's check-in stays open this long after it ends, so the demo can check in for half a day.
LIVE_CHECKIN_MINUTES = 12 * 60


def take_checkin(activity, person, *, at: dt.datetime, device: str) -> None:
    code = credits.rotating_code(activity).short_code(at)
    credits.checkin(activity=activity, person=person, code=code, device=device, now=at)


def _past_credit(made: dict, *, now: dt.datetime, rng: random.Random) -> int:
    """Check-ins, evaluations and claims for the talks that ended at least four hours before the seed's clock
    (so no evaluation or claim is dated after it): the demo physician at most Medicine Grand Rounds, the demo
    nurse at some of each, and nine colleagues at each talk, physicians claiming AMA PRA Category 1 and
    nurses ANCC contact hours."""
    doctor = Person.objects.get(email="physician@demo.bedside.test")
    nurse = Person.objects.get(email="nurse@demo.bedside.test")
    claims = 0
    for title, (series, _room, _events) in made.items():
        site = series.site
        physicians = _colleagues(site, ("ATT", "RES", "FEL"), 40)
        nurses = _colleagues(site, ("RN",), 40)
        past = list(
            Event.objects.filter(
                series=series, ends_at__lt=now - dt.timedelta(hours=4), activity__isnull=False
            )
            .select_related("activity__site", "activity__item")
            .order_by("starts_at")
        )
        for n, event in enumerate(past):
            people = [(p, "ama_pra_1") for p in rng.sample(physicians, k=min(5, len(physicians)))]
            people += [(p, "ancc") for p in rng.sample(nurses, k=min(4, len(nurses)))]
            if title == "Medicine Grand Rounds" and n != 1:
                people.append((doctor, "ama_pra_1"))
            if n % 2 == 0:
                people.append((nurse, "ancc"))
            for i, (person, credit_type) in enumerate(people):
                at = event.starts_at - dt.timedelta(minutes=10) + dt.timedelta(minutes=(i * 3) % 25)
                take_part(event.activity, person, at=at, rng=rng, credit_type=credit_type,
                          device=f"demo-phone-{person.pk:06d}", bias=(n == 2 and i == 4))  # fmt: skip
                claims += 1
    return claims


def _colleagues(site, roles: tuple[str, ...], limit: int) -> list[Person]:
    return list(
        Person.objects.filter(jobs__job_role__code__in=roles, jobs__unit__site=site, status="active")
        .exclude(email__endswith="@demo.bedside.test")
        .distinct()
        .order_by("pk")[:limit]
    )


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
    counts = {"event series": 0, "events": 0, "event questions": 0, "event credit claims": 0}
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
        credit.series_credit_set(
            actor=None, series=series, offers=OFFERS, provider_name=PROVIDER,
            accreditor_activity_id=f"CH-RSS-{department.site.code}-2026", enduring_days=90 if weekday == 3 else None,
        )  # fmt: skip
        tz = zoneinfo.ZoneInfo(department.site.time_zone)
        first = now.astimezone(tz).date() - dt.timedelta(weeks=6)
        how = EventFields(
            title=title, starts_at=now, ends_at=now, mode=Mode.HYBRID, room=room,
            stream_url="https://stream.example.org/" + series.slug, objectives=OBJECTIVES,
            meeting_url="https://meet.example.org/" + series.slug,
        )  # fmt: skip
        events = services.series_schedule(
            actor=None, series=series, first_day=first, weeks=10, fields=how, now=now
        )
        for n, event in enumerate(events):
            event.title = TALKS[title][n % len(TALKS[title])]
            event.save(update_fields=["title"])
            credit.activity_sync(event)
            _add_speaker(event, rng)
        counts["events"] += len(events)
        made[title] = (series, room, events)

    counts["event credit claims"] = _past_credit(made, now=now, rng=rng)

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
        credit_terms=CreditTerms(
            offers=OFFERS, provider_name=PROVIDER, accreditor_activity_id="CH-RSS-HG-2026",
            target_audience="Physicians, nurses and the whole care team", checkin_closes_minutes=LIVE_CHECKIN_MINUTES,
        ),
        now=now,
    )  # fmt: skip
    _add_speaker(live, random.Random(1))
    # Some of the room checked in already (the demo physician has not: they check in with the code shown).
    for i, person in enumerate(staff[:12]):
        at = starts - dt.timedelta(minutes=5) + dt.timedelta(minutes=i)
        take_checkin(live.activity, person, at=at, device=f"demo-phone-{person.pk:06d}")
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
