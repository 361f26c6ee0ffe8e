"""Exports for the accreditor (ACCME PARS): the activity file and the learner-completion file.

- Activities: XML in the shape of the MedBiquitous Medical Education Metrics (MEMS) standard that
  PARS's XML batch upload takes: an `ACCMEActivities` root holding one `MedicalEducationMetrics`
  record per activity (provider, activity identity, type, dates, location, hours, credit designated,
  learners by kind, commercial support, joint providership, objectives).
- Learners: one row per physician credit claim (AMA PRA Category 1 Credit), the data PARS asks for
  learner completion (first and last name, licensing state and licence ID, month and day of birth,
  the activity's Provider Activity ID, the completion date, credit type and amount). Bedside holds no
  birth dates: those columns stay empty for the office to complete where a board needs them.

Both cover the activities (or claims) of a month in the CME office's scope.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from bedside.core.exports import csv_response
from bedside.credits import credit_types
from bedside.credits.credit_types import CreditType
from bedside.credits.models import Activity, ActivityFormat, Claim, Licence
from bedside.credits.services import activity_zone

# PARS activity type codes.
PARS_TYPES = {
    ActivityFormat.COURSE: "C",
    ActivityFormat.RSS: "RSS",
    ActivityFormat.INTERNET_LIVE: "IL",
    ActivityFormat.ENDURING: "EM",
    ActivityFormat.INTERNET_ENDURING: "IEM",
    ActivityFormat.JOURNAL: "JN",
}

LEARNER_COLUMNS = [
    "Provider Activity ID",
    "Activity Title",
    "Learner First Name",
    "Learner Last Name",
    "Learner Email",
    "Licensing State",
    "State Medical License ID",
    "Learner DOB Month",
    "Learner DOB Day",
    "Date Completed",
    "Credit Type",
    "Credits Earned",
]


def month_bounds(month: dt.date, tz) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()), tz)
    end = timezone.make_aware(dt.datetime.combine(following, dt.time()), tz)
    return start, end


def provider_activity_id(activity: Activity) -> str:
    return activity.accreditor_activity_id or f"BEDSIDE-{activity.pk}"


def _text(parent: ET.Element, tag: str, value) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = "" if value is None else str(value)
    return element


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def activities_xml(activities: QuerySet[Activity], *, created: dt.datetime) -> bytes:
    """The PARS activity file (MEMS-shaped XML) for these activities."""
    rows = list(activities.select_related("site").prefetch_related("offers", "claims", "attendances"))
    root = ET.Element(
        "ACCMEActivities", {"DateTimeCreated": created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    )
    for activity in rows:
        tz = activity_zone(activity)
        record = ET.SubElement(root, "MedicalEducationMetrics")
        provider = ET.SubElement(record, "Provider")
        _text(provider, "ProviderName", activity.provider_name)
        item = ET.SubElement(record, "Activity")
        _text(item, "ProviderActivityID", provider_activity_id(activity))
        _text(item, "ActivityTitle", activity.title)
        _text(item, "ActivityType", PARS_TYPES[activity.format])
        dates = ET.SubElement(item, "ActivityDates")
        _text(dates, "StartDate", timezone.localtime(activity.starts_at, tz).date().isoformat())
        _text(dates, "EndDate", timezone.localtime(activity.ends_at, tz).date().isoformat())
        location = ET.SubElement(item, "Location")
        _text(location, "Venue", activity.location)
        _text(location, "Site", activity.site.name if activity.site_id else "")
        _text(location, "Country", "US")
        _text(item, "HoursOfInstruction", (Decimal(activity.minutes) / 60).quantize(Decimal("0.01")))
        credits = ET.SubElement(item, "Credits")
        for offer in activity.offers.all():
            credit = ET.SubElement(credits, "Credit")
            _text(credit, "CreditType", credit_types.label_of(offer.credit_type))
            _text(credit, "CreditTypeCode", offer.credit_type)
            _text(credit, "MaximumCredits", offer.max_amount)
        physicians = {c.person_id for c in activity.claims.all() if c.credit_type == CreditType.AMA_PRA_1}
        attendees = {a.person_id for a in activity.attendances.all()}
        learners = ET.SubElement(item, "Learners")
        _text(learners, "PhysicianLearners", len(physicians))
        _text(learners, "OtherLearners", len(attendees - physicians))
        support = ET.SubElement(item, "CommercialSupport")
        _text(support, "Received", _yes_no(activity.commercial_support))
        for name in filter(None, (s.strip() for s in activity.commercial_supporters.split(","))):
            _text(support, "Source", name)
        joint = ET.SubElement(item, "JointProvidership")
        _text(joint, "Jointly", _yes_no(activity.joint_providership))
        _text(joint, "JointProviderName", activity.joint_provider_name)
        objectives = ET.SubElement(item, "LearningObjectives")
        for line in activity.objective_lines():
            _text(objectives, "Objective", line)
        _text(item, "TargetAudience", activity.target_audience)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def learner_rows(claims: QuerySet[Claim]) -> list[list]:
    """One row per physician claim (AMA PRA Category 1), with the licence the learner holds."""
    rows = list(
        claims.filter(credit_type=CreditType.AMA_PRA_1)
        .select_related("activity__site", "person")
        .order_by("claimed_at", "pk")
    )
    licences: dict[int, Licence] = {}
    for licence in (
        Licence.objects.filter(person_id__in={c.person_id for c in rows})
        .select_related("licence_type")
        .order_by("-period_end")
    ):
        licences.setdefault(licence.person_id, licence)
    out = []
    for c in rows:
        licence = licences.get(c.person_id)
        out.append(
            [
                provider_activity_id(c.activity),
                c.activity.title,
                c.person.first_name,
                c.person.last_name,
                c.person.email or "",
                licence.licence_type.jurisdiction if licence else "",
                licence.number if licence else "",
                "",
                "",
                timezone.localtime(c.claimed_at, activity_zone(c.activity)).date(),
                credit_types.label_of(c.credit_type),
                c.amount,
            ]
        )
    return out


def learners_csv(claims: QuerySet[Claim], *, name: str):
    return csv_response(name, LEARNER_COLUMNS, learner_rows(claims))
