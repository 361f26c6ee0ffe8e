"""Attachments: the type is read from the content, the name must agree, sizes are limited; bad
files are refused with a clear message and nothing is stored; PDFs are searchable."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bedside.library.attachments import attachment_add
from bedside.library.models import Attachment
from bedside.library.search import search
from bedside.library.services import draft_start, draft_update
from bedside.library.tests.conftest import publish

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def a_pdf(text: str) -> bytes:
    """A one-page PDF with `text` on it (built by hand: Helvetica, one text object)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.html", b"<script>alert(1)</script>", "is not a file the library takes"),
        ("drawing.svg", b'<svg onload="alert(1)"></svg>', "is not a file the library takes"),
        ("photo.png", b"%PDF-1.4 pretending", "rename it to end in .pdf"),
        ("guide.pdf", PNG, "rename it to end in .png"),
        ("setup.exe.pdf", b"MZ\x90\x00binary", "is not a file the library takes"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "could not be read as a PDF"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(make_resource, curator, name, content, message):
    draft = make_resource(published=False)
    with pytest.raises(ValidationError, match=message):
        attachment_add(version=draft, upload=SimpleUploadedFile(name, content), actor=curator)
    assert not Attachment.objects.exists()


def test_too_large_is_refused(make_resource, curator, settings):
    draft = make_resource(published=False)
    upload = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError, match="at most 5 MB"):
        attachment_add(version=draft, upload=upload, actor=curator)


def test_a_pdfs_text_is_searchable_and_the_file_served_to_readers(
    make_resource, curator, reviewer, client, make_person
):
    draft = make_resource(published=False)
    attachment_add(
        version=draft,
        upload=SimpleUploadedFile("steps.pdf", a_pdf("Zirconium dialysate warming")),
        actor=curator,
    )
    version = publish(draft, curator=curator, reviewer=reviewer)
    assert search("zirconium").hits[0].resource == version.resource
    client.force_login(make_person())
    page = client.get(reverse("library-resource", args=[version.resource.slug])).content.decode()
    assert "steps.pdf" in page
    response = client.get(reverse("library-attachment", args=[version.attachments.get().pk]))
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"


def test_files_carry_over_to_a_new_draft_and_a_published_version_takes_none(make_resource, curator, reviewer):
    draft = make_resource(published=False)
    attachment_add(version=draft, upload=SimpleUploadedFile("photo.png", PNG), actor=curator)
    v1 = publish(draft, curator=curator, reviewer=reviewer)
    with pytest.raises(ValidationError, match="draft only"):
        attachment_add(version=v1, upload=SimpleUploadedFile("more.png", PNG), actor=curator)
    v2 = draft_start(resource=v1.resource, actor=curator)
    draft_update(version=v2, actor=curator, change_summary="New photo.")
    assert [a.name for a in v2.attachments.all()] == ["photo.png"]


def test_the_draft_page_names_a_bad_upload(make_resource, curator, client):
    draft = make_resource(published=False)
    client.force_login(curator)
    url = reverse("library-draft", args=[draft.pk])
    page = client.post(
        url, {"action": "attach", "file": SimpleUploadedFile("x.svg", b"<svg/>")}
    ).content.decode()
    assert "There is a problem" in page and "is not a file the library takes" in page
    client.post(url, {"action": "attach", "file": SimpleUploadedFile("photo.png", PNG)})
    assert draft.attachments.count() == 1
