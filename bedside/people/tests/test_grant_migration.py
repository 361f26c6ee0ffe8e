"""The migration from a bare scope_id to real references keeps what granted something and drops the rest."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("people", "0002_shifts_and_imports_move_to_rosters")]
AFTER = [("people", "0003_grant_scope_references_and_programs")]


@pytest.mark.django_db(transaction=True)
def test_grants_point_at_their_scope_and_dangling_ones_go():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    system = old.get_model("people", "System").objects.create(name="Health system")
    site = old.get_model("people", "Site").objects.create(system=system, code="NY", name="New York")
    department = old.get_model("people", "Department").objects.create(site=site, name="Medicine")
    unit = old.get_model("people", "Unit").objects.create(
        department=department, site=site, code="ICU", name="Medical ICU", kind="icu"
    )
    person = old.get_model("people", "Person").objects.create(first_name="Ana", last_name="Lopez")
    Grant = old.get_model("people", "Grant")
    for kind, scope_id in [
        ("system", None),
        ("site", site.pk),
        ("department", department.pk),
        ("unit", unit.pk),
        ("unit", 999_999),  # names nothing
        ("program", 7),  # programs did not exist: it granted nothing
    ]:
        Grant.objects.create(person=person, capability="manage", scope_kind=kind, scope_id=scope_id)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("people", "Grant")
    rows = sorted(new.objects.values_list("scope_kind", "site_id", "department_id", "unit_id", "program_id"))
    assert rows == [
        ("department", None, department.pk, None, None),
        ("site", site.pk, None, None, None),
        ("system", None, None, None, None),
        ("unit", None, None, unit.pk, None),
    ]
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
