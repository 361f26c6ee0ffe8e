"""The library's pages: reading (key points first), what changed, search, curating, reviewing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bedside.library.models import Resource, ResourceVersion, Review, VersionStatus
from bedside.library.services import collection_create, draft_start, draft_update
from bedside.library.tests.conftest import publish
from bedside.library.tests.test_rendering import Elements
from bedside.records.models import Record

pytestmark = pytest.mark.django_db


def test_resource_page_shows_key_points_first_and_records_an_acknowledgment(
    client, make_resource, make_person, icu_audience
):
    icu, audience = icu_audience
    nurse = make_person(unit=icu)
    v1 = make_resource(
        audience=audience, requires_acknowledgment=True, body="## Steps\n\n<script>alert(1)</script>"
    )
    client.force_login(nurse)
    url = reverse("library-resource", args=[v1.resource.slug])
    page = client.get(url).content.decode()
    assert page.index("Key points") < page.index("Full text")
    assert "<script>alert" not in page and "Acknowledge by" in page
    response = client.post(url)
    assert response.status_code == 302
    record = Record.objects.get(person=nurse)
    assert record.version_id == v1.item_version_id
    page = client.get(url).content.decode()
    assert "You acknowledged v1" in page


def test_what_changed_marks_additions_and_removals(client, make_resource, make_person, curator, reviewer):
    v1 = make_resource(
        key_points="Prone for 12 hours.\nFive people turn.",
        body="## Before the turn\n\n- Pre-oxygenate.\n\nProne for 12 to 16 hours a day.",
    )
    v2 = draft_start(resource=v1.resource, actor=curator)
    draft_update(
        version=v2,
        actor=curator,
        key_points="Prone for 16 hours.\nFive people turn.",
        body="## Before the turn\n\n- Pre-oxygenate.\n- Secure lines.\n\nProne for at least 16 hours a day.",
        change_summary="Longer.",
    )
    publish(v2, curator=curator, reviewer=reviewer)
    client.force_login(make_person())
    page = client.get(reverse("library-changes", args=[v1.resource.slug])).content.decode()
    assert (
        '<li class="diff-removed"><span class="diff-sign">Removed</span> <del>Prone for 12 hours.</del>'
        in page
    )
    assert (
        '<li class="diff-added"><span class="diff-sign">Added</span> <ins>Prone for 16 hours.</ins>' in page
    )
    # The full text as the page reads it: no Markdown punctuation, the changed words marked.
    full_text = page[page.index("<h2>Full text</h2>") :]
    assert "##" not in full_text and "- Secure" not in full_text
    assert '<h3 class="diff-heading">Before the turn</h3>' in full_text
    assert '<span class="diff-sign">Added</span> <ins>Secure lines.</ins>' in full_text
    assert "Prone for <del>" in full_text and ">12 to<" in full_text and ">at least<" in full_text
    assert "Key points: 1 point added, 1 removed. Full text: 1 part changed, 1 added." in page
    resource_page = client.get(reverse("library-resource", args=[v1.resource.slug])).content.decode()
    assert "What changed in v2" in resource_page and "Longer." in resource_page


def test_what_changed_keeps_a_script_in_either_version_inert(
    client, make_resource, make_person, curator, reviewer
):
    payload = '<script>alert(1)</script> <img src=x onerror="alert(1)"> [x](javascript:alert(1))'
    v1 = make_resource(body=f"## Steps\n\nTurn {payload} slowly.\n\n{payload}")
    v2 = draft_start(resource=v1.resource, actor=curator)
    draft_update(
        version=v2,
        actor=curator,
        body=f"## Steps\n\nTurn {payload} now.\n\n- {payload}",
        change_summary="Turn now.",
    )
    publish(v2, curator=curator, reviewer=reviewer)
    client.force_login(make_person())
    page = client.get(reverse("library-changes", args=[v1.resource.slug])).content.decode()
    full_text = page[page.index("<h2>Full text</h2>") : page.index("</main>")]
    found = Elements()
    found.feed(full_text)
    assert "script" not in found.tags and "img" not in found.tags
    assert not [k for k, _ in found.attrs if k.startswith("on") or k == "style"]
    assert not [v for k, v in found.attrs if k in ("href", "src") and v.startswith("javascript")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in full_text  # shown as the text it is
    assert "<del>" in full_text and "<ins>" in full_text


def test_search_page_highlights_and_filters(client, make_resource, make_person):
    make_resource("Prone positioning", key_points="Turn the patient with five people.")
    client.force_login(make_person())
    page = client.get(reverse("library-search"), {"q": "turning patients"}).content.decode()
    assert "Prone positioning" in page and "<mark>" in page
    page = client.get(reverse("library-search"), {"q": "turning", "kind": "video"}).content.decode()
    assert "Nothing matches" in page
    # A collection that no slug could name is ignored, as an unknown one (a NUL was a 500 on PostgreSQL).
    page = client.get(reverse("library-search"), {"q": "turning patients", "collection": "covid\x00"})
    assert page.status_code == 200 and "Prone positioning" in page.content.decode()


def test_external_learner_reads_only_public_collections(client, make_resource, make_person, curator):
    public = make_resource("Open guidance")
    internal = make_resource("Internal guidance")
    collection_create(actor=curator, name="COVID-19 care", public=True, licence="CC BY 4.0",
                      attribution="Bedside Health", resources=[public.resource])  # fmt: skip
    outsider = make_person(role=None)
    client.force_login(outsider)
    assert client.get(reverse("library-resource", args=[public.resource.slug])).status_code == 200
    assert client.get(reverse("library-resource", args=[internal.resource.slug])).status_code == 404
    page = client.get(reverse("library-search"), {"q": "guidance"}).content.decode()
    assert "Open guidance" in page and "Internal guidance" not in page


def test_a_curator_writes_sends_for_review_and_publishes_through_the_pages(client, curator, reviewer):
    client.force_login(curator)
    today = timezone.localdate()
    response = client.post(reverse("library-resource-new"), {
        "title": "Ventilator V60: changing the filter", "kind": "how_to", "minutes": 2,
        "key_points": "Wear gloves.\nClamp first.", "body": "Steps.", "change_summary": "First version.",
        "effective_on": today, "next_review_on": today + dt.timedelta(days=365), "acknowledge_within_days": 14,
    })  # fmt: skip
    version = ResourceVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("library-draft", args=[version.pk])
    draft_url = reverse("library-draft", args=[version.pk])
    bad = client.post(draft_url, {"action": "submit"})
    assert "Choose at least one reviewer" in bad.content.decode()
    client.post(draft_url, {"action": "submit", "reviewers": [reviewer.pk]})
    review = Review.objects.get()
    client.force_login(reviewer)
    review_url = reverse("library-review", args=[review.pk])
    page = client.post(review_url, {"decision": "changes", "comment": ""}).content.decode()
    assert "Say what needs to change" in page
    client.post(review_url, {"decision": "approve"})
    client.force_login(curator)
    response = client.post(draft_url, {"action": "publish"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED


def test_a_nurse_cannot_curate(client, make_person, make_resource):
    v1 = make_resource()
    client.force_login(make_person())
    assert client.get(reverse("library-curate")).status_code == 403
    assert client.get(reverse("library-resource-manage", args=[v1.resource.slug])).status_code == 403


def test_overdue_page_counts_per_owner(client, curator, make_resource):
    v = make_resource("Old guidance")
    today = timezone.localdate()
    ResourceVersion.objects.filter(pk=v.pk).update(
        effective_on=today - dt.timedelta(days=500), next_review_on=today - dt.timedelta(days=10)
    )
    client.force_login(curator)
    page = client.get(reverse("library-overdue")).content.decode()
    assert "Old guidance" in page and "Lena Curie" in page


def test_a_qr_scan_is_counted_and_opens_the_key_points(client, make_resource, curator, make_person):
    v = make_resource()
    client.force_login(curator)
    client.post(reverse("library-resource-manage", args=[v.resource.slug]), {"place": "MICU bay 4"})
    code = Resource.objects.get().codes.get()
    client.force_login(make_person())
    response = client.get(reverse("library-code", args=[code.code]))
    assert response["Location"] == reverse("library-resource", args=[v.resource.slug])
    code.refresh_from_db()
    assert code.scans == 1


def test_library_home_lists_without_a_query_per_row(
    client, make_resource, make_person, django_assert_max_num_queries
):
    for n in range(6):
        make_resource(f"Resource {n}")
    client.force_login(make_person())
    with django_assert_max_num_queries(25):
        assert client.get(reverse("library")).status_code == 200


def test_search_page_filters_by_what_concerns_me_and_by_status(client, make_resource, make_person, icu_audience,
                                                               curator):  # fmt: skip
    icu, audience = icu_audience
    make_resource("Sedation holds in the ICU", key_points="Hold sedation each morning.", audience=audience)
    make_resource("Sedation on the ward", key_points="Sedation is rare on the ward.")
    icu_nurse = make_person(unit=icu)
    client.force_login(icu_nurse)
    page = client.get(reverse("library-search"), {"q": "sedation", "audience": "me"}).content.decode()
    assert "Sedation holds in the ICU" in page and "Sedation on the ward" not in page
    assert 'value="me" selected' in page and f'<option value="{audience.pk}">{audience.name}<' in page
    client.force_login(make_person())  # a nurse of another unit: nothing concerns them
    page = client.get(reverse("library-search"), {"q": "sedation", "audience": "me"}).content.decode()
    assert "Nothing matches" in page
    page = client.get(
        reverse("library-search"), {"q": "sedation", "audience": str(audience.pk)}
    ).content.decode()
    assert "Sedation holds in the ICU" in page and "Sedation on the ward" not in page
    # Retired resources are the curators' to find: a nurse asking for them gets the current ones.
    page = client.get(reverse("library-search"), {"q": "sedation", "status": "retired"}).content.decode()
    assert 'value="retired"' not in page and "Sedation on the ward" in page
    client.force_login(curator)
    page = client.get(reverse("library-search"), {"q": "sedation", "status": "retired"}).content.decode()
    assert 'value="retired" selected' in page and "Nothing matches" in page


def test_an_external_learner_sees_no_audience_filter(client, make_resource, make_person, icu_audience):
    _, audience = icu_audience
    make_resource("Sedation holds in the ICU", key_points="Hold sedation each morning.", audience=audience)
    client.force_login(make_person(role=None))
    page = client.get(
        reverse("library-search"), {"q": "sedation", "audience": str(audience.pk)}
    ).content.decode()
    assert audience.name not in page and 'name="audience"' not in page
