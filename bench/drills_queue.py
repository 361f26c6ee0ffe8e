"""Next card and answer at hospital scale on PostgreSQL: 80,000 learners, 200 decks, 20,000 cards,
about 20 million review logs. p95 of one learner's "I have 3 minutes" queue plus recording the answer
to its first card (the services the page and the API call), target 30 ms. The person is loaded as a
signed-in request loads them (with their time zone), outside the timing.

    .venv/bin/python bench/drills_queue.py

Builds its own database (BENCH_DRILLS_DATABASE, default bedside_bench_drills): learners, decks and cards by
the ORM; card states and review logs set-based in SQL (foreign-key triggers off for the load only).
With BENCH_DRILLS_REUSE=1 an already built database of the full size is kept (migrated, not rebuilt):
the build takes a quarter of an hour on the shared machine, the measurement a few seconds.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

DATABASE = os.environ.get("BENCH_DRILLS_DATABASE", "bedside_bench_drills")
if "--child" in sys.argv:
    os.environ["BENCH_DATABASE"] = DATABASE  # before common reads it: never the hospital's bench database
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

LEARNERS = int(os.environ.get("BENCH_DRILL_LEARNERS", "80000"))
DECKS = 200
CARDS_PER_DECK = 100
DECKS_EACH = 3
MET_PER_DECK = 20
LOGS_PER_STATE = 4  # 80,000 x 3 x 20 x 4 = 19.2 million review logs, plus the answers timed
SAMPLES = 300


def seed() -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from bedside.drills.models import Deck
    from bedside.people.models import Person
    from bedside.records.models import LearningItem

    call_command("migrate", verbosity=0)
    counts = {}
    with common.stopwatch() as took, transaction.atomic():
        Person.objects.bulk_create(
            (
                Person(email=f"learner{n}@bench.test", first_name="L", last_name=str(n), password="!")
                for n in range(LEARNERS)
            ),
            batch_size=5000,
        )
        items = LearningItem.objects.bulk_create(
            LearningItem(kind="deck", title=f"Deck {n}") for n in range(DECKS)
        )
        Deck.objects.bulk_create(Deck(item=item) for item in items)
        with connection.cursor() as c:
            c.execute("SET session_replication_role = replica")  # no FK triggers during the load
            c.execute(
                f"""INSERT INTO drills_card (deck_id, kind, front, back, options, explanation, image, image_alt,
                       flag_reason, active, position, created_at)
                    SELECT d.id, 'basic', 'Question ' || g, 'Answer ' || g, '[]', '', '', '', '', true, g, now()
                    FROM drills_deck d, generate_series(1, {CARDS_PER_DECK}) g"""
            )
            c.execute(
                f"""INSERT INTO drills_chosendeck (person_id, deck_id, chosen_at)
                    SELECT p.id, d.id, now() FROM people_person p
                    JOIN LATERAL (SELECT id FROM drills_deck ORDER BY (id * 7919 + p.id * 104729) % 1009 LIMIT {DECKS_EACH}) d ON true"""
            )
            c.execute(
                f"""INSERT INTO drills_cardstate (person_id, card_id, deck_id, state, step, stability, difficulty, due,
                       last_review, reps, lapses, introduced_at)
                    SELECT cd.person_id, c.id, c.deck_id, 2, NULL, s.stab, 5.0,
                           now() + (random() * 62 - 2) * interval '1 day',
                           now() - s.stab * 0.9 * interval '1 day', {LOGS_PER_STATE}, 0, now() - interval '200 days'
                    FROM drills_chosendeck cd
                    JOIN drills_card c ON c.deck_id = cd.deck_id AND c.position <= {MET_PER_DECK}
                    CROSS JOIN LATERAL (SELECT 1 + random() * 60 AS stab) s"""
            )
            c.execute(
                f"""INSERT INTO drills_reviewlog (person_id, card_id, deck_id, rating, reviewed_at, duration_ms, state,
                       elapsed_days, before, source)
                    SELECT s.person_id, s.card_id, s.deck_id, 3, s.last_review - g * s.stability * interval '1 day',
                           8000, 2, s.stability, '{{}}', 'bedside'
                    FROM drills_cardstate s CROSS JOIN generate_series(0, {LOGS_PER_STATE - 1}) g"""
            )
            c.execute("SET session_replication_role = DEFAULT")
    counts["load_s"] = took()
    with connection.cursor() as c:
        c.execute("ANALYZE")
        for table in ("people_person", "drills_card", "drills_cardstate", "drills_reviewlog"):
            c.execute(f"SELECT count(*) FROM {table}")
            counts[table] = c.fetchone()[0]
    return counts


def measure() -> dict:
    from django.db import connection
    from django.utils import timezone

    from bedside.drills.models import Rating
    from bedside.drills.queue import build_queue
    from bedside.drills.services import answer_record
    from bedside.people.models import Person
    from bedside.people.timezones import with_zone

    rng = random.Random(common.SEED)
    ids = list(Person.objects.values_list("pk", flat=True))
    queue_ms, answer_ms, both_ms, cpu_ms, queries = [], [], [], [], []
    for pid in rng.sample(ids, SAMPLES):
        person = with_zone(Person.objects).get(pk=pid)  # as the signed-in request loads them
        now = timezone.now()
        sent = []

        def count(execute, sql, params, many, context, sent=sent):
            sent.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            c0, t0 = time.process_time(), time.perf_counter()
            queue = build_queue(person, now=now, minutes=3)
            t1 = time.perf_counter()
            if queue.cards:
                answer_record(person=person, card=queue.cards[0], rating=Rating.GOOD, now=now)
            t2, c2 = time.perf_counter(), time.process_time()
        queue_ms.append((t1 - t0) * 1000)
        answer_ms.append((t2 - t1) * 1000)
        both_ms.append((t2 - t0) * 1000)
        cpu_ms.append((c2 - c0) * 1000)
        queries.append(len(sent))
    return {
        "next_card_and_answer_p95_ms": common.figure(common.p95(both_ms), "ms", 30),
        "next_card_and_answer_p50_ms": common.figure(common.p50(both_ms), "ms", None),
        "queue_p95_ms": common.figure(common.p95(queue_ms), "ms", None),
        "answer_p95_ms": common.figure(common.p95(answer_ms), "ms", None),
        # Load-independent: this process's own CPU (the app server's share) and round trips per answer.
        "client_cpu_p95_ms": common.figure(common.p95(cpu_ms), "ms", None),
        "queries_per_next_card_and_answer_max": common.figure(max(queries), "queries", None),
    }


def main() -> None:
    """In its own process, on its own database (the bench runner's Django points at the hospital's)."""
    import subprocess

    subprocess.run([sys.executable, __file__, "--child"], check=True)


def reusable() -> dict | None:
    """The counts of an already built database of this size, or None."""
    if not os.environ.get("BENCH_DRILLS_REUSE") or not common.database_exists():
        return None
    common.setup_django()
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT to_regclass('drills_reviewlog') IS NOT NULL")
        if not c.fetchone()[0]:
            return None
        c.execute("SELECT count(*) FROM people_person")
        if c.fetchone()[0] != LEARNERS:
            return None
        c.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'drills_reviewlog'")
        logs = c.fetchone()[0]
    if logs < LEARNERS * DECKS_EACH * MET_PER_DECK * LOGS_PER_STATE * 0.99:
        return None
    call_command("migrate", verbosity=0)
    return {"drills_reviewlog": logs, "load_s": 0.0, "reused": True}


def child() -> None:
    assert common.DATABASE == DATABASE
    counts = reusable()
    if counts is None:
        common.recreate_database()
        common.setup_django()
        counts = seed()
    print(counts)
    figures = measure()
    figures["review_logs"] = common.figure(counts["drills_reviewlog"], "rows", None, "higher")
    if not counts.get("reused"):
        figures["load_s"] = common.figure(counts["load_s"], "s", None)
    common.write_result("drills_queue", figures)


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
