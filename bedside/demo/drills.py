"""The demo's practice decks and simulation drills: an ACLS deck required of the Medical ICU's nurses,
two decks to choose, review histories (so the demo nurse has cards due), and a year of mock codes on
the Medical ICU with its open safety threats and one drill planned on today's roster."""

from __future__ import annotations

import datetime as dt
import random

import fsrs

from bedside.assignments.models import AssignmentRule
from bedside.assignments.services import rule_apply
from bedside.audit.services import audit_bulk
from bedside.demo.logins import DEMO_DOMAIN
from bedside.drills.models import (
    CardKind,
    CardState,
    ChosenDeck,
    DrillStatus,
    ReviewLog,
    SafetyThreat,
    ScenarioKind,
    SimAction,
    SimDrill,
    SimParticipant,
    ThreatStatus,
)
from bedside.drills.services import card_create, deck_create
from bedside.drills.sim_services import scenario_create
from bedside.people.models import Audience, JobRole, Person, Unit, active_jobs
from bedside.records.models import LearningItem, Record, SourceKind, Verb
from bedside.rosters.models import Shift, ShiftStatus

B, C, S = CardKind.BASIC, CardKind.CLOZE, CardKind.SBA
ACLS = [
    (B, "Adult CPR: compression rate?", "100 to 120 a minute", None, None, ""),
    (B, "Adult CPR: compression depth?", "At least 5 cm, no more than 6 cm", None, None, ""),
    (C, "Give epinephrine 1 mg IV/IO every {{c1::3 to 5 minutes}} during cardiac arrest.", "", None, None, ""),
    (C, "For VF or pulseless VT, give amiodarone {{c1::300 mg}} after the third shock, then {{c2::150 mg}}.", "", None, None, ""),
    (S, "Pulseless VF on the monitor, defibrillator ready. First action?", "",
     ["Epinephrine 1 mg", "Defibrillate", "Intubate", "Amiodarone 300 mg"], 1,
     "Shock first: every minute without defibrillation lowers survival from VF."),
    (S, "PEA arrest. Which drug, and when?", "",
     ["Amiodarone at once", "Epinephrine as soon as possible", "Atropine 1 mg", "Adenosine 6 mg"], 1,
     "In non-shockable rhythms give epinephrine as soon as feasible; atropine is no longer advised for PEA."),
    (B, "Target ETCO2 showing good-quality CPR?", "At least 10 mmHg (aim for 20 or more)", None, None, ""),
    (B, "Signs of ROSC on capnography?", "A sudden sustained rise in ETCO2, often above 40 mmHg", None, None, ""),
    (C, "Pause compressions for no more than {{c1::10 seconds}} for rhythm checks.", "", None, None, ""),
    (S, "Stable narrow regular tachycardia at 190, vagal manoeuvres failed. Next?", "",
     ["Synchronised cardioversion", "Adenosine 6 mg rapid IV push", "Amiodarone 150 mg", "Epinephrine"], 1,
     "Adenosine 6 mg rapid push with a flush; 12 mg if needed."),
    (B, "The H's and T's: name the five T's.", "Tension pneumothorax, tamponade, toxins, thrombosis (pulmonary), thrombosis (coronary)", None, None, ""),
    (C, "Post-arrest: keep SpO2 {{c1::92 to 98%}} and avoid hypotension (SBP at least {{c2::90 mmHg}}).", "", None, None, ""),
]  # fmt: skip
SEPSIS = [
    (B, "Hour-1 bundle: what is measured first?", "Lactate (remeasure if above 2 mmol/L)", None, None, ""),
    (C, "Give {{c1::30 mL/kg}} crystalloid for hypotension or lactate of 4 mmol/L or more.", "", None, None, ""),
    (B, "Before antibiotics, take…", "Blood cultures", None, None, ""),
    (S, "MAP 58 after the fluid bolus. Next?", "", ["Repeat the bolus only", "Start norepinephrine", "Give hydrocortisone first"], 1,
     "Start vasopressors to keep MAP at 65 mmHg or more if hypotensive during or after fluids."),
    (C, "qSOFA: RR at least {{c1::22}}, altered mentation, SBP at most {{c2::100}}.", "", None, None, ""),
    (B, "Antibiotics within how long of recognising septic shock?", "Within 1 hour", None, None, ""),
]  # fmt: skip
INSULIN = [
    (B, "Insulin infusion: glucose check frequency on a drip?", "Every hour until stable, per protocol", None, None, ""),
    (C, "Treat glucose below {{c1::70 mg/dL}} with the hypoglycaemia protocol at once.", "", None, None, ""),
    (S, "Potassium 3.1 on an insulin infusion for DKA. Action?", "", ["Continue as is", "Replace potassium; hold insulin if below 3.3", "Double the insulin"], 1,
     "Insulin drives potassium into cells: replace it, and hold insulin while K is below 3.3 mmol/L."),
    (B, "Two-person check needed for?", "Starting or changing an insulin infusion", None, None, ""),
]  # fmt: skip

MOCK_CODE_ACTIONS = [
    {"key": "recognised", "label": "Arrest recognised", "target_seconds": None},
    {"key": "compressions", "label": "Compressions started", "target_seconds": 60},
    {"key": "defib_attached", "label": "Defibrillator attached", "target_seconds": 90},
    {"key": "first_shock", "label": "First shock", "target_seconds": 120},
    {"key": "first_epinephrine", "label": "First epinephrine", "target_seconds": 300},
]
DEBRIEF = ["Roles were called out", "Compressions were continuous", "Closed-loop communication",
           "Defibrillator checked and ready", "Family and patient safety considered"]  # fmt: skip


def _cards(deck, rows) -> None:
    for kind, front, back, options, correct, explanation in rows:
        card_create(actor=None, deck=deck, kind=kind, front=front, back=back, options=options or [],
                    correct_option=correct, explanation=explanation)  # fmt: skip


def _history(
    person_id: int, deck, cards, rng: random.Random, now: dt.datetime, days: int
) -> tuple[list, list]:
    """A learner's last `days` days of answers, scheduled by FSRS (fuzz on), as rows to insert."""
    # No fuzz here, so the same seed gives the same demo; live answers are fuzzed.
    scheduler = fsrs.Scheduler(desired_retention=deck.desired_retention, enable_fuzzing=False)
    states, logs = [], []
    start = now - dt.timedelta(days=days)
    for card in cards:
        fc = fsrs.Card(card_id=card.pk, due=start)
        at = start + dt.timedelta(days=rng.randint(0, days // 2), hours=rng.randint(0, 10))
        introduced = at
        reps = lapses = 0
        while at < now - dt.timedelta(hours=1):
            before_state = fc.state.value
            rating = 1 if rng.random() < 0.12 else rng.choice([3, 3, 3, 4, 2])
            elapsed = (at - fc.last_review).total_seconds() / 86400 if fc.last_review else 0.0
            fc, _ = scheduler.review_card(fc, fsrs.Rating(rating), at)
            reps += 1
            lapses += rating == 1 and before_state == 2
            logs.append(ReviewLog(person_id=person_id, card=card, deck=deck, rating=rating, reviewed_at=at,
                                  state=before_state, elapsed_days=elapsed, duration_ms=rng.randint(3000, 15000)))  # fmt: skip
            at = max(fc.due, at + dt.timedelta(hours=20))
        if reps:
            states.append(CardState(person_id=person_id, card=card, deck=deck, state=fc.state.value, step=fc.step,
                                    stability=fc.stability, difficulty=fc.difficulty, due=fc.due,
                                    last_review=fc.last_review, reps=reps, lapses=lapses, introduced_at=introduced))  # fmt: skip
    return states, logs


def seed_drills(*, now: dt.datetime, today: dt.date, rng: random.Random) -> dict:
    now = now.astimezone(dt.UTC)  # FSRS takes UTC moments only
    history_rng, sim_rng = random.Random(rng.random()), random.Random(rng.random())
    educator = Person.objects.get(email=f"educator@{DEMO_DOMAIN}")
    nurse = Person.objects.get(email=f"nurse@{DEMO_DOMAIN}")
    micu = Unit.objects.select_related("site").get(code="HG-MICU")
    decks = []
    for title, rows, unit, description in (
        ("ACLS algorithms", ACLS, micu, "Cardiac arrest and tachycardia algorithms: keep them ready for the next code."),
        ("Sepsis hour-1 bundle", SEPSIS, None, "The first hour of sepsis care, step by step."),
        ("Insulin infusion safety", INSULIN, None, "High-alert medication: doses, checks and potassium."),
    ):  # fmt: skip
        deck = deck_create(actor=None, title=title, unit=unit, description=description, minutes=3)
        LearningItem.objects.filter(pk=deck.item_id).update(owner=educator, created_at=now)
        _cards(deck, rows)
        decks.append(deck)
    acls, sepsis, insulin = decks
    # ACLS kept at 90% predicted recall is required of the Medical ICU's nurses.
    audience = Audience.objects.create(name="Medical ICU nurses")
    audience.units.set([micu])
    audience.job_roles.set(JobRole.objects.filter(code="RN"))
    rule = AssignmentRule.objects.create(name="ACLS algorithms (Medical ICU nurses)", audience=audience,
                                         item=acls.item, due_days=30, created_at=now)  # fmt: skip
    rule_apply(rule=rule, on=today, now=now)
    learners = list(
        active_jobs(today).filter(unit=micu, job_role__code="RN").values_list("person_id", flat=True)[:40]
    )
    if nurse.pk not in learners:
        learners.append(nurse.pk)
    ChosenDeck.objects.bulk_create([ChosenDeck(person_id=nurse.pk, deck=sepsis, chosen_at=now)])
    all_states, all_logs = [], []
    for pid in learners:
        for deck in (acls, sepsis) if pid == nurse.pk else (acls,):
            cards = list(deck.cards.all())
            met = cards[: history_rng.randint(len(cards) // 2, len(cards))]
            states, logs = _history(pid, deck, met, history_rng, now, 45)
            all_states += states
            all_logs += logs
    CardState.objects.bulk_create(all_states, batch_size=2000)
    ReviewLog.objects.bulk_create(all_logs, batch_size=2000)
    # The demo nurse has a few cards due now, so Today offers a 3-minute drill when she is off shift.
    due_now = CardState.objects.filter(person=nurse, deck=acls).order_by("due")[:4]
    CardState.objects.filter(pk__in=[s.pk for s in due_now]).update(due=now - dt.timedelta(hours=2))
    counts = {"decks": 3, "card_states": len(all_states), "review_logs": len(all_logs)}
    counts.update(_seed_simulation(micu=micu, educator=educator, now=now, rng=sim_rng))
    return counts


def _seed_simulation(*, micu: Unit, educator: Person, now: dt.datetime, rng: random.Random) -> dict:
    scenario = scenario_create(actor=None, title="Mock code: VF arrest", kind=ScenarioKind.MOCK_CODE,
                               key_actions=MOCK_CODE_ACTIONS, debrief_items=DEBRIEF,
                               description="Manikin in a bed space; VF on the simulator monitor.")  # fmt: skip
    scenario_create(actor=None, title="Rapid response: deteriorating patient", kind=ScenarioKind.RAPID_RESPONSE,
                    key_actions=[{"key": "called", "label": "Rapid response called", "target_seconds": 120},
                                 {"key": "team_arrived", "label": "Team at bedside", "target_seconds": 300},
                                 {"key": "sbar", "label": "SBAR handover given", "target_seconds": 420}],
                    debrief_items=DEBRIEF[:3])  # fmt: skip
    scenario_create(actor=None, title="Massive transfusion protocol", kind=ScenarioKind.MASSIVE_TRANSFUSION,
                    key_actions=[{"key": "mtp_called", "label": "MTP activated", "target_seconds": 180},
                                 {"key": "first_cooler", "label": "First cooler at bedside", "target_seconds": 900},
                                 {"key": "first_unit", "label": "First unit transfusing", "target_seconds": 1080}],
                    debrief_items=DEBRIEF[:3])  # fmt: skip
    LearningItem.objects.filter(kind="simulation").update(owner=educator, created_at=now)
    staff = list(active_jobs(now.date()).filter(unit=micu).values_list("person_id", flat=True)[:30])
    drills, actions, participants, records = 0, [], [], []
    for months_ago in range(11, 0, -1):
        started = now - dt.timedelta(days=30 * months_ago + rng.randint(0, 10), hours=rng.randint(1, 6))
        drill = SimDrill.objects.create(
            scenario=scenario, unit=micu, planned_at=started, facilitator=educator, status=DrillStatus.FINISHED,
            started_at=started, ended_at=started + dt.timedelta(minutes=12),
            debrief={item: rng.random() < 0.8 for item in DEBRIEF}, lessons="Team debriefed at the bedside.",
            created_by=educator, created_at=started - dt.timedelta(days=7),
        )  # fmt: skip
        drills += 1
        better = (11 - months_ago) / 10  # the unit gets faster with practice
        elapsed = 0
        for action, base in zip(MOCK_CODE_ACTIONS, (10, 55, 100, 150, 330), strict=True):
            elapsed = max(elapsed + 5, int(base * (1.25 - 0.35 * better) + rng.randint(-10, 10)))
            actions.append(SimAction(drill=drill, key=action["key"], at=started + dt.timedelta(seconds=elapsed),
                                     elapsed_seconds=elapsed, recorded_by=educator))  # fmt: skip
        for pid in rng.sample(staff, min(4, len(staff))):
            participants.append(SimParticipant(drill=drill, person_id=pid))
            records.append(Record(person_id=pid, item=scenario.item, verb=Verb.ATTENDED, at=started,
                                  evidence=f"In situ drill “{scenario.title}” on {micu.name}.",
                                  source_kind=SourceKind.PERSON, source_ref=f"simdrill:{drill.pk}",
                                  recorded_by=educator, recorded_at=started))  # fmt: skip
    SimAction.objects.bulk_create(actions)
    SimParticipant.objects.bulk_create(participants)
    Record.objects.bulk_create(records)
    audit_bulk(
        actor=None,
        action="record.add",
        model=Record,
        targets=((r.pk, {"person": r.person_id, "item": r.item_id, "verb": r.verb}) for r in records),
    )
    # One drill planned later today on the unit, participants from the roster then.
    planned_at = (now + dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    on_shift = list(
        Shift.objects.filter(
            unit=micu, status=ShiftStatus.SCHEDULED, start__lte=planned_at, end__gt=planned_at
        ).values_list("person_id", flat=True)[:5]
    )
    planned = SimDrill.objects.create(scenario=scenario, unit=micu, planned_at=planned_at, facilitator=educator,
                                      created_by=educator)  # fmt: skip
    SimParticipant.objects.bulk_create(SimParticipant(drill=planned, person_id=pid) for pid in on_shift)
    last = SimDrill.objects.filter(unit=micu, status=DrillStatus.FINISHED).order_by("-started_at").first()
    owner = Person.objects.filter(email=f"manager@{DEMO_DOMAIN}").first() or educator
    for category, text, days, status in (
        ("equipment", "Defibrillator pads in the code cart were out of date", 7, ThreatStatus.OPEN),
        ("process", "Nobody was assigned to record times until the third minute", 14, ThreatStatus.IN_PROGRESS),
        ("environment", "Bed space 12 too crowded for the code cart to reach the head of the bed", 30, ThreatStatus.OPEN),
        ("staffing", "Night shift had no ACLS-certified nurse on the unit for two hours", -3, ThreatStatus.CLOSED),
    ):  # fmt: skip
        SafetyThreat.objects.create(
            unit=micu, drill=last, category=category, description=text, owner=owner,
            due_on=now.date() + dt.timedelta(days=days), status=status,
            closed_at=now if status == ThreatStatus.CLOSED else None,
        )  # fmt: skip
    return {"sim_drills": drills + 1, "sim_actions": len(actions), "sim_records": len(records)}


CITATIONS = (
    # deck title, words in the card's front, the care resource it rests on
    ("ACLS algorithms", "shock", "Advanced life support: shockable rhythms"),
    ("Sepsis hour-1 bundle", "", "Sepsis: the first hour"),
)


def cite_library() -> dict:
    """The demo decks' cards cite the care library's resources (run after the library is seeded): a new
    version of the resource flags them for the educator, and the card editor shows the citation."""
    from bedside.drills.models import Card
    from bedside.records.models import ItemVersion

    cited = 0
    for deck_title, words, resource in CITATIONS:
        version = (
            ItemVersion.objects.filter(item__title=resource, item__kind="library")
            .order_by("-published_at")
            .first()
        )
        if version is None:
            continue
        cards = Card.objects.filter(deck__item__title=deck_title, front__icontains=words, cites__isnull=True)
        cited += Card.objects.filter(pk__in=list(cards.values_list("pk", flat=True)[:3])).update(
            cites=version
        )
    return {"cited_cards": cited}
