"""Library search speed over 50,000 generated 600-word resources, on SQLite and PostgreSQL, beside the
raw queries of each database measured in the same run.

Bedside: `bedside.library.search.search(question, limit=10)`, the function the pages and API call
(question folding, stop words, synonyms, filters, ranking, snippets, loading the resources).
Raw baselines: PostgreSQL `ts_rank` + `ts_headline` over the full body, and `ts_rank` alone, on the
same stored tsvector and GIN index; SQLite FTS5 `bm25` + `snippet` over the same rows. Targets:
p95 under 50 ms on PostgreSQL and 25 ms on SQLite. Each database is fresh (a temporary SQLite file;
`bedside_bench_search` on BENCH_PG_URL) and measured in its own process.

    .venv/bin/python bench/library_search.py            # both databases
    .venv/bin/python bench/library_search.py sqlite     # one of them
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

import common

DOCUMENTS = int(os.environ.get("BENCH_LIBRARY_DOCS", "50000"))
WORDS_PER_DOC = 600
QUESTIONS = 200
PG_DATABASE = "bedside_bench_search"
TARGETS = {"sqlite": 25, "postgresql": 50}
BATCH = 2000


def _vocabulary(rng: random.Random) -> list[str]:
    """Clinical words from the demo library, padded with made-up terms to a realistic vocabulary."""
    sys.path.insert(0, str(common.ROOT))
    from bedside.demo import library_content as content

    text = " ".join(
        [" ".join((title, points, more)) for _, title, _, points, more in content.GENERAL]
        + [" ".join((name, tag, points)) for name, tag, points in content.DEVICES]
        + [points for *_, versions in content.COVID_VERSIONED for points, _ in versions]
    ).lower()
    words = sorted({w.strip(".,:;()'") for w in text.split() if w.strip(".,:;()'").isalpha() and len(w) > 2})
    syllables = ["ka", "lo", "mi", "ne", "ra", "tu", "vo", "xe", "si", "pa", "de", "gro", "ble", "tri"]
    while len(words) < 8000:
        words.append("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return words


def _documents(rng: random.Random, words: list[str]):
    """Zipf-like word choice: a few words are everywhere, most are rare, as in real guidance."""
    weights = [1 / (rank + 1) for rank in range(len(words))]
    for n in range(DOCUMENTS):
        body = rng.choices(words, weights=weights, k=WORDS_PER_DOC)
        title = " ".join(rng.choices(words, weights=weights, k=6)).capitalize()
        points = "\n".join(" ".join(rng.choices(words, weights=weights, k=10)) for _ in range(4))
        tags = " ".join(rng.sample(words[:400], 3))
        yield n, title, points, " ".join(body), tags


def _questions(rng: random.Random, words: list[str]) -> list[str]:
    starts = ["how do I", "what is the", "when should I", "how to", "what dose of", ""]
    return [
        f"{rng.choice(starts)} {' '.join(rng.sample(words[20:3000], rng.randint(2, 4)))}".strip()
        for _ in range(QUESTIONS)
    ]


def measure(vendor: str) -> dict:
    common.setup_child()
    from django.db import connection, transaction

    from bedside.library.models import KIND, Resource, SearchEntry
    from bedside.library.search import START, STOP, query_terms, search
    from bedside.records.models import LearningItem

    rng = random.Random(1)
    words = _vocabulary(rng)
    docs = list(_documents(rng, words))
    with transaction.atomic():
        items = LearningItem.objects.bulk_create(
            [LearningItem(kind=KIND, title=d[1][:300]) for d in docs], batch_size=BATCH
        )
        resources = Resource.objects.bulk_create(
            [Resource(item=i, slug=f"r{d[0]}", kind="guideline") for i, d in zip(items, docs, strict=True)],
            batch_size=BATCH,
        )
    started = time.perf_counter()
    with transaction.atomic():
        SearchEntry.objects.bulk_create(
            [
                SearchEntry(resource=r, title=d[1], key_points=d[2], body=d[3], tags=d[4])
                for r, d in zip(resources, docs, strict=True)
            ],
            batch_size=BATCH,
        )
    build = time.perf_counter() - started
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE library_searchentry")
    questions = _questions(rng, words)

    def raw_pg(question: str, headline: bool) -> None:
        terms, phrases = query_terms(question)
        tsquery = " | ".join(terms)
        sql = (
            "SELECT id, ts_rank(document, q) AS rank"
            + (", ts_headline('english', body, q)" if headline else "")
            + " FROM library_searchentry, to_tsquery('english', %s) q WHERE document @@ q ORDER BY rank DESC LIMIT 10"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [tsquery])
            cursor.fetchall()

    def raw_sqlite(question: str) -> None:
        terms, _ = query_terms(question)
        match = " OR ".join(f'"{t}"' for t in terms)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, bm25(library_search_fts), snippet(library_search_fts, 2, ?, ?, '…', 14) "
                "FROM library_search_fts WHERE library_search_fts MATCH ? ORDER BY bm25(library_search_fts) LIMIT 10",
                [START, STOP, match],
            )
            cursor.fetchall()

    def timings(fn) -> list[float]:
        for q in questions[:10]:
            fn(q)  # warm the caches, as a running server would be
        return [common.timed(lambda q=q: fn(q)) for q in questions]

    bedside = timings(lambda q: search(q, limit=10))
    hits = sum(1 for q in questions if search(q, limit=10).hits)
    figures = {
        f"{vendor}_index_build_s": common.figure(build, "s", None),
        f"{vendor}_bedside_search_p50_ms": common.figure(common.p50(bedside), "ms", None),
        f"{vendor}_bedside_search_p95_ms": common.figure(common.p95(bedside), "ms", TARGETS[vendor]),
        f"{vendor}_questions_with_results": common.figure(hits, "of 200", None, better="higher"),
    }
    if vendor == "postgresql":
        full = timings(lambda q: raw_pg(q, True))
        rank = timings(lambda q: raw_pg(q, False))
        figures["postgresql_raw_ts_rank_ts_headline_p95_ms"] = common.figure(common.p95(full), "ms", None)
        figures["postgresql_raw_ts_rank_only_p95_ms"] = common.figure(common.p95(rank), "ms", None)
    else:
        raw = timings(raw_sqlite)
        figures["sqlite_raw_bm25_snippet_p95_ms"] = common.figure(common.p95(raw), "ms", None)
    return figures


def main(vendors: list[str] | None = None) -> dict:
    return common.on_each_database("library_search", __file__, PG_DATABASE, vendors)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure(sys.argv[2])))
    else:
        main(sys.argv[1:] or None)
