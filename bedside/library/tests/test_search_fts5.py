"""SQLite's ranking (`bedside.library.fts5`): the k best by weighted bm25 exactly, without ranking
every match; words in most documents left out of the match."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bedside.library import fts5
from bedside.library.models import KIND, Resource, SearchEntry
from bedside.library.search import query_terms, search
from bedside.records.models import LearningItem

pytestmark = [
    pytest.mark.django_db(transaction=False),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 ranking is SQLite's"),
]

KINDS = ["guideline", "protocol"]
FILLER = ["ward", "shift", "note", "chart", "round", "bed", "team", "plan"]
SHARE = {  # the share of the documents holding each word
    "lactate": 0.04,
    "vasopressor": 0.07,
    "antibiotic": 0.12,
    "culture": 0.2,
    "oxygen": 0.25,
    "sepsis": 0.3,
    "fluids": 0.4,
}


@pytest.fixture
def corpus():
    """300 generated documents: filler, and the SHARE words at their shares, one to four times."""
    rng = random.Random(7)
    items = LearningItem.objects.bulk_create([LearningItem(kind=KIND, title=f"Doc {n}") for n in range(300)])
    resources = Resource.objects.bulk_create(
        [Resource(item=i, slug=f"doc-{n}", kind=KINDS[n % 2]) for n, i in enumerate(items)]
    )
    entries = []
    for resource in resources:
        words = rng.choices(FILLER, k=rng.randint(20, 120))
        words += [w for w, p in SHARE.items() if rng.random() < p for _ in range(rng.randint(1, 4))]
        rng.shuffle(words)
        title = " ".join(rng.sample(FILLER, 2) + [w for w in SHARE if w in words and rng.random() < 0.2])
        entries.append(SearchEntry(resource=resource, title=title, body=" ".join(words)))
    SearchEntry.objects.bulk_create(entries)


PROTOCOLS = (  # a filter as search() narrows (see search._sqlite)
    "AND +rowid IN (SELECT e.id FROM library_searchentry e JOIN library_resource r ON r.id = e.resource_id"
    " WHERE r.kind = %s)"
)


def ranked_both_ways(question: str, k: int, narrowed: str = "", params: list | None = None):
    """(fts5.ranked's k best, the k best of ranking every match, the SQL fts5.ranked ran)."""
    words, phrases = query_terms(question)
    params = params or []
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        ranked, match = fts5.ranked(cursor, fts5.terms(words, phrases), narrowed, params, k)
    with connection.cursor() as cursor:
        every = [(rowid, round(rank, 9)) for rowid, rank in fts5.top(cursor, match, narrowed, params, k)]
    return ranked, every, " ".join(q["sql"] for q in queries.captured_queries)


QUESTIONS = [
    "lactate sepsis",
    "vasopressor fluids sepsis",
    "lactate culture fluids",
    "sepsis culture",
    "antibiotic oxygen culture",
    "oxygen sepsis fluids antibiotic",
    "vasopressor lactate antibiotic culture oxygen",
]


def test_the_k_best_are_those_of_ranking_every_match(corpus, monkeypatch):
    """Over 300 documents the seed (the rarest words together) and its groups take a few dozen
    rows (at 50,000 it is a few thousand): the limits shrink with the corpus, so every way runs."""
    monkeypatch.setattr(fts5, "LEAD_ROWS", 30)
    monkeypatch.setattr(fts5, "SEED_ROWS", 3)
    ways = {"led by rare words": 0, "seeded by the rarest together": 0, "groups ranked after": 0}
    for question in QUESTIONS:
        for k, narrowed, params in [
            (1, "", []),
            (5, "", []),
            (10, "", []),
            (40, "", []),
            (5, PROTOCOLS, ["protocol"]),
        ]:
            ranked, every, sql = ranked_both_ways(question, k, narrowed, params)
            assert ranked == every, (question, k, narrowed)
            ways["led by rare words"] += "ω" in sql and " OR everything" in sql
            ways["seeded by the rarest together"] += '" AND "' in sql
            ways["groups ranked after"] += "+rowid IN (SELECT rowid" in sql
    assert all(ways.values()), ways


def test_the_k_best_stay_exact_at_the_limits_used_in_production(corpus):
    for question in QUESTIONS:
        for k in (1, 5, 10, 40):
            ranked, every, _ = ranked_both_ways(question, k)
            assert ranked == every, (question, k)


def test_groups_that_could_reach_the_top_are_the_smallest_whose_bounds_add_up():
    bounds = {"a": 3.0, "b": 2.0, "c": 1.5, "d": 0.5}
    assert fts5.groups_reaching(bounds, 3.4) == [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c")]
    assert fts5.groups_reaching(bounds, 2.9) == [("a",), ("b", "c")]
    assert fts5.groups_reaching(bounds, 7.1) == []
    assert fts5.groups_reaching({str(n): 1.0 for n in range(fts5.MAX_GROUP_TERMS + 1)}, 2) is None


def test_a_word_in_most_documents_does_not_widen_the_results(make_resource):
    """FTS5's bm25 scores a word in half the documents or more at ~0: it is left out of the match
    (less to scan), so the results are those the question's telling words find."""
    sedation = make_resource("Sedation holds", key_points="Hold the patient's sedation each morning.")
    for title in ("Mouth care", "Turning", "Falls"):
        make_resource(title, key_points=f"{title} for every patient.")
    results = search("patient sedation")
    assert [h.resource for h in results.hits] == [sedation.resource] and results.total == 1
    assert search("patient").total == 4  # a question of nothing but common words keeps them


def test_a_question_of_common_words_only_is_ranked_over_titles_and_tags_first(make_resource):
    """Every document scores ~0 for such a question, so those naming the words in their titles or
    tags lead, rather than whichever body repeats the word most."""
    for title in ("Mouth care", "Turning", "Falls"):
        make_resource(title, key_points="Care for every patient.", body="patient " * 40 + "handover")
    named = make_resource("Patient handover", key_points="Say what matters.", body="handover")
    assert search("patient handover", limit=1).hits[0].resource == named.resource
    assert search("patient handover").total == 4
