"""The demo's continuing education: licence types, the demo physician's licence, standalone activities.

Everything goes through the credits services with the seed's clock, so attendance, evaluations,
claims, ledger records and certificates are the real thing: a past regional conference (with one
phone that checked in three people, for the CME office to see), a risk-management course, an
enduring journal-based activity on opioid prescribing, and a workshop running during the demo
(its room screen shows a live code). The events app seeds grand rounds on top of these services.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from decimal import Decimal

from django.utils import timezone

from bedside.credits import services
from bedside.credits.models import ActivityFormat, Licence, LicenceType, Topic, TopicRequirement
from bedside.people.models import Person, Site

PROVIDER = "Commonwealth Health Office of Continuing Medical Education"
TOPICS = (
    ("risk-management", "Risk management"),
    ("opioid-education", "Opioid education and pain management"),
    ("end-of-life", "End-of-life care"),
    ("implicit-bias", "Implicit bias in health care"),
)


def _at(day: dt.date, hour: int, minute: int, tz) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)), tz)


def _licence_types() -> tuple[LicenceType, LicenceType, dict[str, Topic]]:
    topics = {code: Topic.objects.create(code=code, name=name) for code, name in TOPICS}
    physician = LicenceType.objects.create(
        name="Massachusetts physician licence", jurisdiction="MA", profession="Physician", period_months=24,
        credits_required=Decimal("50"), accepted_types=["ama_pra_1"],
        notes="50 credits every two years, including risk management, opioid education and pain management, "
        "end-of-life care and implicit bias.",
    )  # fmt: skip
    for code, amount in (
        ("risk-management", "10"),
        ("opioid-education", "3"),
        ("end-of-life", "2"),
        ("implicit-bias", "2"),
    ):
        TopicRequirement.objects.create(
            licence_type=physician, topic=topics[code], credits_required=Decimal(amount)
        )
    nurse = LicenceType.objects.create(
        name="Massachusetts registered nurse licence", jurisdiction="MA", profession="Registered nurse",
        period_months=24, credits_required=Decimal("15"), accepted_types=["ancc", "hospital_ce"],
        notes="15 contact hours every two years.",
    )  # fmt: skip
    return physician, nurse, topics


def take_part(activity, person, *, at, rng, credit_type, device="", amount=None, bias=False) -> None:
    """Check in (or count time), evaluate and claim, as a learner would, at `at` (the events demo uses it too)."""
    if activity.is_live:
        code = services.rotating_code(activity).short_code(at)
        services.checkin(
            activity=activity,
            person=person,
            code=code,
            device=device,
            ip=f"10.20.0.{rng.randint(2, 250)}",
            now=at,
        )
    else:
        services.presence_record(
            activity=activity, person=person, minutes=activity.minutes, source="self", now=at
        )
    evaluate_and_claim(activity, person, after=at, rng=rng, credit_type=credit_type, amount=amount, bias=bias)


def evaluate_and_claim(activity, person, *, after, rng, credit_type, amount=None, bias=False) -> None:
    """Evaluate, then claim, a few minutes to hours after attending (`after`) or the activity's end."""
    later = max(after, activity.ends_at) + dt.timedelta(minutes=rng.randint(5, 180))
    services.evaluation_submit(
        activity=activity, person=person, objectives_met=rng.choice(["yes", "yes", "yes", "partly"]),
        free_of_bias=not bias, bias_comment="The speaker named one device brand throughout." if bias else "",
        practice_change=rng.choice(["yes", "yes", "partly", "no"]),
        practice_change_text=rng.choice(["", "Earlier escalation to the rapid response team.", "Use the checklist at handover."]),
        comments=rng.choice(["", "", "Very practical.", "More cases, please."]), now=later,
    )  # fmt: skip
    services.claim(
        activity=activity,
        person=person,
        credit_type=credit_type,
        amount=amount,
        now=later + dt.timedelta(minutes=2),
    )


def seed_credits(*, now: dt.datetime, rng: random.Random) -> dict[str, int]:
    physician_type, nurse_type, topics = _licence_types()
    site = Site.objects.get(code="HG")
    tz = zoneinfo.ZoneInfo(site.time_zone)
    today = timezone.localtime(now, tz).date()
    office = Person.objects.get(email="cme@demo.bedside.test")
    doctor = Person.objects.get(email="physician@demo.bedside.test")
    nurse = Person.objects.get(email="nurse@demo.bedside.test")
    Licence.objects.create(
        person=doctor, licence_type=physician_type, number="MA-271828",
        period_start=today - dt.timedelta(days=400), period_end=today - dt.timedelta(days=400) + dt.timedelta(days=730),
    )  # fmt: skip
    Licence.objects.create(
        person=nurse, licence_type=nurse_type, number="RN-314159",
        period_start=today - dt.timedelta(days=200), period_end=today - dt.timedelta(days=200) + dt.timedelta(days=730),
    )  # fmt: skip
    physicians = list(
        Person.objects.filter(jobs__job_role__code__in=("ATT", "RES", "FEL"), jobs__unit__site=site, status="active")
        .exclude(pk=doctor.pk).distinct().order_by("pk")[:24]
    )  # fmt: skip
    nurses = list(
        Person.objects.filter(jobs__job_role__code="RN", jobs__unit__site=site, status="active")
        .exclude(pk=nurse.pk).exclude(email__endswith="@demo.bedside.test").distinct().order_by("pk")[:16]
    )  # fmt: skip
    counts = {"credit activities": 0, "credit claims": 0}

    # A past regional conference: a day of talks, physicians and nurses, one phone shared by three.
    day = today - dt.timedelta(days=38)
    conference = services.activity_create(
        actor=office, now=now, title="Regional Cardiology Conference 2026", site=site, format=ActivityFormat.COURSE,
        starts_at=_at(day, 8, 0, tz), ends_at=_at(day, 15, 0, tz), location="Harbor General, Shapiro Auditorium",
        provider_name=PROVIDER, accreditor_activity_id="CH-2026-0412", target_audience="Physicians, nurses and pharmacists in cardiovascular care",
        objectives="Apply the 2026 heart-failure guideline to discharge planning\nChoose anticoagulation around procedures\nRecognise atypical presentations of acute coronary syndrome",
        description="A day of updates in cardiovascular care for the region's clinicians.",
        commercial_support=True, commercial_supporters="Northshore Cardiac Devices",
        offers={"ama_pra_1": Decimal("6.50"), "ancc": Decimal("6.50"), "ipce": Decimal("6.50")},
        topics=[topics["risk-management"]],
    )  # fmt: skip
    arrive = conference.starts_at - dt.timedelta(minutes=10)
    take_part(conference, doctor, at=arrive, rng=rng, credit_type="ama_pra_1")
    for i, person in enumerate(physicians[:14]):
        device = "demo-shared-phone-0001" if i < 3 else f"demo-phone-{person.pk:06d}"
        take_part(conference, person, at=arrive + dt.timedelta(minutes=i), rng=rng, credit_type="ama_pra_1",
                   device=device, bias=(i == 5))  # fmt: skip
    for i, person in enumerate(nurses[:10]):
        take_part(
            conference,
            person,
            at=arrive + dt.timedelta(minutes=i),
            rng=rng,
            credit_type="ancc",
            device=f"demo-phone-{person.pk:06d}",
        )
    counts["credit activities"] += 1

    # A half-day course on disclosure after harm (risk management), two months ago.
    day = today - dt.timedelta(days=63)
    course = services.activity_create(
        actor=office, now=now, title="Communication and disclosure after patient harm", site=site, format=ActivityFormat.COURSE,
        starts_at=_at(day, 13, 0, tz), ends_at=_at(day, 17, 0, tz), location="Harbor General, Simulation Centre",
        provider_name=PROVIDER, accreditor_activity_id="CH-2026-0388", target_audience="Attending and resident physicians",
        objectives="Disclose an adverse event using the CANDOR steps\nSupport the clinician after harm",
        offers={"ama_pra_1": Decimal("4.00")}, topics=[topics["risk-management"]],
    )  # fmt: skip
    take_part(course, doctor, at=course.starts_at + dt.timedelta(minutes=2), rng=rng, credit_type="ama_pra_1")
    for i, person in enumerate(physicians[10:18]):
        take_part(
            course, person, at=course.starts_at - dt.timedelta(minutes=i), rng=rng, credit_type="ama_pra_1"
        )
    counts["credit activities"] += 1

    # An enduring journal-based activity on opioid prescribing, open for a year.
    journal = services.activity_create(
        actor=office, now=now, title="Journal CME: Safer opioid prescribing after surgery", site=site, format=ActivityFormat.JOURNAL,
        starts_at=_at(today - dt.timedelta(days=90), 9, 0, tz), ends_at=_at(today - dt.timedelta(days=90), 10, 0, tz),
        enduring_until=_at(today + dt.timedelta(days=275), 23, 59, tz),
        provider_name=PROVIDER, accreditor_activity_id="CH-2026-0301", target_audience="Prescribers",
        objectives="Prescribe the smallest effective opioid supply after surgery\nCounsel on safe storage and disposal",
        description="Read the article, then record your time, evaluate and claim.",
        offers={"ama_pra_1": Decimal("1.00")}, topics=[topics["opioid-education"]],
    )  # fmt: skip
    for i, person in enumerate(physicians[:6]):
        take_part(
            journal,
            person,
            at=journal.starts_at + dt.timedelta(days=3 + 7 * i),
            rng=rng,
            credit_type="ama_pra_1",
        )
    counts["credit activities"] += 1

    # A workshop running now at Harbor General: its room screen shows a live code.
    start = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=20)
    services.activity_create(
        actor=office, now=now, title="Point-of-care ultrasound workshop", site=site, format=ActivityFormat.COURSE,
        starts_at=start, ends_at=start + dt.timedelta(minutes=120), location="Harbor General, Skills Lab 2",
        provider_name=PROVIDER, accreditor_activity_id="CH-2026-0455", target_audience="Emergency and critical care clinicians",
        objectives="Acquire the four views of a focused cardiac scan\nRecognise a pericardial effusion",
        offers={"ama_pra_1": Decimal("2.00"), "ancc": Decimal("2.00")},
    )  # fmt: skip
    counts["credit activities"] += 1
    from bedside.credits.models import Claim

    counts["credit claims"] = Claim.objects.count()
    return counts
