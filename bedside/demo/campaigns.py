"""The demo's surge: ICU cross-training for the nurses of Harbor General's inpatient units.

Staffing minimums for the critical-care units during the surge are imported from a CSV file (the way
a staffing office sends them), charge nurses count toward the RN minimum, the campaign is launched
through the same job an educator's launch runs, and some nurses have already done it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import Counter

from django.db.models import Max

from bedside.assignments.models import Assignment
from bedside.attestations.services import attestation_create
from bedside.audit.services import audit_bulk
from bedside.campaigns.models import Campaign, LaunchStatus
from bedside.campaigns.services import campaign_create, campaign_launch_run, readiness_rule_create
from bedside.demo.logins import DEMO_DOMAIN
from bedside.demo.organisation import Organisation
from bedside.demo.staffing import CRITICAL_KINDS, INPATIENT_KINDS
from bedside.learning import authoring, sessions
from bedside.learning.models import ModuleKind, Room
from bedside.people.models import JobRole, Person, active_jobs
from bedside.people.timezones import system_tz
from bedside.records.hooks import records_added
from bedside.records.models import LearningItem, Record, SourceKind, Verb
from bedside.rosters.importing import roster_import
from bedside.rosters.models import RoleCover, StaffingMinimum

SITE = "HG"
CAMPAIGN_DAYS = 10
DAYS_RUNNING = 3  # the campaign began three days ago
DONE_SO_FAR = 0.22
WORKSHOP_DONE = 0.4  # of those who have acknowledged, the share who also attended the hands-on workshop


def surge_minimums_csv(org: Organisation, first: dt.date, last: dt.date) -> bytes:
    """Every day of the surge, the critical-care units keep their strictest weekday minimum, optimal one
    more, both within the unit's own staff of the role (the float pool covers the rest)."""
    units = [u for u in org.units.values() if u.site.code == SITE and u.kind in CRITICAL_KINDS]
    staff = set(
        active_jobs(first)
        .filter(unit__in=units, person__status="active")
        .values_list("unit__code", "job_role__code", "person_id")
    )
    heads = Counter((unit, role) for unit, role, _ in staff)
    rows = (
        StaffingMinimum.objects.filter(unit__in=units, weekday__isnull=False)
        .values("unit__code", "job_role__code", "start_time", "end_time")
        .annotate(most=Max("minimum"))
        .order_by("unit__code", "job_role__code", "start_time")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["unit_code", "job_role_code", "weekday", "valid_from", "valid_until", "start", "end",
                     "minimum", "optimal"])  # fmt: skip
    for r in rows:
        staff = heads[(r["unit__code"], r["job_role__code"])]
        minimum = min(r["most"], staff)
        writer.writerow([r["unit__code"], r["job_role__code"], "", first.isoformat(), last.isoformat(),
                         f"{r['start_time']:%H:%M}", f"{r['end_time']:%H:%M}", minimum, min(minimum + 1, staff)])  # fmt: skip
    return out.getvalue().encode()


def _workshop(educator: Person, org: Organisation, now: dt.datetime):
    """The hands-on half of the bundle: a simulation workshop the planner fits around shifts, with two
    sessions already on the calendar in the skills lab (the planner fills them before opening more)."""
    micu = org.units["HG-MICU"]
    course = authoring.course_create(
        actor=None,
        title="ICU cross-training: hands-on proning workshop",
        summary="Two hours in the skills lab: a proning team of five turns a ventilated manikin, then drips.",
        modality="simulation",
        minutes=120,
        department=micu.department,
        now=now,
    )
    course.owner = educator
    course.save(update_fields=["owner"])
    authoring.module_add(
        course=course, actor=None, kind=ModuleKind.SESSION, title="The workshop", minutes=120
    )
    authoring.revision_publish(course=course, actor=None, now=now)
    room = Room.objects.create(site=micu.site, name="Skills lab", capacity=10, equipment="Proning manikin")
    tz = system_tz()
    day = now.astimezone(tz).date()
    for days in (1, 2):
        start = dt.datetime.combine(day + dt.timedelta(days=days), dt.time(9), tzinfo=tz)
        sessions.session_create(actor=None, course=course, starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                seats=10, room=room, instructors=[educator], now=now)  # fmt: skip
    return course


def seed_campaign(org: Organisation, *, today: dt.date, now: dt.datetime, seed: int = 1) -> dict:
    """Import the surge minimums, add charge nurses' cover, create and launch the campaign, complete some."""
    rng = random.Random(seed)
    starts = today - dt.timedelta(days=DAYS_RUNNING)
    deadline = starts + dt.timedelta(days=CAMPAIGN_DAYS)
    charge = JobRole.objects.create(code="CN", name="Charge nurse", clinical=True)
    RoleCover.objects.create(job_role=charge, covers=org.roles["RN"])
    imported = roster_import(
        path_or_file=io.BytesIO(surge_minimums_csv(org, starts, deadline)),
        name="surge-minimums.csv",
        kind="minimums",
    )
    if not imported.ok:
        raise RuntimeError(f"The demo's surge minimums did not import: {imported.errors[:3]}")
    item = attestation_create(
        title="ICU cross-training: proning and vasoactive drips",
        statement="I have completed the ICU cross-training module and can assist with proning and drips.",
        minutes=20,
    ).item
    began = now - dt.timedelta(days=DAYS_RUNNING)
    educator = Person.objects.get(email=f"educator@{DEMO_DOMAIN}")
    workshop = _workshop(educator, org, began)
    # The seed dates nothing after its clock.
    LearningItem.objects.filter(pk__in=[item.pk, workshop.item_id]).update(created_at=began)
    units = [u for u in org.units.values() if u.site.code == SITE and u.kind in INPATIENT_KINDS]
    campaign = campaign_create(
        name="ICU cross-training",
        reason="Two surge ICUs open this week: every inpatient nurse at Harbor General must be able to "
        "assist with proning and vasoactive drips within ten days.",
        priority="surge",
        items=[item, workshop.item],
        starts_on=starts,
        deadline=deadline,
        units=units,
        job_roles=[org.roles["RN"]],
        actor=None,
        owner=educator,
        today=starts,
    )
    Campaign.objects.filter(pk=campaign.pk).update(
        status=LaunchStatus.QUEUED, created_at=now - dt.timedelta(days=DAYS_RUNNING)
    )
    launched = campaign_launch_run(campaign_id=campaign.pk, on=today)
    Campaign.objects.filter(pk=campaign.pk).update(launched_at=began)
    Assignment.objects.filter(source_kind=SourceKind.CAMPAIGN, source_ref=campaign.ref).update(
        assigned_at=began
    )
    # Some have done it already, spread over the days since it began.
    tz = system_tz()
    members = list(campaign.members.values_list("person_id", flat=True))
    done = rng.sample(members, int(len(members) * DONE_SO_FAR))
    records = []
    for person_id in done:
        day = starts + dt.timedelta(days=rng.randrange(DAYS_RUNNING + 1))
        at = min(
            dt.datetime.combine(day, dt.time(rng.randrange(7, 21), rng.randrange(60)), tzinfo=tz),
            now - dt.timedelta(minutes=5),
        )
        records.append(Record(person_id=person_id, item=item, verb=Verb.ACKNOWLEDGED, at=at,
                              source_kind=SourceKind.CAMPAIGN, source_ref=campaign.ref, recorded_at=at))  # fmt: skip
        if rng.random() < WORKSHOP_DONE:  # an earlier workshop the unit ran itself
            records.append(Record(person_id=person_id, item=workshop.item, verb=Verb.COMPLETED, at=at,
                                  source_kind=SourceKind.CAMPAIGN, source_ref=campaign.ref, recorded_at=at))  # fmt: skip
    Record.objects.bulk_create(records, batch_size=2000)
    audit_bulk(
        actor=None,
        action="record.add",
        model=Record,
        targets=((r.pk, {"person": r.person_id, "item": r.item_id, "verb": r.verb}) for r in records),
    )
    records_added(records=records)
    readiness_rule_create(
        campaign=campaign, name="ICU float under team nursing", items=[item, workshop.item], actor=None
    )
    readiness_rule_create(campaign=campaign, name="Proning team member", items=[item], actor=None)
    return {
        "campaign_people": launched["people"],
        "campaign_done": len(done),
        "minimums_imported": imported.counts.get("minimums_created", 0),
    }
