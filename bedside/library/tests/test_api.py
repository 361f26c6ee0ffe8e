"""The library API: the pages' scopes, search, versions, and acknowledgment of the current version."""

import pytest

from bedside.library.services import collection_create, draft_start, draft_update
from bedside.library.tests.conftest import publish
from bedside.records.models import Record
from bedside.testing.api import api_url, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(make_resource, curator):
    open_ = make_resource("Basic life support for adults", key_points="Push hard and fast.", kind="protocol")
    internal = make_resource("Internal escalation", key_points="Call the supervisor.")
    collection_create(actor=curator, name="Open guidance", public=True, licence="CC BY 4.0",
                      attribution="Bedside", resources=[open_.resource])  # fmt: skip
    return {"open": open_, "internal": internal}


def test_staff_list_every_resource_an_external_learner_only_public_ones(client, shelf, make_person):
    staff = client.get(api_url("library-resources-list"), headers=bearer(make_person())).json()
    assert {r["title"] for r in staff["items"]} == {"Basic life support for adults", "Internal escalation"}
    outsider = bearer(make_person(role=None))
    public = client.get(api_url("library-resources-list"), headers=outsider).json()
    assert [r["title"] for r in public["items"]] == ["Basic life support for adults"]
    slug = shelf["internal"].resource.slug
    assert client.get(api_url("library-resources-detail", slug=slug), headers=outsider).status_code == 404
    assert (
        client.get(
            api_url("library-resources-list"), {"kind": "protocol"}, headers=bearer(make_person())
        ).json()["count"]
        == 1
    )


def test_detail_versions_and_collections(client, shelf, make_person, curator, reviewer):
    v1 = shelf["open"]
    v2 = draft_start(resource=v1.resource, actor=curator)
    draft_update(
        version=v2, actor=curator, change_summary="Rate 100 to 120.", body="<script>x</script> **Now**"
    )
    publish(v2, curator=curator, reviewer=reviewer)
    headers = bearer(make_person())
    detail = client.get(api_url("library-resources-detail", slug=v1.resource.slug), headers=headers).json()
    assert detail["current"]["label"] == "v2" and "<strong>Now</strong>" in detail["body_html"]
    assert "<script>" not in detail["body_html"] and detail["collections"] == ["open-guidance"]
    versions = client.get(api_url("library-versions-list", slug=v1.resource.slug), headers=headers).json()
    assert [v["label"] for v in versions] == ["v2", "v1"] and versions[0][
        "change_summary"
    ] == "Rate 100 to 120."
    collections = client.get(api_url("library-collections-list"), headers=headers).json()
    assert collections[0]["resources"] == [v1.resource.slug] and collections[0]["licence"] == "CC BY 4.0"


def test_search_answers_as_the_page_does(client, shelf, make_person):
    found = client.get(
        api_url("library-search-api"), {"q": "how hard to push"}, headers=bearer(make_person())
    ).json()
    assert found["hits"][0]["resource"]["title"] == "Basic life support for adults"
    assert "<mark>" in found["hits"][0]["snippet_html"]
    assert (
        client.get(api_url("library-search-api"), {"q": ""}, headers=bearer(make_person())).json()["total"]
        == 0
    )
    bad = client.get(
        api_url("library-search-api"), {"q": "x", "collection": "nope"}, headers=bearer(make_person())
    )
    assert bad.status_code == 422 and "no collection 'nope'" in bad.content.decode()


def test_acknowledge_through_the_api_names_the_version(client, shelf, make_person):
    nurse = make_person()
    url = api_url("library-acknowledge", slug=shelf["open"].resource.slug)
    first = client.post(url, headers=bearer(nurse))
    assert first.status_code == 200 and first.json()["version"] == "1"
    assert client.post(url, headers=bearer(nurse)).json()["id"] == first.json()["id"]
    assert Record.objects.filter(person=nurse).count() == 1


def test_search_filters_by_audience_and_status_with_readable_refusals(client, make_resource, make_person,
                                                                      icu_audience, curator):  # fmt: skip
    icu, audience = icu_audience
    make_resource("Sedation holds in the ICU", key_points="Hold sedation each morning.", audience=audience)
    make_resource("Sedation on the ward", key_points="Sedation is rare on the ward.")
    nurse = bearer(make_person(unit=icu))
    url = api_url("library-search-api")
    mine = client.get(url, {"q": "sedation", "audience": "me"}, headers=nurse).json()
    assert [h["resource"]["title"] for h in mine["hits"]] == ["Sedation holds in the ICU"]
    by_id = client.get(url, {"q": "sedation", "audience": audience.pk}, headers=nurse).json()
    assert by_id["total"] == 1
    unknown = client.get(url, {"q": "sedation", "audience": 999999}, headers=nurse)
    assert unknown.status_code == 422 and "no audience 999999" in unknown.text
    assert client.get(url, {"q": "sedation", "audience": "everyone"}, headers=nurse).status_code == 422
    retired = client.get(url, {"q": "sedation", "status": "retired"}, headers=nurse)
    assert retired.status_code == 422 and "curators" in retired.text
    assert (
        client.get(url, {"q": "sedation", "status": "retired"}, headers=bearer(curator)).json()["total"] == 0
    )
    outsider = client.get(
        url, {"q": "sedation", "audience": audience.pk}, headers=bearer(make_person(role=None))
    )
    assert outsider.status_code == 422
