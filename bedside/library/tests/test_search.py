"""One search function on both databases: stemming, accents, stop words, synonyms, filters, snippets."""

import pytest

from bedside.library.models import Synonym
from bedside.library.search import search
from bedside.library.services import collection_create, resource_retire

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def library(make_resource):
    prone = make_resource(
        "Prone positioning of a ventilated patient",
        key_points="Five people turn the patient.\nCheck the endotracheal tube before and after the turn.",
        body="Proning improves oxygenation in ARDS.",
        tags=("icu", "ventilation"),
    )
    bls = make_resource(
        "Basic life support for adults",
        key_points="Push hard and fast: 100 to 120 compressions a minute.",
        body="Call for help, start compressions, use the defibrillator.",
        tags=("resuscitation",),
        kind="protocol",
    )
    crrt = make_resource(
        "Continuous renal replacement therapy: starting a circuit",
        key_points="Prime the circuit with saline.\nCheck the anticoagulation order.",
        body="Citrate anticoagulation needs calcium monitoring. Protéine C is not relevant.",
        tags=("renal",),
    )
    Synonym.objects.create(term="proning", means="prone positioning")
    Synonym.objects.create(term="BLS", means="basic life support")
    Synonym.objects.create(term="CRRT", means="continuous renal replacement therapy")
    return {"prone": prone.resource, "bls": bls.resource, "crrt": crrt.resource}


def first(text, **kwargs):
    hits = search(text, **kwargs).hits
    return hits[0].resource if hits else None


def test_a_question_finds_the_resource_that_answers_it(library):
    assert first("how do I prone a ventilated patient") == library["prone"]
    assert first("how many compressions per minute") == library["bls"]


def test_synonyms_work_both_ways(library):
    assert first("BLS") == library["bls"]
    assert first("crrt circuit") == library["crrt"]
    assert first("proning") == library["prone"]


def test_stemming_and_accents(library):
    assert first("turning") == library["prone"]  # turn / turning
    assert first("proteine") == library["crrt"]  # the body says Protéine
    assert first("protéine") == library["crrt"]


def test_only_stop_words_finds_nothing(library):
    assert search("how do I").hits == []
    assert search("").total == 0


def test_snippets_are_highlighted_and_escaped(library, make_resource):
    make_resource("Tricky <b>title</b>", key_points="Use <script>alert(1)</script> oxygen carefully.")
    hit = search("oxygen").hits[0]
    assert "<mark>" in hit.snippet.lower() and "<script>" not in hit.snippet


def test_filters_by_kind_and_collection(library, curator):
    assert [h.resource for h in search("compressions", kind="how_to").hits] == []
    covid = collection_create(actor=curator, name="ICU basics", resources=[library["prone"]])
    assert {h.resource for h in search("check", collection=covid).hits} == {library["prone"]}


def test_retired_resources_leave_the_index(library, curator):
    resource_retire(resource=library["bls"], actor=curator)
    assert first("compressions") is None
    assert first("basic", status="retired") == library["bls"]


def test_public_only_finds_resources_of_public_collections(library, curator):
    collection_create(actor=curator, name="Open", public=True, licence="CC BY 4.0", attribution="Bedside",
                      resources=[library["bls"]])  # fmt: skip
    assert {h.resource for h in search("check compressions", public_only=True).hits} == {library["bls"]}


def test_search_works_with_query_logging_on(library, settings):
    """DEBUG logs each query with its parameters: the raw SQL must use the driver's placeholders."""
    settings.DEBUG = True
    assert first("proning") == library["prone"]


def test_filters_by_audience_none_meaning_any_and_empty_meaning_none(make_resource, icu_audience):
    _, icu = icu_audience
    for_icu = make_resource(
        "Sedation holds in the ICU", key_points="Hold sedation each morning.", audience=icu
    )
    make_resource("Sedation on the ward", key_points="Sedation is rare on the ward.")
    assert {h.resource for h in search("sedation", audiences=[icu.pk]).hits} == {for_icu.resource}
    assert search("sedation", audiences=None).total == 2
    assert search("sedation", audiences=[]).total == 0


def test_status_review_due_and_retired(make_resource, curator):
    import datetime as dt

    fresh = make_resource("Oxygen therapy", key_points="Titrate oxygen to 92 to 96 percent.")
    stale = make_resource("Oxygen cylinders", key_points="Check the oxygen cylinder is full.")
    later = stale.next_review_on + dt.timedelta(days=1)
    assert {h.resource for h in search("oxygen", status="review_due", today=later).hits} == {
        fresh.resource,
        stale.resource,
    }  # both were published today with a review a year on
    assert search("oxygen", status="review_due", today=stale.effective_on).total == 0
    resource_retire(resource=stale.resource, actor=curator)
    assert {h.resource for h in search("oxygen", status="retired").hits} == {stale.resource}
    assert {h.resource for h in search("oxygen").hits} == {fresh.resource}


def test_a_word_in_most_documents_does_not_widen_the_results_on_sqlite(make_resource):
    """FTS5's bm25 scores a word in half the documents or more at ~0: SQLite leaves it out of the match
    (less to scan), so the results are those the question's telling words find, ranked as before."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 scan is SQLite's")
    sedation = make_resource("Sedation holds", key_points="Hold the patient's sedation each morning.")
    for title in ("Mouth care", "Turning", "Falls"):
        make_resource(title, key_points=f"{title} for every patient.")
    results = search("patient sedation")
    assert [h.resource for h in results.hits] == [sedation.resource] and results.total == 1
    assert search("patient").total == 4  # a question of nothing but common words keeps them


def test_rarer_words_lead_the_ranking_and_the_top_stays_exact_on_sqlite():
    """Common words (in 10-50% of the documents) score without matching when rarer words lead: the
    k best are those of ranking every match, whether the bound proves them or the full search runs."""
    import random

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bedside.library import search as engine
    from bedside.library.models import KIND, Resource, SearchEntry
    from bedside.records.models import LearningItem

    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 ranking is SQLite's")
    rng = random.Random(7)
    filler = ["ward", "shift", "note", "chart", "round", "bed", "team", "plan"]
    share = {"lactate": 0.04, "vasopressor": 0.07, "sepsis": 0.3, "fluids": 0.4, "culture": 0.2}
    items = LearningItem.objects.bulk_create([LearningItem(kind=KIND, title=f"Doc {n}") for n in range(200)])
    resources = Resource.objects.bulk_create(
        [Resource(item=i, slug=f"doc-{n}", kind="guideline") for n, i in enumerate(items)]
    )
    entries = []
    for resource in resources:
        words = rng.choices(filler, k=rng.randint(20, 120))
        words += [w for w, p in share.items() if rng.random() < p for _ in range(rng.randint(1, 4))]
        rng.shuffle(words)
        title = " ".join(rng.sample(filler, 2) + [w for w in share if w in words and rng.random() < 0.2])
        entries.append(SearchEntry(resource=resource, title=title, body=" ".join(words)))
    SearchEntry.objects.bulk_create(entries)

    led_runs = 0
    for question in [
        "lactate sepsis",
        "vasopressor fluids sepsis",
        "lactate culture fluids",
        "sepsis culture",
    ]:
        words, _ = engine.query_terms(question)
        for k in (1, 5, 10, 40):
            with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
                ranked, match = engine._ranked(cursor, words, [], "", [], k)
                full = engine._top(cursor, match, "", [], k)  # every match ranked
            assert match == engine._fts5_match(words, []) and ranked == full, (question, k)
            led_runs += any("ω" in q["sql"] for q in queries.captured_queries)
    assert led_runs >= 8  # the questions with a rare word went the led way
