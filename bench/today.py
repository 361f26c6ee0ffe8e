"""Today at bench size: the whole page (sessions, middleware, template) for random nurses.

Figures: median and p95 of 200 requests through django.test.Client, each for another
nurse (signed in with force_login, not timed). Baseline: the raw SQL of the due list
for the same nurses, timed in the same run.

    .venv/bin/python bench/today.py
"""

from __future__ import annotations

import random

import common

REQUESTS = 200
WARM_UP = 20

DUE_LIST_SQL = """
SELECT a.id, a.due_at, a.overdue_at, a.covered_until, i.title, i.kind, i.minutes
FROM assignments_assignment a JOIN records_learningitem i ON i.id = a.item_id
WHERE a.person_id = %s AND a.current AND a.closed_at IS NULL
ORDER BY a.due_at, a.id
"""


def main() -> dict:
    common.ensure_seeded()
    from django.db import connection
    from django.test import Client

    from bedside.assignments.today import due_cards
    from bedside.people.models import Job, Person

    nurses = list(
        Job.objects.filter(primary=True, job_role__code="RN", person__status="active")
        .values_list("person_id", flat=True)
        .order_by("person_id")
    )
    sample = random.Random(common.SEED).sample(nurses, REQUESTS + WARM_UP)
    people = Person.objects.in_bulk(sample)
    client = Client()
    page_ms: list[float] = []
    cards = 0
    for i, person_id in enumerate(sample):
        client.force_login(people[person_id])
        responses = []
        ms = common.timed(lambda: responses.append(client.get("/today/")))  # noqa: B023
        assert responses[0].status_code == 200, responses[0].status_code
        if i >= WARM_UP:
            page_ms.append(ms)
            cards += responses[0].content.count(b'class="card ')
    provider_ms = [common.timed(lambda: due_cards(people[pid])) for pid in sample[WARM_UP:]]  # noqa: B023
    raw_ms: list[float] = []
    with connection.cursor() as cursor:
        for person_id in sample:
            ms = common.timed(lambda: (cursor.execute(DUE_LIST_SQL, [person_id]), cursor.fetchall()))  # noqa: B023
            raw_ms.append(ms)
    raw_ms = raw_ms[WARM_UP:]
    figures = {
        "today_page_p50_ms": common.figure(common.p50(page_ms), "ms", None),
        "today_page_p95_ms": common.figure(common.p95(page_ms), "ms", 100),
        "today_due_cards_p95_ms": common.figure(common.p95(provider_ms), "ms", None),
        "baseline_raw_sql_due_list_p50_ms": common.figure(common.p50(raw_ms), "ms", None),
        "baseline_raw_sql_due_list_p95_ms": common.figure(common.p95(raw_ms), "ms", None),
        "cards_per_page": common.figure(cards / len(page_ms), "cards", None, "higher"),
    }
    common.write_result("today", figures)
    return figures


if __name__ == "__main__":
    main()
