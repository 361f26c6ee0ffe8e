"""The demo seed: deterministic, only into an empty database, realistic enough to demo every page."""

import datetime as dt
import re
import zoneinfo
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from bedside.assignments.models import Assignment, AssignmentRule
from bedside.assignments.queries import required, with_status
from bedside.audit.models import AuditEntry
from bedside.demo.logins import DEMO_DOMAIN, DEMO_LOGINS, DEMO_PASSWORD
from bedside.demo.seed import seed_hospital
from bedside.demo.staffing import windows_of
from bedside.demo.training import CATALOGUE, statement_for
from bedside.events.models import Recording, WatchTime
from bedside.people.models import Grant, Job, Person, Site, Unit
from bedside.records.models import LearningItem, Record
from bedside.rosters.models import Shift

pytestmark = pytest.mark.django_db

SMALL = {"staff": 200, "days": 7}
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOON = dt.datetime(2026, 3, 17, 12, 0, tzinfo=NEW_YORK)


def _summary(now: dt.datetime) -> dict:
    return {
        "people": sorted(
            Person.objects.values_list("email", "first_name", "last_name", "hire_date", "status")
        ),
        "jobs": sorted(
            Job.objects.values_list("person__email", "unit__code", "job_role__code", "fte", "primary")
        ),
        "shifts": sorted(Shift.objects.values_list("person__email", "unit__code", "start", "end")),
        "statuses": Counter(with_status(required(), now).values_list("item__title", "status")),
        "records": sorted(Record.objects.values_list("person__email", "item__title", "at")),
        "units": sorted(Unit.objects.values_list("code", "beds")),
        "watched": sorted(
            WatchTime.objects.values_list("event__title", "person__email", "seconds", "started_at")
        ),
    }


def _seed_and_forget(**kwargs) -> dict:
    """Seed, summarise, and roll back: the next seed starts from an empty database again."""
    with transaction.atomic():
        seed_hospital(**kwargs)
        summary = _summary(kwargs["now"])
        transaction.set_rollback(True)
    return summary


@pytest.fixture
def seeded():
    with time_machine.travel(NOON, tick=False):
        yield seed_hospital(now=NOON, **SMALL)


# Just after local midnight the day's records used to be clamped to the wall clock, so two seeds differed.
@pytest.mark.parametrize("local", [dt.time(0, 30), dt.time(12, 0), dt.time(23, 50)])
def test_same_seed_and_clock_give_the_same_hospital_and_another_seed_another(local):
    now = dt.datetime.combine(dt.date(2026, 11, 30), local, tzinfo=NEW_YORK)
    with time_machine.travel(now, tick=False):
        first = _seed_and_forget(seed=7, now=now, **SMALL)
    assert not Person.objects.exists()
    # The second seed runs while the wall clock has moved on: only the `now` passed in counts.
    with time_machine.travel(now + dt.timedelta(minutes=7), tick=True):
        second = _seed_and_forget(seed=7, now=now, **SMALL)
    assert first == second
    assert _seed_and_forget(seed=8, now=now, **SMALL)["people"] != first["people"]


def test_seed_dates_nothing_after_its_clock():
    now = dt.datetime(2026, 11, 30, 0, 30, tzinfo=NEW_YORK)
    with time_machine.travel(now + dt.timedelta(days=3), tick=False):
        seed_hospital(now=now, **SMALL)
    assert not Record.objects.filter(at__gt=now).exists()
    assert not Assignment.objects.filter(assigned_at__gt=now).exists()
    assert not LearningItem.objects.filter(created_at__gt=now).exists()
    assert not Recording.objects.filter(published_at__gt=now).exists()
    assert not WatchTime.objects.filter(started_at__gt=now).exists()


def test_demo_wording_has_no_doubled_words_and_keeps_acronyms(seeded):
    statements = [statement_for(spec) for spec in CATALOGUE]
    assert not [s for s in statements if "policy policy" in s]
    assert "I have read the HIPAA privacy and security policy and will follow it." in statements
    assert any("(CRRT)" in s for s in statements)
    for text in statements + list(AssignmentRule.objects.values_list("name", flat=True)):
        assert "hipaa" not in text and "(crrt)" not in text and "covid" not in text, text


def test_demo_has_a_site_in_another_time_zone(seeded):
    zones = set(Site.objects.values_list("time_zone", flat=True))
    assert zones == {"America/New_York", "America/Chicago"}
    # Shifts start on the hour of the unit's own site: 07:00 in Chicago is 08:00 in New York.
    chicago = zoneinfo.ZoneInfo("America/Chicago")
    starts = {w[0] for kind in ("icu", "med_surg", "or", "ambulatory") for w in windows_of(kind)}
    riverside = Shift.objects.filter(unit__site__code="RMC")
    assert {s.start.astimezone(chicago).hour for s in riverside} <= starts
    assert {s.start.astimezone(NEW_YORK).hour for s in riverside} - starts


def test_seed_changes_nothing_when_people_exist(make_person):
    make_person(email="someone@example.org")
    out = StringIO()
    call_command("seed", staff=200, days=7, stdout=out)
    assert "Nothing was changed" in out.getvalue()
    assert Person.objects.count() == 1
    assert not Site.objects.filter(code="HG").exists()


def test_seed_makes_done_due_and_overdue_requirements_with_their_evidence(seeded):
    statuses = Counter(with_status(required()).values_list("status", flat=True))
    total = sum(statuses.values())
    assert statuses["satisfied"] > 0.55 * total
    assert statuses["due"] > 0.08 * total
    assert statuses["overdue"] > 0.04 * total
    assert total / Person.objects.count() > 10  # about 15 required items per person
    done = Assignment.objects.filter(closed_reason="completed")
    assert not done.filter(record__isnull=True).exists()
    assert not done.exclude(record__person_id=F("person_id")).exists()
    assert not done.filter(record__at__gt=F("closed_at")).exists()
    assert AuditEntry.objects.filter(action="record.add", origin="seed").count() == Record.objects.count()


def test_no_demo_requirement_falls_due_before_the_persons_hire_date(seeded):
    """New staff are not overdue on day one (the demo once had 847 due before hire, 198 overdue)."""
    before_hire = Assignment.objects.filter(due_at__date__lt=F("person__hire_date"))
    assert not before_hire.exists()


def test_every_person_with_a_unit_has_one_primary_job_and_learners_have_none(seeded):
    with_jobs = Person.objects.filter(jobs__isnull=False).distinct()
    assert not with_jobs.exclude(jobs__primary=True).exists()
    primaries = Counter(Job.objects.filter(primary=True).values_list("person_id", flat=True))
    assert max(primaries.values()) == 1
    learners = Person.objects.filter(jobs__isnull=True)
    assert learners.exists()
    assert not learners.exclude(employee_id=None).exists()


def test_shifts_end_after_they_start_and_lie_in_the_coming_days(seeded):
    shifts = Shift.objects.all()
    assert shifts.exists()
    assert not shifts.filter(end__lte=F("start")).exists()
    hours = {round((s.end - s.start).total_seconds() / 3600) for s in shifts}
    assert hours <= {8, 11, 12, 13}  # 11 and 13 across a daylight-saving change
    assert shifts.filter(night=True).exists()


def test_demo_logins_sign_in_and_see_their_pages(seeded, client):
    for login in DEMO_LOGINS:
        response = client.post(reverse("login"), {"username": login.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login.email
        client.logout()
    nurse = Person.objects.get(email=DEMO_LOGINS[0].email)
    client.force_login(nurse)
    today = client.get(reverse("today")).content.decode()
    assert "Overdue" in today and "Due" in today
    assert Shift.objects.filter(person=nurse).exists()
    admin = Person.objects.get(email="admin@demo.bedside.test")
    assert admin.is_superuser and admin.is_staff
    assert Grant.objects.filter(person__email="manager@demo.bedside.test", capability="manage").exists()
    client.force_login(Person.objects.get(email="manager@demo.bedside.test"))
    assert client.get(reverse("compliance")).status_code == 200


def test_the_demo_educator_sees_and_may_edit_their_sites_rules_and_not_system_wide_ones(seeded, client):
    client.force_login(Person.objects.get(email="educator@demo.bedside.test"))
    page = client.get(reverse("rules")).content.decode()
    site_rules = AssignmentRule.objects.filter(audience__sites__code="HG")
    assert site_rules.count() == 2
    for rule in site_rules:
        assert rule.name in page
        assert client.get(reverse("rule-edit", args=[rule.pk])).status_code == 200
    everyone = AssignmentRule.objects.get(name__startswith="Hand hygiene")
    assert everyone.name not in page
    assert "(Harbor General clinical staff)" in " ".join(r.name for r in site_rules)


def test_the_demo_has_decks_due_cards_and_a_year_of_mock_codes(seeded, client):
    from bedside.drills.models import CardState, SafetyThreat, SimDrill

    nurse = Person.objects.get(email=DEMO_LOGINS[0].email)
    assert CardState.objects.filter(person=nurse, due__lte=NOON).count() >= 4
    client.force_login(nurse)
    page = client.get(reverse("drills-home")).content.decode()
    assert "ACLS algorithms" in page and "Sepsis hour-1 bundle" in page
    educator = Person.objects.get(email="educator@demo.bedside.test")
    client.force_login(educator)
    micu = Unit.objects.get(code="HG-MICU")
    assert SimDrill.objects.filter(unit=micu, status="finished").count() == 11
    readiness = client.get(reverse("sim-unit", args=[micu.pk])).content.decode()
    assert "readiness-data" in readiness and "Defibrillator pads" in readiness
    assert SafetyThreat.objects.filter(unit=micu).exclude(status="closed").count() == 3
    deck = LearningItem.objects.get(kind="deck", title="ACLS algorithms").deck
    health = client.get(reverse("drills-deck-health", args=[deck.pk])).content.decode()
    # Cards cite the care library's resources: the editor and the deck's health name them.
    assert "cites Advanced life support: shockable rhythms" in health
    assert "Export for Anki" in health


def test_the_demo_has_a_surge_campaign_launched_over_imported_minimums(seeded, client):
    from bedside.campaigns.models import Campaign
    from bedside.rosters.models import StaffingMinimum

    campaign = Campaign.objects.get(name="ICU cross-training")
    assert campaign.status == "launched" and campaign.priority == "surge"
    assert (campaign.deadline - campaign.starts_on).days == 10
    assert seeded.counts["campaign_people"] == campaign.members.count() > 0
    assert 0 < seeded.counts["campaign_done"] < campaign.members.count()
    assert (
        StaffingMinimum.objects.filter(weekday__isnull=True, optimal__isnull=False).count()
        == (seeded.counts["minimums_imported"])
        > 0
    )
    client.force_login(Person.objects.get(email="educator@demo.bedside.test"))
    page = client.get(reverse("campaign-progress", args=[campaign.pk])).content.decode()
    assert "ICU cross-training" in page and "done of" in page
    assert "Cleared for ICU float under team nursing" in page and "Cleared for Proning team member" in page
    from bedside.campaigns.queries import readiness

    icu_float, proning = readiness(campaign, now=timezone.now())
    assert 0 < icu_float.cleared < proning.cleared < proning.people
    plan = client.get(reverse("campaign-plan", args=[campaign.pk])).content.decode()
    assert "Offer rooms, times and instructors" in plan
    client.force_login(Person.objects.get(email="manager@demo.bedside.test"))
    micu = Unit.objects.get(code="HG-MICU")
    assert "Registered nurse" in client.get(reverse("coverage", args=[micu.pk])).content.decode()


def test_demo_has_a_library_reading_a_path_and_a_managers_clash_override(seeded):
    from bedside.learning.models import LearningPath, Module, Registration

    reading = Module.objects.get(
        revision__course__item__title="Prone positioning in the ICU", title="The guidance"
    )
    assert reading.resource_version.item.kind == "library"
    path = LearningPath.objects.get(item__title="ICU cross-training")
    assert [s.course.item.title for s in path.steps.select_related("course__item")] == [
        "Sepsis recognition: the first hour",
        "Central line care bundle",
        "Prone positioning in the ICU",
    ]
    # The small test hospital rosters 7 days: its MICU may have nobody on shift during a lab to free.
    overrides = Registration.objects.filter(override_by__email=f"manager@{DEMO_DOMAIN}")
    assert overrides.count() == seeded.counts["clash overrides"] <= 1
    assert all("float nurse" in r.override_reason for r in overrides)


def test_the_demos_qr_codes_are_slugs_and_their_resources_open_for_the_librarian(seeded, client):
    from bedside.library.models import EntryCode

    codes = list(EntryCode.objects.select_related("resource"))
    assert codes and all(re.fullmatch(r"[-a-zA-Z0-9_]+", c.code) for c in codes)
    client.force_login(Person.objects.get(email=f"librarian@{DEMO_DOMAIN}"))
    for slug in {c.resource.slug for c in codes}:  # a code with a space made this page a 500
        assert client.get(reverse("library-resource-manage", args=[slug])).status_code == 200


def test_the_demo_has_two_grand_rounds_series_and_a_talk_on_now(seeded, client):
    from bedside.events.models import Event, Question, Series

    assert Series.objects.count() == 2
    assert Event.objects.filter(ends_at__lt=NOON).count() >= 10
    live = Event.objects.get(title__endswith="(live)")
    assert live.dialogue_open(NOON) and live.mode == "hybrid"
    assert Question.objects.filter(event=live).count() == 5
    riverside = Series.objects.get(site__code="RMC")
    first = riverside.events.order_by("starts_at").first()
    assert first.starts_at.astimezone(zoneinfo.ZoneInfo("America/Chicago")).time() == dt.time(12, 0)
    with time_machine.travel(NOON, tick=False):
        client.force_login(Person.objects.get(email="educator@demo.bedside.test"))
        page = client.get(reverse("event-moderate", args=[live.pk])).content.decode()
        assert "Does this apply to patients on dialysis?" in page
        client.force_login(Person.objects.get(email=DEMO_LOGINS[0].email))
        assert "Happening now" in client.get(reverse("events")).content.decode()
