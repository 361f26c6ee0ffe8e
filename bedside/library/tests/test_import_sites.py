"""Importing into one site's library: a site's curator imports there only, and owners or
collections outside their scope are named as bad rows with nothing stored."""

import io

import pytest
from django.urls import reverse

from bedside.library.importing import library_import
from bedside.library.models import Collection, ImportStatus, LibraryImport, Resource
from bedside.library.services import collection_create
from bedside.library.tests.test_import import a_csv, a_zip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def two_sites(make_person):
    """A curator of site A only, a nurse at A and one at B, and a collection in each library and the system's."""
    from bedside.people.models import Capability
    from bedside.testing import factories as f

    site_a, site_b = f.SiteFactory(name="North"), f.SiteFactory(name="South")
    unit_a = f.UnitFactory(department=f.DepartmentFactory(site=site_a))
    unit_b = f.UnitFactory(department=f.DepartmentFactory(site=site_b))
    curator_a = make_person(role=None, grants=[(Capability.CURATE, site_a)])
    return {
        "a": site_a,
        "b": site_b,
        "curator": curator_a,
        "nurse_a": make_person(unit=unit_a),
        "nurse_b": make_person(unit=unit_b),
        "shelf_a": collection_create(actor=None, name="North shelf", site=site_a),
        "shelf_b": collection_create(actor=None, name="South shelf", site=site_b),
        "system": collection_create(actor=None, name="Hospital-wide", site=None),
    }


def site_zip(rows: list[tuple[str, str, str]]) -> bytes:
    """One Markdown file per (title, owner, collection)."""
    files = {
        f"doc{n}.md": f"# {title}\n\nWash hands before {title.lower()}.\n".encode()
        for n, (title, *_) in enumerate(rows)
    }
    lines = [
        [f"doc{n}.md", title, "guideline", owner, "2025-01-01", "2026-01-01", collection, "", ""]
        for n, (title, owner, collection) in enumerate(rows)
    ]
    return a_zip({"metadata.csv": a_csv(lines), **files})


def test_a_site_curator_imports_into_their_site_only(two_sites):
    s = two_sites
    data = site_zip(
        [("Line care", s["nurse_a"].email, "North shelf"), ("Falls", s["curator"].email, "New North shelf")]
    )
    result = library_import(handle=io.BytesIO(data), actor=s["curator"], source="north.zip", site=s["a"])
    assert result.ok, result.errors
    resources = Resource.objects.filter(slug__in=result.created)
    assert {r.site for r in resources} == {s["a"]} and resources.count() == 2
    assert s["shelf_a"].resources.get().item.title == "Line care"
    assert Collection.objects.get(name="New North shelf").site == s["a"]


def test_owners_and_collections_outside_the_site_curators_scope_are_named_and_nothing_is_stored(two_sites):
    s = two_sites
    data = site_zip(
        [
            ("Line care", s["nurse_b"].email, ""),
            ("Falls", s["nurse_a"].email, "South shelf"),
            ("Sepsis", s["nurse_a"].email, "Hospital-wide"),
            ("Fine row", s["nurse_a"].email, "North shelf"),
        ]
    )
    result = library_import(handle=io.BytesIO(data), actor=s["curator"], source="north.zip", site=s["a"])
    assert not result.ok
    problems = {(e["where"], e["message"]) for e in result.errors}
    assert (
        "Row 2",
        f"owner '{s['nurse_b'].email}' works outside the library you curate: name an owner of North.",
    ) in problems
    assert ("Row 3", "you do not curate the collection 'South shelf'.") in problems
    assert ("Row 4", "you do not curate the collection 'Hospital-wide'.") in problems
    assert len(problems) == 3
    assert not Resource.objects.exists() and Collection.objects.count() == 3


def test_a_site_curator_queues_imports_for_their_site_and_sees_only_those(
    client, two_sites, curator, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bedside.library.imports import library_import_queue

    s = two_sites
    upload = SimpleUploadedFile("x.zip", site_zip([("Line care", s["nurse_a"].email, "")]))
    with pytest.raises(PermissionDenied):
        library_import_queue(upload=upload, actor=s["curator"], site=None)  # the system's library
    with pytest.raises(PermissionDenied):
        library_import_queue(upload=upload, actor=s["curator"], site=s["b"])
    south = LibraryImport.objects.create(file_name="south.zip", site=s["b"], status=ImportStatus.FAILED)
    system = LibraryImport.objects.create(file_name="system.zip", status=ImportStatus.FAILED)

    client.force_login(s["curator"])
    page = client.get(reverse("library-imports")).content.decode()
    assert "North" in page and "South" not in page and "The whole system" not in page
    refused = client.post(
        reverse("library-imports"),
        {"site": s["b"].pk, "file": SimpleUploadedFile("x.zip", upload.open().read())},
    )
    assert "Choose a site whose library you curate." in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("library-imports"),
            {
                "site": s["a"].pk,
                "file": SimpleUploadedFile("north.zip", site_zip([("Line care", s["nurse_a"].email, "")])),
            },
        )
    job = LibraryImport.objects.get(file_name="north.zip")
    assert job.site == s["a"] and job.status == ImportStatus.SUCCEEDED, job.errors
    assert Resource.objects.get().site == s["a"]
    assert client.get(response["Location"]).status_code == 200
    listing = client.get(reverse("library-imports")).content.decode()
    assert "north.zip" in listing and "south.zip" not in listing and "system.zip" not in listing
    for other in (south, system):
        assert client.get(reverse("library-import", args=[other.pk])).status_code == 403
        assert client.get(reverse("library-import-progress", args=[other.pk])).status_code == 403
    client.force_login(curator)  # system-wide: every import, and the whole system's library offered
    page = client.get(reverse("library-imports")).content.decode()
    assert "The whole system" in page and "south.zip" in page and "north.zip" in page
