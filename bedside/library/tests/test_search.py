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
