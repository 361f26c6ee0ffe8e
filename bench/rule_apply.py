"""Rule application at bench size: a new all-staff rule applied to 30,000 people, with its audit
(one 'rule.apply' line for the run; each requirement carries the run's id).

Each run happens in a transaction that is rolled back, so the bench database stays as
seeded. Figures: the median of the runs, and the best. Baseline: a COPY of 30,000
assignment rows in the same kind of transaction, timed in the same run.

    .venv/bin/python bench/rule_apply.py
"""

from __future__ import annotations

import random

import common

PEOPLE = 30_000
RUNS = 3


def main() -> dict:
    common.ensure_seeded()
    from django.db import connection, transaction
    from django.utils import timezone

    from bedside.assignments.models import Assignment, AssignmentRule
    from bedside.assignments.services import rule_apply
    from bedside.attestations.services import attestation_create
    from bedside.audit.models import AuditEntry
    from bedside.people.models import Audience

    with transaction.atomic():
        members = list(
            Audience.objects.create(name="Bench: all staff").members().values_list("pk", flat=True)
        )
        transaction.set_rollback(True)
    person_ids = sorted(random.Random(common.SEED).sample(members, PEOPLE))
    runs: list[float] = []
    for run in range(RUNS):
        with transaction.atomic():
            item = attestation_create(title=f"Bench policy {run}", statement="I have read it.").item
            audience = Audience.objects.create(name="Bench: all staff")
            rule = AssignmentRule.objects.create(name=f"Bench rule {run}", audience=audience, item=item)
            created: list[int] = []
            runs.append(common.timed(lambda: created.append(rule_apply(rule=rule, person_ids=person_ids))))  # noqa: B023
            # One audit line for the run's requirements, naming the rule, the run and the count.
            line = AuditEntry.objects.get(action="rule.apply", target_id=str(rule.pk))
            carried = Assignment.objects.filter(run=line.changes["run"]).count()
            assert created == [PEOPLE] and line.changes["created"] == carried == PEOPLE, (
                created,
                line.changes,
            )
            transaction.set_rollback(True)

    baseline: list[float] = []
    columns = ("person_id", "item_id", "cycle_kind", "cycle_ref", "source_kind", "source_ref", "assigned_at",
               "due_at", "overdue_at", "closed_reason", "current")  # fmt: skip
    for run in range(RUNS):
        with transaction.atomic(), connection.cursor() as cursor:
            item = attestation_create(title=f"Bench baseline {run}", statement="I have read it.").item
            now = timezone.now()
            rows = [
                (pid, item.pk, "once", "", "rule", "bench", now, now, now, "", True) for pid in person_ids
            ]
            baseline.append(common.copy_rows(cursor, Assignment._meta.db_table, columns, rows))
            transaction.set_rollback(True)
    figures = {
        "rule_apply_30k_median_s": common.figure(sorted(runs)[len(runs) // 2] / 1000, "s", 3),
        "rule_apply_30k_best_s": common.figure(min(runs) / 1000, "s", None),
        "baseline_copy_30k_rows_s": common.figure(sorted(baseline)[len(baseline) // 2] / 1000, "s", None),
    }
    common.write_result("rule_apply", figures)
    return figures


if __name__ == "__main__":
    main()
