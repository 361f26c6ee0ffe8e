import pytest

from bedside.people import access
from bedside.people.models import Capability
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
    assert access.can_see_person(nurse, nurse)
    assert not access.can_see_person(nurse, colleague)
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
    assert access.can_see_person(admin, in_b)
    assert not access.can_see_person(site_reporter, in_b)
    assert access.can_oversee_unit(unit_manager, org["unit_a1"])
    assert not access.can_oversee_unit(unit_manager, org["unit_a2"])


def test_a_capability_outside_oversight_does_not_open_people(org, make_person):
    curator = make_person(role=None, grants=[(Capability.CURATE, None)])
    someone = make_person(unit=org["unit_b"])
    assert not access.can_see_person(curator, someone)


def test_a_person_who_left_loses_grants_sign_in_and_tokens(org, make_person, client):
    from django.urls import reverse

    from bedside.people.models import Person, PersonStatus
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
