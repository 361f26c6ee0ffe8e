"""One factory per model, with realistic defaults. Tests ask for what they need by keyword."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from bedside.assignments.models import AssignmentRule
from bedside.people.models import (
    Audience,
    Department,
    Grant,
    Job,
    JobRole,
    Person,
    Program,
    ProgramEnrolment,
    Site,
    System,
    Unit,
    UnitKind,
)
from bedside.records.models import LearningItem
from bedside.rosters.models import RoleCover, Shift, StaffingMinimum

PASSWORD = "correct-horse-battery"


class SystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = System
        django_get_or_create = ["name"]

    name = "Commonwealth Health"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    system = factory.SubFactory(SystemFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"General Hospital {n}")
    time_zone = "America/New_York"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Department of Nursing {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    department = factory.SubFactory(DepartmentFactory)
    site = factory.LazyAttribute(lambda o: o.department.site)
    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"Medical ICU {n}")
    kind = UnitKind.ICU
    beds = 20


class JobRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRole
        django_get_or_create = ["code"]

    code = "RN"
    name = factory.LazyAttribute(
        lambda o: {"RN": "Registered nurse", "RT": "Respiratory therapist"}.get(o.code, o.code)
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    employee_id = factory.Sequence(lambda n: f"E{n:06d}")
    hire_date = dt.date(2020, 1, 6)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    job_role = factory.SubFactory(JobRoleFactory)
    fte = 1
    primary = True
    start_date = dt.date(2020, 1, 6)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    job_role = factory.SubFactory(JobRoleFactory)
    start = factory.LazyFunction(
        lambda: timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    )
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=12))


class StaffingMinimumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffingMinimum

    unit = factory.SubFactory(UnitFactory)
    job_role = factory.SubFactory(JobRoleFactory)
    weekday = 0
    start_time = dt.time(7)
    end_time = dt.time(19)
    minimum = 4


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    person = factory.SubFactory(PersonFactory)
    capability = "manage"
    scope_kind = "unit"
    unit = factory.SubFactory(UnitFactory)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Internal medicine residency {n}")
    kind = "residency"


class ProgramEnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramEnrolment

    program = factory.SubFactory(ProgramFactory)
    person = factory.SubFactory(PersonFactory)
    start_date = dt.date(2020, 7, 1)


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Audience {n}")

    @factory.post_generation
    def units(obj, create, extracted, **kwargs):
        if extracted:
            obj.units.set(extracted)

    @factory.post_generation
    def job_roles(obj, create, extracted, **kwargs):
        if extracted:
            obj.job_roles.set(extracted)

    @factory.post_generation
    def include_persons(obj, create, extracted, **kwargs):
        if extracted:
            obj.include_persons.set(extracted)


class LearningItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningItem

    kind = "attestation"
    title = factory.Sequence(lambda n: f"Hand hygiene policy {n}")
    minutes = 3


class AssignmentRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentRule

    name = factory.Sequence(lambda n: f"Rule {n}")
    audience = factory.SubFactory(AudienceFactory)
    item = factory.SubFactory(LearningItemFactory)
    due_days = 30


class RoleCoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleCover

    job_role = factory.SubFactory(JobRoleFactory)
    covers = factory.SubFactory(JobRoleFactory)
