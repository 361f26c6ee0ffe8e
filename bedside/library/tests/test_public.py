"""The public portal: stable addresses without an account, licence, Atom feed, sitemap, caching,
and nothing internal."""

import feedparser
import pytest
from django.test import Client
from django.urls import reverse

from bedside.library.models import EntryCode
from bedside.library.services import collection_create, draft_start, draft_update
from bedside.library.tests.conftest import publish

pytestmark = pytest.mark.django_db

SECRET_AUDIENCE = "Night-shift agency nurses 7B"


@pytest.fixture
def portal(make_resource, curator, reviewer):
    from bedside.testing import factories as f

    audience = f.AudienceFactory(name=SECRET_AUDIENCE)
    v1 = make_resource("COVID-19: prone positioning", audience=audience, key_points="Prone for 16 hours.")
    internal = make_resource("Internal staffing escalation", key_points="Call the house supervisor.")
    covid = collection_create(
        actor=curator, name="COVID-19 care", public=True, licence="CC BY 4.0",
        licence_url="https://creativecommons.org/licenses/by/4.0/", attribution="Bedside Health clinicians",
        resources=[v1.resource], description="Guidance for COVID-19 care.",
    )  # fmt: skip
    collection_create(actor=curator, name="Internal only", resources=[internal.resource])
    draft = draft_start(resource=v1.resource, actor=curator)
    draft_update(version=draft, actor=curator, key_points="DRAFT SECRET POINT", change_summary="draft change")
    EntryCode.objects.create(code="abc123", resource=v1.resource, place="MICU bay 4", scans=4321)
    return {"v1": v1, "collection": covid, "internal": internal, "draft": draft}


def anonymous_pages(portal) -> list[str]:
    slug = portal["v1"].resource.slug
    return [
        reverse("public-home"),
        reverse("public-collection", args=[portal["collection"].slug]),
        reverse("public-resource", args=[slug]),
        reverse("public-feed"),
        reverse("public-sitemap"),
    ]


def test_public_pages_open_without_an_account_with_licence(portal):
    client = Client()
    for url in anonymous_pages(portal):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("public-resource", args=[portal["v1"].resource.slug])).content.decode()
    assert "Prone for 16 hours." in page and "CC BY 4.0" in page and "Bedside Health clinicians" in page


def test_no_internal_data_on_any_public_page(portal, curator):
    client = Client()
    internal_slug = portal["internal"].resource.slug
    assert client.get(reverse("public-resource", args=[internal_slug])).status_code == 404
    assert client.get(reverse("public-collection", args=["internal-only"])).status_code == 404
    for url in anonymous_pages(portal):
        body = client.get(url).content.decode()
        for secret in (SECRET_AUDIENCE, curator.email, curator.last_name, "DRAFT SECRET", "draft change",
                       "4321", "4,321", "MICU bay 4", "Internal staffing", "Next review", "abc123"):  # fmt: skip
            assert secret not in body, f"{secret!r} shows on {url}"


def test_the_atom_feed_reads_back_with_feedparser(portal, curator, reviewer):
    v2 = portal["draft"]
    draft_update(
        version=v2,
        actor=curator,
        key_points="Prone for at least 16 hours.",
        change_summary="At least 16 hours.",
    )
    publish(v2, curator=curator, reviewer=reviewer)
    feed = feedparser.parse(Client().get(reverse("public-feed")).content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Bedside care library: updates"
    titles = [e.title for e in feed.entries]
    assert titles == ["COVID-19: prone positioning (v2)", "COVID-19: prone positioning (v1)"]
    assert "At least 16 hours." in feed.entries[0].summary
    assert feed.entries[0].link.endswith(reverse("public-resource", args=[portal["v1"].resource.slug]))


def test_sitemap_lists_public_addresses_only(portal):
    body = Client().get(reverse("public-sitemap")).content.decode()
    assert reverse("public-resource", args=[portal["v1"].resource.slug]) in body
    assert portal["internal"].resource.slug not in body


def test_public_pages_are_cacheable_with_validators_and_304(portal, curator, reviewer):
    client = Client()
    url = reverse("public-resource", args=[portal["v1"].resource.slug])
    first = client.get(url)
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    assert "no-store" not in first["Cache-Control"]
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    v2 = portal["draft"]
    draft_update(version=v2, actor=curator, change_summary="Longer.")
    publish(v2, curator=curator, reviewer=reviewer)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_signed_in_pages_stay_no_store(portal, client, make_person):
    client.force_login(make_person())
    response = client.get(reverse("public-resource", args=[portal["v1"].resource.slug]))
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    library = client.get(reverse("library-resource", args=[portal["v1"].resource.slug]))
    assert "no-store" in library["Cache-Control"]


def test_an_outside_clinician_joins_reads_public_guidance_and_acknowledges(portal, client, curator):
    from bedside.people.models import Person
    from bedside.records.models import Record

    bad = client.post(
        reverse("public-join"), {"first_name": "Ana", "last_name": "Silva", "email": "x", "password": "short"}
    )
    assert (
        "There is a problem" in bad.content.decode() and not Person.objects.filter(first_name="Ana").exists()
    )
    response = client.post(reverse("public-join"), {
        "first_name": "Ana", "last_name": "Silva", "email": "ana.silva@other-hospital.example",
        "organisation": "Other Hospital", "password": "a long enough passphrase 42",
    })  # fmt: skip
    assert response.status_code == 302
    learner = Person.objects.get(email="ana.silva@other-hospital.example")
    assert not learner.jobs.exists()
    open_url = reverse("library-resource", args=[portal["v1"].resource.slug])
    collection_create(actor=curator, name="ICU night escalations", resources=[portal["v1"].resource])
    guidance = client.get(open_url)
    assert guidance.status_code == 200 and "COVID-19 care" in guidance.content.decode()
    # The guidance is also in an internal collection: neither its name nor a dead link to it shows.
    assert "ICU night escalations" not in guidance.content.decode()
    assert client.get(reverse("library-resource", args=[portal["internal"].resource.slug])).status_code == 404
    page = client.get(reverse("library")).content.decode()
    assert "Internal only" not in page and "Internal staffing" not in page
    client.post(open_url)
    assert Record.objects.get(person=learner).version_id == portal["v1"].item_version_id
    assert "COVID-19: prone positioning" in client.get(reverse("my-transcript")).content.decode()


def _varies_on_cookie(response) -> bool:
    return "cookie" in response.get("Vary", "").lower()


def test_anonymous_public_pages_do_not_vary_on_the_cookie_so_shared_caches_keep_one_copy(portal, client,
                                                                                         make_person):  # fmt: skip
    for url in anonymous_pages(portal):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert not _varies_on_cookie(response), url
        assert "public" in response["Cache-Control"] and "sessionid" not in response.cookies
    # A page that looks at the person still varies on the cookie: the library's own pages answer a
    # cookieless reader with the sign-in page and a signed-in one with the library.
    assert _varies_on_cookie(Client().get(reverse("library")))
    # A signed-in reader of a public page reads the session (idle sign-out) and gets no-store.
    client.force_login(make_person())
    signed_in = client.get(reverse("public-resource", args=[portal["v1"].resource.slug]))
    assert "no-store" in signed_in["Cache-Control"] and _varies_on_cookie(signed_in)


def test_rendered_public_pages_are_kept_in_the_cache_until_a_publish_or_retire(portal, curator, reviewer):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bedside.library.services import resource_retire

    cache.clear()
    url = reverse("public-resource", args=[portal["v1"].resource.slug])

    def queries_for_get():
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(url)
        return response, len(queries)

    first, rendering = queries_for_get()
    second, kept = queries_for_get()
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert kept < rendering  # the validators' queries only: the page came from the cache
    v2 = portal["draft"]
    draft_update(version=v2, actor=curator, change_summary="Longer.", key_points="Prone for 18 hours.")
    publish(v2, curator=curator, reviewer=reviewer)
    republished, n = queries_for_get()
    assert n == rendering and b"Prone for 18 hours." in republished.content
    assert republished["ETag"] != first["ETag"]
    resource_retire(resource=v2.resource, actor=curator)
    assert Client().get(url).status_code == 404
    home = Client().get(reverse("public-home"))
    assert home.status_code == 200 and b"COVID-19 care" in home.content


def test_an_invalidation_drops_what_the_etag_cannot_see(portal):
    from django.core.cache import cache

    from bedside.library import public_cache

    cache.clear()
    url = reverse("public-resource", args=[portal["v1"].resource.slug])
    Client().get(url)
    item = portal["v1"].resource.item
    item.title = "COVID-19: prone positioning (renamed)"
    item.save(update_fields=["title"])
    assert b"(renamed)" not in Client().get(url).content  # same ETag: served from the cache
    public_cache.invalidate()
    assert b"(renamed)" in Client().get(url).content
