"""The migration to the typed cycle key reads each old free-string cycle the way its rule meant it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bedside.testing import factories as f

BEFORE = [("assignments", "0003_reminders_claimed_in_batches")]


@pytest.mark.django_db(transaction=True)
def test_old_cycles_become_typed_keys_a_window_year_is_not_read_as_a_count(make_person, make_attestation):
    nurse = make_person()
    items = [make_attestation(f"Policy {n}").item for n in range(5)]
    window = f.AssignmentRuleFactory(
        item=items[1], recurrence="window", window_start_month=1, window_start_day=1, window_end_month=3,
        window_end_day=31,
    )  # fmt: skip
    interval = f.AssignmentRuleFactory(item=items[2], recurrence="interval", interval_months=12)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("assignments", "Assignment")
    now = timezone.now()
    rows = [
        (items[0], "once", None, "rule", False),
        (items[1], "2026", window.pk, "rule", True),
        (items[2], "1", interval.pk, "rule", False),
        (items[2], "2", interval.pk, "rule", True),
        (items[3], "once", None, "campaign", True),
        (items[4], "2025", None, "library", True),
    ]
    for item, cycle, rule_id, source, current in rows:
        old.objects.create(
            person_id=nurse.pk, item_id=item.pk, cycle=cycle, rule_id=rule_id, source_kind=source,
            source_ref="c7" if source == "campaign" else "", assigned_at=now, due_at=now, overdue_at=now,
            current=current,
        )  # fmt: skip
    old.objects.create(
        person_id=nurse.pk,
        item_id=items[0].pk,
        cycle="x",
        source_kind="rule",
        assigned_at=now,
        due_at=now,
        overdue_at=now,
        current=True,
    )  # fmt: skip  (a second current row of one item, which the new constraint refuses)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from bedside.assignments.models import Assignment

    keys = sorted(
        Assignment.objects.values_list("item_id", "cycle_kind", "cycle_number", "cycle_year", "cycle_ref")
    )
    assert keys == sorted(
        [
            (items[0].pk, "once", None, None, ""),
            (items[0].pk, "campaign", None, None, "x"),
            (items[1].pk, "window", None, 2026, ""),
            (items[2].pk, "interval", 1, None, ""),
            (items[2].pk, "interval", 2, None, ""),
            (items[3].pk, "campaign", None, None, "c7"),
            (items[4].pk, "window", None, 2025, ""),
        ]
    )
    assert Assignment.objects.filter(item=items[0], current=True).count() == 1
