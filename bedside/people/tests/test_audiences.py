import datetime as dt

import pytest

from bedside.people.audiences import audiences_of
from bedside.people.models import Person, PersonStatus
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def test_audience_members_match_across_dimensions_and_honour_include_exclude(make_person):
    icu = f.UnitFactory(kind="icu")
    floor = f.UnitFactory(kind="med_surg")
    icu_rn = make_person(unit=icu, role="RN")
    icu_rt = make_person(unit=icu, role="RT")
    floor_rn = make_person(unit=floor, role="RN")
    left = make_person(unit=icu, role="RN", status=PersonStatus.TERMINATED)
    external = make_person(role=None)
    audience = f.AudienceFactory(job_roles=[f.JobRoleFactory(code="RN")])
    audience.unit_kinds = ["icu"]
    audience.save()
    assert list(audience.members()) == [icu_rn]

    audience.include_persons.add(external)
    audience.exclude_persons.add(icu_rn)
    assert set(audience.members()) == {external}
    assert audiences_of(external) == [audience]
    assert audiences_of(icu_rn) == []
    assert audiences_of(floor_rn) == [] and audiences_of(icu_rt) == [] and audiences_of(left) == []


def test_audience_with_no_dimension_is_everyone_with_a_current_job(make_person):
    staff = make_person()
    ended = make_person()
    ended.jobs.update(end_date=dt.date(2021, 1, 1))
    make_person(role=None)
    audience = f.AudienceFactory()
    assert list(audience.members()) == [staff]
    assert audiences_of(staff) == [audience]
    assert audiences_of(ended) == []


def test_email_is_unique_case_insensitively_and_absent_ids_are_null(db):
    from django.db import IntegrityError, transaction

    f.PersonFactory(email="ana@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.PersonFactory(email="ANA@example.org")
    first = Person.objects.create_user(email=None, first_name="A", last_name="B")
    second = Person.objects.create_user(email=None, first_name="C", last_name="D")
    assert first.email is None and second.email is None and first.employee_id is None


def test_an_audience_of_named_people_is_just_them(make_person):
    named, other = make_person(), make_person()
    audience = f.AudienceFactory()
    audience.include_persons.add(named)
    assert list(audience.members()) == [named]
    assert audiences_of(other) == [] and audiences_of(named) == [audience]
