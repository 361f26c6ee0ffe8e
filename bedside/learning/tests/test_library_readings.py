"""Readings from the library: the picker of published versions, and the catalogue found through the
library's search (learning asks the catalogue's search registry; it never imports the library)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bedside.learning import authoring
from bedside.learning.models import ModuleKind
from bedside.library.models import ResourceKind
from bedside.library.services import (
    draft_start,
    draft_update,
    resource_create,
    review_decide,
    review_submit,
    version_publish,
)
from bedside.people.models import Capability
from bedside.records.search import ItemHit, register_item_search, search_items, unregister_item_search
from bedside.testing import factories as f
from bedside.testing.api import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish_resource(make_person):
    curator = make_person(role=None, grants=[(Capability.CURATE, None)])
    unit = f.UnitFactory()
    reviewer = make_person(unit=unit, grants=[(Capability.TEACH, unit)])

    def publish(version):
        (review,) = review_submit(version=version, actor=curator, reviewers=[reviewer])
        review_decide(review=review, actor=reviewer, approve=True)
        return version_publish(version=version, actor=curator)

    def make(title, key_points, body="", published=True):
        today = timezone.localdate()
        draft = resource_create(
            actor=curator,
            title=title,
            kind=ResourceKind.HOW_TO,
            owner=curator,
            key_points=key_points,
            body=body or f"# {title}\n\n{key_points}",
            effective_on=today,
            next_review_on=today + dt.timedelta(days=365),
            tags=("icu",),
        )
        return publish(draft) if published else draft

    make.publish = publish
    make.curator = curator
    return make


def test_the_registry_answers_with_the_librarys_current_version_and_a_snippet(publish_resource):
    v1 = publish_resource("Chlorhexidine bathing", "Bathe ICU patients daily with chlorhexidine wipes.")
    publish_resource("Hand hygiene", "Five moments.", published=False)  # a draft is not found
    curator = publish_resource.curator
    draft = draft_start(resource=v1.resource, actor=curator)
    draft_update(version=draft, actor=curator, change_summary="Wipes, not basins.")
    v2 = publish_resource.publish(draft)
    (hit,) = search_items("chlorhexidine", kinds={"library"})
    assert hit.item_id == v1.resource.item_id and hit.version_id == v2.item_version_id != v1.item_version_id
    assert hit.version_label == "2" and "<mark>" in hit.snippet.lower()
    assert search_items("hand hygiene", kinds={"library"}) == []
    assert search_items("  ") == []


def test_another_kind_may_register_its_search():
    register_item_search("test-kind", lambda text, limit: [ItemHit(item_id=1, version_id=None, title=text)])
    try:
        assert [h.title for h in search_items("anything", kinds=["test-kind"])] == ["anything"]
    finally:
        unregister_item_search("test-kind")
    assert search_items("anything", kinds=["test-kind"]) == []


def test_an_educator_picks_a_published_library_version_for_a_reading(
    client, educator, publish_resource, unit
):
    version = publish_resource("Central line dressing change", "Change the dressing every seven days.")
    course = authoring.course_create(actor=educator, title="Line care", department=unit.department)
    client.force_login(educator)
    picker = client.get(reverse("teach-library-picker", args=[course.pk]), {"library_q": "dressing"})
    page = picker.content.decode()
    assert f'value="{version.item_version_id}"' in page and "<mark>" in page.lower()
    assert (
        "No published library resource matches"
        in client.get(
            reverse("teach-library-picker", args=[course.pk]), {"library_q": "zebra"}
        ).content.decode()
    )
    url = reverse("teach-module-new", args=[course.pk]) + "?kind=reading"
    answer = client.post(url, {"kind": "reading", "title": "Read the guide", "minutes": 5, "body": ""})
    assert "choose a library resource" in answer.content.decode()
    answer = client.post(
        url, {"kind": "reading", "title": "Read it", "minutes": 5, "resource_version": 999999}
    )
    assert "Choose a published library resource" in answer.content.decode()
    answer = client.post(
        url,
        {"kind": "reading", "title": "Read it", "minutes": 5, "resource_version": version.item_version_id},
    )
    assert answer.status_code == 302
    module = authoring.draft_revision(course).modules.get(kind=ModuleKind.READING)
    assert module.resource_version_id == version.item_version_id and module.body == ""


def test_the_catalogue_finds_a_course_through_its_readings_text(
    client, educator, make_person, publish_resource, unit
):
    version = publish_resource(
        "Prone positioning", "Five people turn the ventilated patient; check the endotracheal tube."
    )
    course = authoring.course_create(actor=educator, title="ICU skills day", department=unit.department)
    authoring.module_add(
        course=course,
        actor=educator,
        kind=ModuleKind.READING,
        title="Before the lab",
        resource_version=version.item_version,
    )
    authoring.revision_publish(course=course, actor=educator)
    other = authoring.course_create(actor=educator, title="Fire safety", department=unit.department)
    authoring.module_add(course=other, actor=educator, kind=ModuleKind.READING, title="Exits", body="Exits.")
    authoring.revision_publish(course=other, actor=educator)
    nurse = make_person(unit=unit)
    client.force_login(nurse)
    page = client.get(reverse("learning-catalogue"), {"q": "endotracheal"}).content.decode()
    assert "ICU skills day" in page and "Fire safety" not in page
    assert "Reading “Before the lab” (Prone positioning)" in page and "<mark>" in page.lower()
    page = client.get(reverse("learning-catalogue"), {"q": "fire"}).content.decode()
    assert "Fire safety" in page and "ICU skills day" not in page
    api = client.get("/api/v1/courses", {"q": "endotracheal"}, headers=bearer(nurse)).json()
    assert [c["title"] for c in api["items"]] == ["ICU skills day"]


def test_an_educator_moves_a_published_reading_to_the_librarys_new_version_in_a_draft(
    client, educator, make_person, publish_resource, unit
):
    v1 = publish_resource("Prone positioning", "Turn as a team of five.")
    course = authoring.course_create(actor=educator, title="Proning", department=unit.department)
    authoring.module_add(
        course=course,
        actor=educator,
        kind=ModuleKind.READING,
        title="The guide",
        minutes=5,
        resource_version=v1.item_version,
    )
    authoring.revision_publish(course=course, actor=educator)
    published = authoring.published_revision(course).modules.get()
    curator = publish_resource.curator
    draft = draft_start(resource=v1.resource, actor=curator)
    draft_update(version=draft, actor=curator, change_summary="Six people for a patient over 120 kg.")
    v2 = publish_resource.publish(draft)

    client.force_login(educator)
    url = reverse("teach-module-edit", args=[published.pk])
    page = client.get(url).content.decode()
    assert 'value="The guide"' in page and f'value="{v1.item_version_id}" checked' in page
    assert "learners keep the revision they started" in page
    refused = client.post(url, {"title": "", "minutes": 5, "resource_version": v2.item_version_id})
    assert "Enter the module&#x27;s title." in refused.content.decode()
    assert authoring.draft_revision(course) is None  # nothing written

    saved = client.post(url, {"title": "The guide, v2", "minutes": 6, "resource_version": v2.item_version_id})
    assert saved.status_code == 302
    edited = authoring.draft_revision(course).modules.get()
    assert (edited.title, edited.minutes, edited.resource_version_id) == (
        "The guide, v2",
        6,
        v2.item_version_id,
    )
    published.refresh_from_db()
    assert (published.title, published.resource_version_id) == ("The guide", v1.item_version_id)

    elsewhere = f.UnitFactory()
    outsider = make_person(unit=elsewhere, grants=[(Capability.TEACH, elsewhere)])
    client.force_login(outsider)
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"title": "Mine", "minutes": 1, "body": "x"}).status_code in (403, 404)
