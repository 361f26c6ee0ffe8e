"""Compliance at bench size: one unit's page, a whole site's page, and the whole system's.

Figures: p50/p95 of the pages through django.test.Client as the system administrator,
and of the grouped query alone. Baseline: raw SQL (indexed join and group-by over
current requirements and primary jobs) for the same units and sites, same run.

    .venv/bin/python bench/compliance.py
"""

from __future__ import annotations

import random

import common

UNIT_REQUESTS = 100
SITE_ROUNDS = 2
SYSTEM_REQUESTS = 3

COUNTS = """
count(*) AS total,
count(*) FILTER (WHERE a.closed_reason = 'completed' OR a.covered_until > %(now)s) AS satisfied,
count(*) FILTER (WHERE a.closed_at IS NULL AND a.overdue_at < %(now)s
                 AND NOT coalesce(a.covered_until > %(now)s, false)) AS overdue
"""
FROM = """
FROM assignments_assignment a JOIN people_job j ON j.person_id = a.person_id
WHERE a.current AND a.closed_reason IN ('', 'completed')
  AND j.primary AND j.start_date <= %(today)s AND (j.end_date IS NULL OR j.end_date >= %(today)s)
"""
UNIT_SQL = f"SELECT j.job_role_id, {COUNTS} {FROM} AND j.unit_id = %(scope)s GROUP BY 1"
SITE_SQL = (
    f"SELECT j.unit_id, j.job_role_id, {COUNTS} {FROM}"
    " AND EXISTS (SELECT 1 FROM people_unit u WHERE u.id = j.unit_id AND u.site_id = %(scope)s) GROUP BY 1, 2"
)
SYSTEM_SQL = f"SELECT j.unit_id, j.job_role_id, {COUNTS} {FROM} GROUP BY 1, 2"


def _raw(cursor, sql: str, scope: int | None, now, today) -> float:
    params = {"now": now, "today": today, "scope": scope}
    return common.timed(lambda: (cursor.execute(sql, params), cursor.fetchall()))


def main() -> dict:
    common.ensure_seeded()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from bedside.people.models import Job, Person, Site
    from bedside.reports.queries import compliance_by_unit_role

    admin = Person.objects.get(email="admin@demo.bedside.test")
    client = Client()
    client.force_login(admin)
    staffed = sorted(set(Job.objects.filter(primary=True).values_list("unit_id", flat=True)))
    rng = random.Random(common.SEED)
    units = [rng.choice(staffed) for _ in range(UNIT_REQUESTS)]
    sites = list(Site.objects.order_by("pk").values_list("pk", flat=True))
    now, today = timezone.now(), timezone.localdate()

    def page(url: str) -> float:
        responses = []
        ms = common.timed(lambda: responses.append(client.get(url)))
        assert responses[0].status_code == 200, (url, responses[0].status_code)
        return ms

    page(f"/compliance/units/{units[0]}/")  # warm up
    unit_page = [page(f"/compliance/units/{u}/") for u in units]
    sizes = Job.objects.filter(primary=True).values("unit_id").annotate(n=Count("pk")).order_by("-n")
    largest = sizes[0]
    largest_page = [page(f"/compliance/units/{largest['unit_id']}/") for _ in range(5)]
    unit_query = [common.timed(lambda: compliance_by_unit_role(units=None, unit_id=u)) for u in units]  # noqa: B023
    site_page = [page(f"/compliance/?site={s}") for _ in range(SITE_ROUNDS) for s in sites]
    site_query = [
        common.timed(lambda: compliance_by_unit_role(units=None, site_id=s))  # noqa: B023
        for _ in range(SITE_ROUNDS)
        for s in sites
    ]
    system_page = [page("/compliance/") for _ in range(SYSTEM_REQUESTS)]
    with connection.cursor() as cursor:
        unit_raw = [_raw(cursor, UNIT_SQL, u, now, today) for u in units]
        site_raw = [_raw(cursor, SITE_SQL, s, now, today) for _ in range(SITE_ROUNDS) for s in sites]
        system_raw = [_raw(cursor, SYSTEM_SQL, None, now, today) for _ in range(SYSTEM_REQUESTS)]
    f = common.figure
    figures = {
        "unit_page_p50_ms": f(common.p50(unit_page), "ms", None),
        "unit_page_p95_ms": f(common.p95(unit_page), "ms", 150),
        "unit_query_p95_ms": f(common.p95(unit_query), "ms", 150),
        "largest_unit_page_p50_ms": f(common.p50(largest_page), "ms", 150),
        "largest_unit_staff": f(largest["n"], "people", None, "higher"),
        "baseline_raw_sql_unit_p95_ms": f(common.p95(unit_raw), "ms", None),
        "site_page_p50_ms": f(common.p50(site_page), "ms", None),
        "site_page_p95_ms": f(common.p95(site_page), "ms", 1000),
        "site_query_p95_ms": f(common.p95(site_query), "ms", 1000),
        "baseline_raw_sql_site_p95_ms": f(common.p95(site_raw), "ms", None),
        "system_page_p50_ms": f(common.p50(system_page), "ms", None),
        "baseline_raw_sql_system_p50_ms": f(common.p50(system_raw), "ms", None),
        "staff_per_unit": f(
            Job.objects.filter(primary=True).count() / len(staffed), "people", None, "higher"
        ),
        "staff_per_site": f(Job.objects.filter(primary=True).count() / len(sites), "people", None, "higher"),
    }
    common.write_result("compliance", figures)
    return figures


if __name__ == "__main__":
    main()
