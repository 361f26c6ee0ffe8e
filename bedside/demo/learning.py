"""Demo courses: a blended central-line course required of the Medical ICU with two skills labs,
an online sepsis course and an in situ mock-code simulation, written through the learning services.

The demo educator owns and instructs them; the demo nurse is part-way through the central-line
course and booked on its first skills lab.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bedside.assignments.services import rule_apply
from bedside.demo.logins import DEMO_DOMAIN
from bedside.demo.organisation import Organisation
from bedside.learning import authoring, progress, sessions
from bedside.learning.models import ModuleKind, QuestionKind, Room
from bedside.people.models import Person
from bedside.people.timezones import system_tz

LINE_QUESTIONS = [
    (
        QuestionKind.SINGLE,
        "",
        "How long should chlorhexidine dry before the dressing goes on?",
        [("At least 30 seconds", True), ("It does not need to dry", False), ("10 minutes", False)],
        "Chlorhexidine kills by contact: it needs about 30 seconds to act and dry.",
    ),
    (
        QuestionKind.MULTIPLE,
        "",
        "Which belong to the central line maintenance bundle?",
        [
            ("Daily review of line necessity", True),
            ("Scrub the hub before every access", True),
            ("Routine line change every 72 hours", False),
            ("Dressing change when soiled or loose", True),
        ],
        "Routine replacement does not lower infection rates; daily review, hub scrubs and intact dressings do.",
    ),
    (
        QuestionKind.CASE,
        "Mr. J, 67, day 4 in the MICU with a right IJ triple-lumen line. The dressing edge is lifting and "
        "there is a small amount of dried blood under it. He has no fever.",
        "What do you do now?",
        [
            ("Change the dressing now with full aseptic technique", True),
            ("Reinforce the edge with tape", False),
            ("Leave it until the 7-day change", False),
        ],
        "A dressing that is loose, damp or soiled is changed at once: reinforcing it traps contamination.",
    ),
    (
        QuestionKind.SINGLE,
        "",
        "How long do you scrub the needleless connector before access?",
        [("5 to 15 seconds, then let it dry", True), ("A quick wipe", False), ("2 minutes", False)],
        "Scrub the hub with friction for 5-15 seconds (per product) and let it dry.",
    ),
    (
        QuestionKind.SINGLE,
        "",
        "Who may decide a central line is no longer needed?",
        [
            ("Any member of the team can raise it on daily rounds", True),
            ("Only infection control", False),
            ("Only the surgeon who placed it", False),
        ],
        "Daily necessity review is everyone's job: the nurse often raises it first.",
    ),
]

SEPSIS_QUESTIONS = [
    (
        QuestionKind.SINGLE,
        "",
        "Within what time should antibiotics start for suspected septic shock?",
        [("Within 1 hour", True), ("Within 6 hours", False), ("After cultures result", False)],
        "Each hour of delay in septic shock raises mortality: draw cultures, then give antibiotics within the hour.",
    ),
    (
        QuestionKind.SINGLE,
        "",
        "A lactate above which value prompts a 30 mL/kg crystalloid bolus in hypotension?",
        [("4 mmol/L", True), ("1 mmol/L", False), ("10 mmol/L", False)],
        "Lactate of 4 mmol/L or more, or hypotension, calls for 30 mL/kg crystalloid.",
    ),
    (
        QuestionKind.MULTIPLE,
        "",
        "Which are qSOFA criteria?",
        [
            ("Respiratory rate 22 or more", True),
            ("Altered mentation", True),
            ("Systolic BP 100 or less", True),
            ("Temperature above 38.3 °C", False),
        ],
        "qSOFA: breathing fast, altered mentation, low systolic pressure.",
    ),
]


def _course(educator: Person, dept, title, summary, modality, credit, modules, questions, now) -> object:
    course = authoring.course_create(
        actor=None,
        title=title,
        summary=summary,
        modality=modality,
        department=dept,
        credit_hours=Decimal(credit),
        now=now,
    )
    course.owner = educator
    course.save(update_fields=["owner"])
    for kind, case, stem, choices, why in questions:
        authoring.question_add(
            course=course, actor=None, kind=kind, case_text=case, stem=stem, choices=choices, explanation=why
        )
    for kind, fields in modules:
        authoring.module_add(course=course, actor=None, kind=kind, **fields)
    authoring.revision_publish(course=course, actor=None, now=now)
    return course


def seed_learning(org: Organisation, *, now: dt.datetime) -> dict[str, int]:
    educator = Person.objects.get(email=f"educator@{DEMO_DOMAIN}")
    nurse = Person.objects.get(email=f"nurse@{DEMO_DOMAIN}")
    micu = org.units["HG-MICU"]
    nursing = micu.department
    line = _course(
        educator,
        nursing,
        "Central line care bundle",
        "Keep central lines clean and short-lived: the maintenance bundle, dressing changes and a skills lab.",
        "blended",
        "1.5",
        [
            (
                ModuleKind.READING,
                {
                    "title": "The maintenance bundle",
                    "minutes": 8,
                    "body": (
                        "Central line-associated bloodstream infections (CLABSI) are mostly preventable.\n\n"
                        "Every shift: check the dressing is clean, dry and intact; scrub the hub before every access; "
                        "ask on rounds whether the line is still needed.\n\n"
                        "Change a transparent dressing every 7 days, gauze every 2 days, and any dressing at once when "
                        "it is damp, loose or soiled."
                    ),
                },
            ),
            (
                ModuleKind.QUIZ,
                {
                    "title": "Knowledge check",
                    "minutes": 6,
                    "draw_count": 4,
                    "pass_percent": 75,
                    "max_attempts": 3,
                },
            ),
            (ModuleKind.SESSION, {"title": "Skills lab: dressing change", "minutes": 90}),
        ],
        LINE_QUESTIONS,
        now,
    )
    sepsis = _course(
        educator,
        nursing,
        "Sepsis recognition: the first hour",
        "Spot sepsis early and start the hour-1 bundle.",
        "online",
        "0.5",
        [
            (
                ModuleKind.READING,
                {
                    "title": "The hour-1 bundle",
                    "minutes": 6,
                    "body": (
                        "Measure lactate; obtain blood cultures before antibiotics; give broad-spectrum antibiotics; "
                        "give 30 mL/kg crystalloid for hypotension or lactate of 4 mmol/L or more; start vasopressors "
                        "if hypotensive during or after fluids."
                    ),
                },
            ),
            (ModuleKind.QUIZ, {"title": "Check", "minutes": 4, "draw_count": 3, "pass_percent": 67}),
        ],
        SEPSIS_QUESTIONS,
        now,
    )
    mock = _course(
        educator,
        nursing,
        "Mock code: in situ simulation",
        "A mock code on your own unit: roles, first compressions within a minute, defibrillation within two.",
        "simulation",
        "1",
        [
            (
                ModuleKind.READING,
                {
                    "title": "Before the mock code",
                    "minutes": 5,
                    "body": (
                        "Know where the code cart is and who brings it. Compressions start within a minute; "
                        "a shockable rhythm is shocked within two minutes."
                    ),
                },
            ),
            (ModuleKind.SESSION, {"title": "The mock code", "minutes": 45}),
            (
                ModuleKind.SKILLS,
                {
                    "title": "High-quality CPR",
                    "minutes": 10,
                    "checklist": (
                        "Rate 100-120 a minute\nDepth at least 5 cm\nFull recoil\nPauses under 10 seconds"
                    ),
                },
            ),
        ],
        [],
        now,
    )
    site = micu.site
    lab = Room.objects.create(
        site=site, name="Simulation lab 2", capacity=12, equipment="Task trainers, IV arms"
    )
    tz = system_tz()
    day = now.astimezone(tz).date()
    made = []
    for days, hour, course, room, seats in (
        (9, 13, line, lab, 12),
        (16, 8, line, lab, 12),
        (5, 14, mock, None, 8),
    ):
        start = dt.datetime.combine(day + dt.timedelta(days=days), dt.time(hour), tzinfo=tz)
        made.append(
            sessions.session_create(
                actor=None,
                course=course,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=90 if course is line else 45),
                seats=seats,
                room=room or Room.objects.create(site=site, name="MICU bed 12 (in situ)", capacity=8),
                instructors=[educator],
                now=now,
            )
        )
    rule = authoring.course_require(course=line, actor=educator, units=[micu], due_days=45)
    rule_apply(rule=rule, on=day, now=now)
    enrolment = progress.enrol(person=nurse, course=line, now=now)
    reading = enrolment.revision.modules.get(kind=ModuleKind.READING)
    progress.reading_done(enrolment=enrolment, module=reading, person=nurse, now=now)
    booked = 0
    colleagues = list(
        Person.objects.filter(jobs__unit=micu, jobs__end_date__isnull=True)
        .exclude(pk=nurse.pk)
        .order_by("pk")[:9]
    )
    for person in [nurse, *colleagues]:
        for session in made[:2]:  # the first lab that fits around their shifts
            try:
                sessions.register(person=person, session=session, now=now)
            except sessions.ClashError:
                continue
            booked += 1
            break
    return {"courses": 3 if sepsis else 2, "sessions": len(made), "session places": booked}


def seed_learning_extras(org: Organisation, *, now: dt.datetime) -> dict[str, int]:
    """After the library: a course whose reading is a library version (found through the catalogue's
    search registry), an ICU cross-training path of three courses, and a clash the MICU manager
    overrides with a reason (audited)."""
    from bedside.learning import paths
    from bedside.learning.models import Course, CourseSession
    from bedside.records.models import ItemVersion
    from bedside.records.search import search_items

    educator = Person.objects.get(email=f"educator@{DEMO_DOMAIN}")
    manager = Person.objects.get(email=f"manager@{DEMO_DOMAIN}")
    micu = org.units["HG-MICU"]
    hits = [
        h for h in search_items("prone positioning ventilated", kinds={"library"}, limit=5) if h.version_id
    ]
    made = {}
    if hits:
        prone = _course(
            educator,
            micu.department,
            "Prone positioning in the ICU",
            "Turn a ventilated patient safely: the library's current guidance, then a team drill.",
            "blended",
            "1",
            [
                (
                    ModuleKind.READING,
                    {
                        "title": "The guidance",
                        "minutes": 6,
                        "resource_version": ItemVersion.objects.get(pk=hits[0].version_id),
                    },
                ),
                (
                    ModuleKind.READING,
                    {
                        "title": "Roles in the turn",
                        "minutes": 4,
                        "body": "One at the head holds the airway and calls the turn; two each side; one watches the lines.",
                    },
                ),
            ],
            [],
            now,
        )
        made["prone"] = prone
    cross = paths.path_create(
        actor=None,
        title="ICU cross-training",
        summary="For nurses joining the ICU from the floors: sepsis first, then lines, then proning.",
        department=micu.department,
        now=now,
    )
    cross.owner = educator
    cross.save(update_fields=["owner"])
    titles = ["Sepsis recognition: the first hour", "Central line care bundle"]
    courses = {c.item.title: c for c in Course.objects.filter(item__title__in=titles).select_related("item")}
    for title in titles:
        paths.path_step_add(path=cross, actor=None, course=courses[title])
    if "prone" in made:
        paths.path_step_add(path=cross, actor=None, course=made["prone"])
    overridden = 0
    # The in-situ mock code on the MICU comes first: the manager frees a nurse on shift for it.
    labs = CourseSession.objects.filter(
        course__item__title__in=[*titles, "Mock code: in situ simulation"],
        cancelled_at__isnull=True,
        starts_at__gt=now,
    ).order_by("starts_at")
    staff = list(
        Person.objects.filter(jobs__unit=micu, jobs__end_date__isnull=True, status="active").order_by("pk")
    )
    for lab in labs:
        booked = set(lab.registrations.values_list("person_id", flat=True))
        clashing = next((p for p in staff if p.pk not in booked and sessions.clashes(p, lab)), None)
        if clashing is None:
            continue
        sessions.register(
            person=clashing,
            session=lab,
            actor=manager,
            override_reason="A float nurse covers her patients during the mock code.",
            now=now,
        )
        overridden = 1
        break
    return {"library readings": len(made), "learning paths": 1, "clash overrides": overridden}
