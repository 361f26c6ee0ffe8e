"""Library search quality: 200 questions a nurse or doctor would type, each with the demo library's
resource that answers it (bench/data/library_questions.tsv), ranked by Bedside's search and by a
plain FTS5 `bm25` over the same documents (title, key points and body in one column, the default
tokenizer, the question's words OR'ed). Recall at 5 and mean reciprocal rank (of the top 10).
Bedside's ranking must beat the baseline. SQLite (fresh temporary file) and PostgreSQL
(`bedside_bench_quality`), each in its own process.

    .venv/bin/python bench/library_quality.py
"""

from __future__ import annotations

import csv
import json
import random
import re
import sqlite3
import sys

import common

QUESTIONS = common.ROOT / "bench" / "data" / "library_questions.tsv"
PG_DATABASE = "bedside_bench_quality"
WORD = re.compile(r"[a-z0-9]+")


def _pairs() -> list[tuple[str, str]]:
    with QUESTIONS.open(newline="") as f:
        return [(row["question"], row["answer"]) for row in csv.DictReader(f, delimiter="\t")]


def _scores(ranked: list[list[str]], answers: list[str]) -> tuple[float, float]:
    recall = sum(1 for titles, a in zip(ranked, answers, strict=True) if a in titles[:5]) / len(answers)
    mrr = sum(
        1 / (titles.index(a) + 1) if a in titles else 0 for titles, a in zip(ranked, answers, strict=True)
    )
    return recall, mrr / len(answers)


def measure(vendor: str) -> dict:
    common.setup_child()
    from django.utils import timezone

    from bedside.demo import library_content as content
    from bedside.demo.library import bulk_resources, content_rows
    from bedside.library.models import Synonym
    from bedside.library.search import search
    from bedside.people.models import Person

    now = timezone.now()
    curator = Person.objects.create(email="librarian@bench.test", first_name="Bench", last_name="Librarian")
    rows = content_rows(nurses=None, clinical=None, covid_latest=True)
    bulk_resources(rows, now=now, today=now.date(), rng=random.Random(1), curator=curator)
    Synonym.objects.bulk_create([Synonym(term=t, means=m) for t, m in content.SYNONYMS])
    pairs = _pairs()
    titles = {row[1] for row in rows}
    missing = sorted({a for _, a in pairs} - titles)
    assert not missing, f"answers not in the demo library: {missing}"
    answers = [a for _, a in pairs]
    bedside = [[h.resource.item.title for h in search(q, limit=10).hits] for q, _ in pairs]
    recall, mrr = _scores(bedside, answers)
    figures = {
        f"{vendor}_bedside_recall_at_5": common.figure(recall, "share", None, better="higher"),
        f"{vendor}_bedside_mrr": common.figure(mrr, "score", None, better="higher"),
    }
    if vendor == "sqlite":
        base = sqlite3.connect(":memory:")
        base.execute("CREATE VIRTUAL TABLE docs USING fts5(title UNINDEXED, doc)")
        base.executemany(
            "INSERT INTO docs(title, doc) VALUES (?, ?)", [(r[1], f"{r[1]}\n{r[3]}\n{r[4]}") for r in rows]
        )
        ranked = []
        for q, _ in pairs:
            match = " OR ".join(f'"{w}"' for w in WORD.findall(q.lower()))
            found = base.execute(
                "SELECT title FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10", [match]
            )
            ranked.append([t for (t,) in found])
        recall_b, mrr_b = _scores(ranked, answers)
        figures["baseline_plain_bm25_recall_at_5"] = common.figure(recall_b, "share", None, better="higher")
        figures["baseline_plain_bm25_mrr"] = common.figure(mrr_b, "score", None, better="higher")
        misses = [q for (q, a), t in zip(pairs, bedside, strict=True) if a not in t[:5]]
        figures["sqlite_bedside_misses_at_5"] = common.figure(len(misses), "questions", None)
        print("misses:", misses, file=sys.stderr)
    return figures


def main(vendors: list[str] | None = None) -> dict:
    return common.on_each_database(
        "library_quality",
        __file__,
        PG_DATABASE,
        vendors,
        {"questions": common.figure(len(_pairs()), "pairs", 200, better="higher")},
        echo_stderr=True,
        load=False,
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure(sys.argv[2])))
    else:
        main(sys.argv[1:] or None)
