"""Employee ids are identifiers from HR: matched without regard to case everywhere, stored as first given."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from bedside.people.models import Capability, Person
from bedside.rosters.importing import roster_import
from bedside.rosters.models import Shift
from bedside.rosters.tests.conftest import PERSON_HEADER, SHIFT_HEADER
from bedside.testing import factories as f
from bedside.testing.api import api_url, bearer

pytestmark = pytest.mark.django_db


def persons_file(write_csv, *ids, name="roster.csv"):
    rows = [[eid, "Zoe", "Ng", "", "2020-01-06", "ICU", "RN"] for eid in ids]
    return write_csv(PERSON_HEADER, rows, name)


def test_ids_differing_only_by_case_in_one_file_are_one_person(org, write_csv):
    path = write_csv(
        PERSON_HEADER,
        [
            ["Z20001", "Zoe", "Ng", "", "2020-01-06", "ICU", "RN"],
            ["z20001", "Zoe", "Ng", "", "2020-01-06", "ICU", "RN"],
        ],
    )

    result = roster_import(path_or_file=path, kind="persons")

    assert result.errors == [
        {
            "line": 3,
            "message": "employee z20001 already has a row for this unit and job role on line 2 "
            "(duplicate employee id and job).",
        }
    ]
    assert Person.objects.count() == 0


def test_a_later_file_in_another_case_matches_the_stored_person_and_keeps_its_spelling(org, write_csv):
    assert roster_import(path_or_file=persons_file(write_csv, "Z20001", name="a.csv"), kind="persons").ok

    again = roster_import(path_or_file=persons_file(write_csv, "z20001", name="b.csv"), kind="persons")

    assert again.ok and again.counts["persons_created"] == 0 and again.counts["persons_unchanged"] == 1
    assert list(Person.objects.values_list("employee_id", flat=True)) == ["Z20001"]


def test_shifts_find_their_person_in_any_case(org, write_csv):
    zoe = f.PersonFactory(employee_id="Z20001")
    f.JobFactory(person=zoe, unit=org.icu, job_role=org.rn)
    path = write_csv(SHIFT_HEADER, [["S1", "z20001", "ICU", "RN", "2026-11-25 07:00", "2026-11-25 19:00"]])

    result = roster_import(path_or_file=path)

    assert result.ok, result.errors
    assert Shift.objects.get().person == zoe


def test_the_database_refuses_a_second_person_with_the_id_in_another_case(db):
    f.PersonFactory(employee_id="Z20001")

    with pytest.raises(IntegrityError), transaction.atomic():
        f.PersonFactory(employee_id="z20001")


def test_an_employee_id_with_spaces_or_accents_is_refused_by_the_import(org, write_csv):
    result = roster_import(path_or_file=persons_file(write_csv, "Z 2", "É3"), kind="persons")

    assert [e["line"] for e in result.errors] == [2, 3]
    assert (
        "employee_id “Z 2” may hold letters A-Z, digits and punctuation only" in result.errors[0]["message"]
    )
    assert Person.objects.count() == 0


def test_the_api_and_the_admin_find_a_person_by_id_in_any_case(client, make_person):
    zoe = make_person(employee_id="Z20001")
    admin = make_person(role=None, is_staff=True, is_superuser=True, grants=[(Capability.ADMINISTER, None)])

    listed = client.get(api_url("persons-list"), {"q": "z20001"}, headers=bearer(admin)).json()
    client.force_login(admin)
    page = client.get(reverse("admin:people_person_changelist"), {"q": "z20001"}).content.decode()

    assert [p["id"] for p in listed["items"]] == [zoe.pk]
    assert "Z20001" in page and "1 result" in page


def test_the_migration_names_ids_that_differ_only_by_case_before_adding_the_constraint(db):
    migration = importlib.import_module("bedside.people.migrations.0004_employee_id_ignores_case")
    f.PersonFactory(employee_id="A1")
    with connection.cursor() as cursor:  # as before the migration: no index yet (rolled back after the test)
        cursor.execute("DROP INDEX person_employee_id_unique_ci")
    first = f.PersonFactory(employee_id="Z20001")
    second = f.PersonFactory(employee_id="z20001")

    with pytest.raises(RuntimeError) as refused:
        migration.check_no_ids_differ_only_by_case(apps, SimpleNamespace(connection=connection))

    assert f"Z20001 (person {first.pk}) / z20001 (person {second.pk})" in str(refused.value)
    assert "A1" not in str(refused.value)
