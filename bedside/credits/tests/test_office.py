"""The CME office's pages and exports, the transcript by licence period, and suspicious check-ins."""

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from bedside.credits import services
from bedside.credits.exports import LEARNER_COLUMNS
from bedside.credits.licences import licence_progress
from bedside.credits.models import Activity, ActivityFormat, Licence, LicenceType, Topic, TopicRequirement
from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.testing.credits import attend_and_claim, credit_activity

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 11, 5, 13, 0, tzinfo=dt.UTC)
D = Decimal

# The data ACCME asks of a learner-completion record, from its published descriptions:
# - accme.org FAQ 10501 "learner credit data": first and last name; state medical license ID and/or
#   certifying board ID; month and day of birth;
# - the PARS learner upload guidance (Excel template instructions, November 2025; "Reporting Learner Data
#   in PARS"): which activity (the Provider Activity ID), date of completion, credit type(s), quantity.
PARS_LEARNER_FIELDS = {
    "first name": "Learner First Name",
    "last name": "Learner Last Name",
    "state medical license ID": "State Medical License ID",
    "licensing state": "Licensing State",
    "month of birth": "Learner DOB Month",
    "day of birth": "Learner DOB Day",
    "activity": "Provider Activity ID",
    "date of completion": "Date Completed",
    "credit type": "Credit Type",
    "quantity": "Credits Earned",
}
# The activity data PARS takes for each activity (ACCME "Submit Data via Batch Upload or Web Services":
# the XML batch upload uses the MedBiquitous MEMS XML standard; "Provider Activity ID" is required and
# keys updates; commercial support sources are optional details): identity, type, dates, location,
# hours of instruction, credit designated, physician and other learners, commercial support, joint providership.
PARS_ACTIVITY_ELEMENTS = [
    "Provider/ProviderName",
    "Activity/ProviderActivityID",
    "Activity/ActivityTitle",
    "Activity/ActivityType",
    "Activity/ActivityDates/StartDate",
    "Activity/ActivityDates/EndDate",
    "Activity/Location/Country",
    "Activity/HoursOfInstruction",
    "Activity/Credits/Credit/CreditType",
    "Activity/Credits/Credit/MaximumCredits",
    "Activity/Learners/PhysicianLearners",
    "Activity/Learners/OtherLearners",
    "Activity/CommercialSupport/Received",
    "Activity/JointProvidership/Jointly",
]


@pytest.fixture
def site():
    return f.SiteFactory(name="Bedside Medical Center")


@pytest.fixture
def office(make_person, site):
    return make_person(role=None, grants=[(Capability.CME, site)], email="cme@example.org")


def test_licence_period_counts_accepted_credit_and_names_what_is_missing(make_person, site):
    risk = Topic.objects.create(code="risk", name="Risk management")
    opioids = Topic.objects.create(code="opioids", name="Opioid education")
    ma = LicenceType.objects.create(
        name="Massachusetts physician", jurisdiction="MA", profession="Physician", credits_required=D("50"),
        accepted_types=["ama_pra_1"],
    )  # fmt: skip
    TopicRequirement.objects.create(licence_type=ma, topic=risk, credits_required=D("10"))
    TopicRequirement.objects.create(licence_type=ma, topic=opioids, credits_required=D("3"))
    physician = make_person(role="MD")
    Licence.objects.create(
        person=physician,
        licence_type=ma,
        number="MA-123",
        period_start=dt.date(2025, 7, 1),
        period_end=dt.date(2027, 6, 30),
    )
    talk = credit_activity(starts_at=START, site=site)
    talk.topics.add(risk)
    attend_and_claim(talk, physician)
    nursing = credit_activity(starts_at=START + dt.timedelta(days=1), site=site, title="Nursing rounds")
    attend_and_claim(nursing, physician, credit_type="ancc")  # not accepted for the licence
    before = credit_activity(
        starts_at=dt.datetime(2025, 6, 2, 13, tzinfo=dt.UTC), site=site, title="Old rounds"
    )
    attend_and_claim(before, physician)  # before the period
    (progress,) = licence_progress(physician, today=dt.date(2026, 11, 30))
    assert progress.earned == D("1.00") and progress.missing == D("49.00")
    assert [(t.topic, t.earned, t.missing) for t in progress.topics] == [
        ("Opioid education", D("0"), D("3")),
        ("Risk management", D("1.00"), D("9.00")),
    ]
    assert not progress.complete and progress.days_left == 212


def test_transcript_page_csv_and_pdf_show_only_ones_own_credit(client, make_person, site):
    physician = make_person(role="MD", first_name="Ana", last_name="Okafor")
    other = make_person(first_name="Bea", last_name="Other")
    talk = credit_activity(starts_at=START, site=site, title="Sepsis update")
    attend_and_claim(talk, physician)
    attend_and_claim(credit_activity(starts_at=START, site=site, title="Someone else's talk"), other)
    client.force_login(physician)
    page = client.get(reverse("credits-transcript")).content.decode()
    assert "Sepsis update" in page and "Someone else" not in page
    rows = list(csv.reader(io.StringIO(client.get(reverse("credits-transcript-csv")).content.decode())))
    assert (
        rows[0][:3] == ["claimed_on", "activity", "format"]
        and len(rows) == 2
        and rows[1][1] == "Sepsis update"
    )
    assert rows[1][7] == "1.00"
    pdf = client.get(reverse("credits-transcript-pdf"))
    assert "no-store" in pdf["Cache-Control"]
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "Ana Okafor" in text and "Sepsis update" in text and "Someone else" not in text


def test_pars_learner_file_has_the_published_fields(client, office, make_person, site):
    ma = LicenceType.objects.create(
        name="MA physician",
        jurisdiction="MA",
        profession="Physician",
        credits_required=50,
        accepted_types=["ama_pra_1"],
    )
    physician = make_person(role="MD", first_name="Ana", last_name="Okafor")
    Licence.objects.create(
        person=physician,
        licence_type=ma,
        number="MA-123",
        period_start=dt.date(2025, 7, 1),
        period_end=dt.date(2027, 6, 30),
    )
    nurse = make_person(first_name="Ned", last_name="Nurse")
    talk = credit_activity(starts_at=START, site=site, accreditor_activity_id="GR-2026-11")
    attend_and_claim(talk, physician)
    attend_and_claim(talk, nurse, credit_type="ancc")
    client.force_login(office)
    response = client.get(reverse("credits-pars-learners") + "?month=2026-11")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert set(PARS_LEARNER_FIELDS.values()) <= set(LEARNER_COLUMNS) == set(rows[0])
    assert len(rows) == 1  # physicians' AMA credit only
    row = rows[0]
    assert (row["Provider Activity ID"], row["Learner Last Name"], row["Licensing State"], row["State Medical License ID"]) == (
        "GR-2026-11", "Okafor", "MA", "MA-123",
    )  # fmt: skip
    assert (row["Date Completed"], row["Credits Earned"]) == ("2026-11-05", "1.00")
    assert client.get(reverse("credits-pars-learners") + "?month=2026-10").content.decode().count("\n") == 1


def test_pars_activity_file_has_the_published_elements(client, office, make_person, site):
    talk = credit_activity(
        starts_at=START, site=site, accreditor_activity_id="GR-2026-11", commercial_support=True,
        commercial_supporters="Acme Pharma, Beta Devices", joint_providership=True, joint_provider_name="State Society",
    )  # fmt: skip
    attend_and_claim(talk, make_person(role="MD"))
    attend_and_claim(talk, make_person(), credit_type="ancc")
    elsewhere = credit_activity(starts_at=START, site=f.SiteFactory(), title="Not ours")
    called_off = credit_activity(starts_at=START, site=site, title="Called off")
    services.activity_cancel(actor=None, activity=called_off, now=START - dt.timedelta(days=1))
    # claimed first, then cancelled: it stays
    services.activity_cancel(actor=None, activity=talk, now=START + dt.timedelta(days=1))
    client.force_login(office)
    response = client.get(reverse("credits-pars-activities") + "?month=2026-11")
    assert called_off.title not in response.content.decode()  # cancelled, nobody claimed: never took place
    root = ET.fromstring(response.content)
    records = root.findall("MedicalEducationMetrics")
    assert len(records) == 1 and elsewhere.title not in response.content.decode()
    for path in PARS_ACTIVITY_ELEMENTS:
        assert records[0].find(path) is not None, path
    activity = records[0].find("Activity")
    assert activity.findtext("ActivityType") == "RSS" and activity.findtext("HoursOfInstruction") == "1.00"
    assert (
        activity.findtext("Learners/PhysicianLearners") == "1"
        and activity.findtext("Learners/OtherLearners") == "1"
    )
    assert [s.text for s in activity.findall("CommercialSupport/Source")] == ["Acme Pharma", "Beta Devices"]


def test_one_device_checking_in_many_people_is_shown_to_the_office(client, office, make_person, site):
    talk = credit_activity(starts_at=START, site=site)
    at = START + dt.timedelta(minutes=5)
    for person in (
        make_person(first_name="Ann"),
        make_person(first_name="Ben"),
        make_person(first_name="Cy"),
    ):
        code = services.rotating_code(talk).short_code(at)
        services.checkin(
            activity=talk, person=person, code=code, device="shared-phone-123456", ip="10.0.0.7", now=at
        )
    services.checkin(
        activity=talk,
        person=make_person(first_name="Dee"),
        code=services.rotating_code(talk).short_code(at),
        device="own-phone-12345678",
        now=at,
    )
    client.force_login(office)
    page = client.get(reverse("credits-office")).content.decode()
    assert (
        "3 people" in page
        and "Ann" in page
        and "Dee" not in page.split("Suspicious check-ins")[1].split("Activities")[0]
    )


def test_office_sets_up_an_activity_in_the_sites_zone(client, office, site):
    site.time_zone = "America/Chicago"
    site.save()
    Topic.objects.create(code="risk", name="Risk management")
    client.force_login(office)
    data = {
        "title": "Regional cardiology conference", "format": "course", "site": site.pk,
        "starts_at": "2026-12-10T08:00", "ends_at": "2026-12-10T16:30", "provider_name": "Bedside Medical Center",
        "ama_pra_1": "7.00", "checkin_opens_minutes": "15", "checkin_closes_minutes": "30", "evaluation_required": "on",
    }  # fmt: skip
    with time_machine.travel(START, tick=False):
        response = client.post(reverse("credits-office-new"), data)
        refused = client.post(reverse("credits-office-new"), {**data, "ama_pra_1": "", "title": "No credit"})
    activity = Activity.objects.get(title="Regional cardiology conference")
    assert response.headers["Location"] == reverse("credits-office-activity", args=[activity.pk])
    assert activity.starts_at == dt.datetime(2026, 12, 10, 14, 0, tzinfo=dt.UTC)  # 08:00 in Chicago
    assert activity.created_by == office and list(activity.offers.values_list("max_amount", flat=True)) == [
        D("7.00")
    ]
    assert refused.status_code == 200 and "Offer at least one credit type" in refused.content.decode()
    assert not Activity.objects.filter(title="No credit").exists()


def test_office_page_counts_without_a_query_per_activity(client, office, site, django_assert_max_num_queries):
    for n in range(6):
        credit_activity(starts_at=START + dt.timedelta(days=n), site=site, title=f"Rounds {n}")
    client.force_login(office)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("credits-office")).status_code == 200


def test_enduring_journal_activity_records_time_then_claims(client, make_person, site):
    journal = credit_activity(
        starts_at=START, minutes=60, site=site, format=ActivityFormat.JOURNAL, title="Journal CME: tapering opioids",
        enduring_until=START + dt.timedelta(days=365),
    )  # fmt: skip
    reader = make_person(role="MD")
    client.force_login(reader)
    with time_machine.travel(START + dt.timedelta(days=3), tick=False):
        client.post(reverse("credits-record-time", args=[journal.pk]), {"minutes": "45"})
        client.post(
            reverse("credits-evaluate", args=[journal.pk]),
            {"objectives_met": "yes", "free_of_bias": "yes", "practice_change": "yes"},
        )
        page = client.get(reverse("credits-claim", args=[journal.pk])).content.decode()
        assert "up to 0.75" in page
        client.post(
            reverse("credits-claim", args=[journal.pk]),
            {"credit_type": "ama_pra_1", "amount": "0.75", "attest": "on"},
        )
    assert journal.claims.get().amount == D("0.75")
