import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from bedside.people import access
from bedside.people.models import Capability, Grant, Person, PersonStatus
from bedside.people.services import grant_create
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    site_a, site_b = f.SiteFactory(), f.SiteFactory()
    dept_a = f.DepartmentFactory(site=site_a)
    return {
        "site_a": site_a,
        "dept_a": dept_a,
        "unit_a1": f.UnitFactory(department=dept_a),
        "unit_a2": f.UnitFactory(department=f.DepartmentFactory(site=site_a)),
        "unit_b": f.UnitFactory(department=f.DepartmentFactory(site=site_b)),
    }


def test_nurse_cannot_see_other_units_people(org, make_person):
    nurse = make_person(unit=org["unit_a1"])
    colleague = make_person(unit=org["unit_a1"])
    assert not access.can(nurse, access.OVERSIGHT, colleague)
    assert not access.can(nurse, access.OVERSIGHT, colleague, own=True)
    assert access.can(nurse, access.OVERSIGHT, nurse, own=True)
    assert list(access.units_in_scope(nurse)) == []


def test_grants_cover_their_scope_and_nothing_more(org, make_person):
    in_a1 = make_person(unit=org["unit_a1"])
    in_a2 = make_person(unit=org["unit_a2"])
    in_b = make_person(unit=org["unit_b"])
    unit_manager = make_person(role=None, grants=[(Capability.MANAGE, org["unit_a1"])])
    dept_educator = make_person(role=None, grants=[(Capability.TEACH, org["dept_a"])])
    site_reporter = make_person(role=None, grants=[(Capability.REPORT, org["site_a"])])
    admin = make_person(role=None, grants=[(Capability.ADMINISTER, None)])

    assert set(access.persons_in_scope(unit_manager)) == {in_a1}
    assert set(access.persons_in_scope(dept_educator)) == {in_a1}
    assert set(access.persons_in_scope(site_reporter)) == {in_a1, in_a2}
    assert access.can(admin, access.OVERSIGHT, in_b)
    assert not access.can(site_reporter, access.OVERSIGHT, in_b)
    assert access.can(unit_manager, Capability.MANAGE, org["unit_a1"])
    assert not access.can(unit_manager, Capability.MANAGE, org["unit_a2"])
    assert not access.can(unit_manager, Capability.TEACH, org["unit_a1"])
    assert set(access.scoped(site_reporter, Capability.REPORT, type(org["unit_a1"]))) == {
        org["unit_a1"],
        org["unit_a2"],
    }


def test_a_capability_outside_oversight_does_not_open_people(org, make_person):
    curator = make_person(role=None, grants=[(Capability.CURATE, None)])
    someone = make_person(unit=org["unit_b"])
    assert not access.can(curator, access.OVERSIGHT, someone)


def test_a_person_who_left_loses_grants_sign_in_and_tokens(org, make_person, client):
    from django.urls import reverse

    from bedside.people.tokens import person_for_token, token_issue
    from bedside.testing.factories import PASSWORD

    manager = make_person(role=None, email="boss@example.org", grants=[(Capability.MANAGE, org["unit_a1"])])
    token = token_issue(person=manager, name="sync")
    client.force_login(manager)
    assert client.get(reverse("compliance")).status_code == 200

    Person.objects.filter(pk=manager.pk).update(status=PersonStatus.TERMINATED)
    left = Person.objects.get(pk=manager.pk)
    assert not access.has_any(left, access.OVERSIGHT)
    assert person_for_token(token) is None
    assert client.get(reverse("compliance")).status_code == 302  # the open session ends
    signed = client.post(reverse("login"), {"username": "boss@example.org", "password": PASSWORD})
    assert signed.status_code == 200  # refused, the form is shown again


# Grant dates ------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_an_expired_or_future_grant_gives_nothing(org, make_person):
    nurse = make_person(unit=org["unit_a1"])
    expired = make_person(role=None, grants=[(Capability.MANAGE, org["unit_a1"], None, dt.date(2026, 6, 14))])
    future = make_person(role=None, grants=[(Capability.MANAGE, org["unit_a1"], dt.date(2026, 6, 16), None)])
    acting = make_person(
        role=None, grants=[(Capability.MANAGE, org["unit_a1"], dt.date(2026, 6, 1), dt.date(2026, 6, 15))]
    )
    for gone in (expired, future):
        assert not access.has_any(gone, Capability.MANAGE)
        assert not access.can(gone, Capability.MANAGE, nurse)
        assert list(access.persons_in_scope(gone)) == []
    assert access.can(acting, Capability.MANAGE, nurse)
    assert access.holders(Capability.MANAGE, [org["unit_a1"]]) == {org["unit_a1"].pk: {acting.pk}}


def test_grant_dates_are_the_holders_local_days(make_person):
    honolulu = f.UnitFactory(department=f.DepartmentFactory(site=f.SiteFactory(time_zone="Pacific/Honolulu")))
    manager = make_person(unit=honolulu, grants=[(Capability.MANAGE, honolulu, None, dt.date(2026, 6, 15))])
    # 02:00 UTC on the 16th is still 16:00 on the 15th in Honolulu: the grant's last day.
    with time_machine.travel(dt.datetime(2026, 6, 16, 2, tzinfo=dt.UTC), tick=False):
        assert access.has_any(Person.objects.get(pk=manager.pk), Capability.MANAGE)
        assert access.holders(Capability.MANAGE, [honolulu])[honolulu.pk] == {manager.pk}
    with time_machine.travel(dt.datetime(2026, 6, 16, 11, tzinfo=dt.UTC), tick=False):
        assert not access.has_any(Person.objects.get(pk=manager.pk), Capability.MANAGE)
        assert access.holders(Capability.MANAGE, [honolulu])[honolulu.pk] == set()


def test_holders_leave_out_people_who_left(org, make_person):
    staying = make_person(role=None, grants=[(Capability.MANAGE, org["site_a"])])
    left = make_person(role=None, grants=[(Capability.MANAGE, org["unit_a1"])])
    Person.objects.filter(pk=left.pk).update(status=PersonStatus.TERMINATED)
    make_person(
        role=None, grants=[(Capability.ADMINISTER, None)]
    )  # administrators are not every unit's manager
    assert access.holders(Capability.MANAGE, [org["unit_a1"], org["unit_b"]]) == {
        org["unit_a1"].pk: {staying.pk},
        org["unit_b"].pk: set(),
    }


# People with no job, and programs -----------------------------------------------------------


def test_people_with_no_job_are_outside_system_wide_staff_grants(org, make_person):
    staff = make_person(unit=org["unit_b"])
    external = make_person(role=None)
    reporter = make_person(role=None, grants=[(Capability.REPORT, None)])
    assert access.can(reporter, Capability.REPORT, staff)
    assert not access.can(reporter, Capability.REPORT, external)
    assert external not in access.persons_in_scope(reporter)


def test_a_program_grant_sees_its_enrolled_people_and_no_one_else(org, make_person):
    program, other_program = f.ProgramFactory(), f.ProgramFactory()
    student = make_person(role=None)
    f.ProgramEnrolmentFactory(program=program, person=student)
    elsewhere = make_person(role=None)
    f.ProgramEnrolmentFactory(program=other_program, person=elsewhere)
    left_program = make_person(role=None)
    f.ProgramEnrolmentFactory(
        program=program, person=left_program, start_date=dt.date(2020, 7, 1), end_date=dt.date(2021, 6, 30)
    )
    staff = make_person(unit=org["unit_a1"])
    coordinator = make_person(role=None, grants=[(Capability.COORDINATE, program)])
    everywhere = make_person(role=None, grants=[(Capability.COORDINATE, None)])
    reporter = make_person(role=None, grants=[(Capability.REPORT, None)])

    assert set(access.persons_in_scope(coordinator, Capability.COORDINATE)) == {student}
    assert access.can(coordinator, Capability.COORDINATE, program)
    assert not access.can(coordinator, Capability.COORDINATE, other_program)
    assert not access.can(coordinator, Capability.COORDINATE, staff)
    # A system-wide program capability covers every program's people; a staff capability none.
    assert {student, elsewhere} <= set(access.persons_in_scope(everywhere, Capability.COORDINATE))
    assert not access.can(reporter, Capability.REPORT, student)
    assert access.holders(Capability.COORDINATE, [student]) == {student.pk: {coordinator.pk, everywhere.pk}}


# Grants point at real scopes ---------------------------------------------------------------


def test_a_grant_cannot_name_a_scope_of_another_kind_or_none(org, make_person):
    person = make_person(role=None)
    with pytest.raises(ValidationError) as error:
        Grant(person=person, capability="manage", scope_kind="unit", site=org["site_a"]).full_clean()
    assert "unit" in error.value.message_dict and "site" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(person=person, capability="manage", scope_kind="unit")
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(person=person, capability="manage", scope_kind="system", unit=org["unit_a1"])


def test_grant_create_refuses_a_scope_that_does_not_exist_and_a_non_administrator(org, make_person):
    admin = make_person(role=None, grants=[(Capability.ADMINISTER, None)])
    manager = make_person(role=None, grants=[(Capability.MANAGE, org["unit_a1"])])
    person = make_person(role=None)
    with pytest.raises(PermissionDenied, match="Only administrators"):
        grant_create(person=person, capability="manage", scope=org["unit_a1"], by=manager)
    ghost = type(org["unit_a1"])(pk=999_999, site=org["site_a"], department=org["dept_a"])
    with pytest.raises(ValidationError, match="does not exist"):
        grant_create(person=person, capability="manage", scope=ghost, by=admin)
    with pytest.raises(ValidationError, match="not a job"):
        grant_create(person=person, capability="manage", scope=f.JobRoleFactory(), by=admin)
    with pytest.raises(ValidationError):
        grant_create(
            person=person,
            capability="manage",
            scope=org["unit_a1"],
            by=admin,
            starts_on=dt.date(2026, 7, 1),
            ends_on=dt.date(2026, 6, 1),
        )
    assert not Grant.objects.filter(person=person).exists()

    grant = grant_create(person=person, capability="manage", scope=org["dept_a"], by=admin)
    assert grant.scope == org["dept_a"] and grant.granted_by == admin
    with pytest.raises(ValidationError):
        grant_create(person=person, capability="manage", scope=org["dept_a"], by=admin)


# The registry and the 403/404 rule ---------------------------------------------------------


def test_get_in_scope_says_403_without_the_capability_and_404_outside_the_scope(org, make_person):
    nurse = make_person(unit=org["unit_a1"])
    stranger = make_person(unit=org["unit_b"])
    manager = make_person(role=None, grants=[(Capability.MANAGE, org["unit_a1"])])
    rows = Person.objects.all()
    kwargs = {"denied": "Only managers.", "missing": "Not on your units."}
    assert access.get_in_scope(manager, Capability.MANAGE, rows, pk=nurse.pk, **kwargs) == nurse
    with pytest.raises(Http404, match="Not on your units"):
        access.get_in_scope(manager, Capability.MANAGE, rows, pk=stranger.pk, **kwargs)
    with pytest.raises(Http404):
        access.get_in_scope(manager, Capability.MANAGE, rows, pk=999_999, **kwargs)
    with pytest.raises(PermissionDenied, match="Only managers"):
        access.get_in_scope(nurse, Capability.MANAGE, rows, pk=stranger.pk, **kwargs)
    assert access.get_in_scope(nurse, Capability.MANAGE, rows, own=True, pk=nurse.pk, **kwargs) == nurse


def test_a_model_without_a_registered_scope_is_refused_loudly(make_person):
    admin = make_person(role=None, grants=[(Capability.ADMINISTER, None)])
    with pytest.raises(ImproperlyConfigured, match="register_scope"):
        access.scoped(admin, Capability.REPORT, f.JobRoleFactory._meta.model)
