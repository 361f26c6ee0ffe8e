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
import zoneinfo
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bedside.core.exports import csv_response
from bedside.credits import credit_types
from bedside.credits.credit_types import CreditType
from bedside.credits.models import Activity, ActivityFormat, Attendance, Claim, Licence
from bedside.credits.services import activity_zone
from bedside.people.timezones import system_tz

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


def reported(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """The activities the accreditor hears of: a cancelled activity that nobody claimed never took
    place for anyone (one claimed before it was cancelled stays, with its learners)."""
    claimed = Claim.objects.filter(activity=OuterRef("pk"))
    return activities.exclude(Q(cancelled_at__isnull=False) & ~Exists(claimed))


def activities_xml(activities: QuerySet[Activity], *, created: dt.datetime) -> bytes:
    """The PARS activity file (MEMS-shaped XML) for these activities."""
    # Learner counts by subquery (a month of 200 activities x 500 learners would otherwise load
    # 200,000 rows); a claim needs an attendance, so physicians are among the attendees.
    physicians = (
        Claim.objects.filter(activity=OuterRef("pk"), credit_type=CreditType.AMA_PRA_1)
        .values("activity").annotate(n=Count("person", distinct=True)).values("n")
    )  # fmt: skip
    attendees = (
        Attendance.objects.filter(activity=OuterRef("pk"))
        .values("activity").annotate(n=Count("person", distinct=True)).values("n")
    )  # fmt: skip
    rows = list(
        activities.select_related("site")
        .prefetch_related("offers")
        .annotate(
            physician_count=Coalesce(Subquery(physicians), 0), attendee_count=Coalesce(Subquery(attendees), 0)
        )
    )
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
        learners = ET.SubElement(item, "Learners")
        _text(learners, "PhysicianLearners", activity.physician_count)
        _text(learners, "OtherLearners", max(activity.attendee_count - activity.physician_count, 0))
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
    """One row per physician claim (AMA PRA Category 1), with the licence the learner holds.

    Read as tuples, not model instances: a month's file runs to 100,000 rows."""
    fields = (
        "activity_id", "activity__accreditor_activity_id", "activity__title", "activity__site__time_zone",
        "person_id", "person__first_name", "person__last_name", "person__email", "claimed_at", "credit_type",
        "amount",
    )  # fmt: skip
    rows = list(
        claims.filter(credit_type=CreditType.AMA_PRA_1).order_by("claimed_at", "pk").values_list(*fields)
    )
    licences: dict[int, tuple[str, str]] = {}
    for person_id, jurisdiction, number in (
        Licence.objects.filter(person_id__in={r[4] for r in rows})
        .order_by("-period_end")
        .values_list("person_id", "licence_type__jurisdiction", "number")
    ):
        licences.setdefault(person_id, (jurisdiction, number))
    zones: dict[str, dt.tzinfo] = {}
    label = credit_types.label_of(CreditType.AMA_PRA_1)
    out = []
    for activity_id, pars_id, title, zone, person_id, first, last, email, claimed_at, _type, amount in rows:
        tz = zones.get(zone) or zones.setdefault(zone, zoneinfo.ZoneInfo(zone) if zone else system_tz())
        jurisdiction, number = licences.get(person_id, ("", ""))
        out.append(
            [
                pars_id or f"BEDSIDE-{activity_id}",
                title,
                first,
                last,
                email or "",
                jurisdiction,
                number,
                "",
                "",
                timezone.localtime(claimed_at, tz).date(),
                label,
                amount,
            ]
        )
    return out


def learners_csv(claims: QuerySet[Claim], *, name: str):
    return csv_response(name, LEARNER_COLUMNS, learner_rows(claims))
