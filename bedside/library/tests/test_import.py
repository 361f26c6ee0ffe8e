"""Bringing an existing library in: a ZIP of real DOCX, PDF and Markdown files with a metadata CSV,
all or nothing, every bad row or file named; zip bombs, paths outside the archive and files whose
content disagrees with their name are refused; a background job with progress and a curator's page."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from bedside.library import importing_zip
from bedside.library.importing import library_import
from bedside.library.models import (
    Attachment,
    Collection,
    ImportStatus,
    LibraryImport,
    Resource,
    VersionStatus,
)
from bedside.library.rendering import render_markdown
from bedside.library.search import search
from bedside.library.services import collection_create
from bedside.library.tests.test_attachments import a_pdf

pytestmark = pytest.mark.django_db
HEADER = [
    "file",
    "title",
    "kind",
    "owner",
    "effective_on",
    "next_review_on",
    "collection",
    "tags",
    "key_points",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def a_docx(*paragraphs: str, heading: str = "") -> bytes:
    """A real Word document (python-docx), with a heading, paragraphs and a bulleted point."""
    import docx

    document = docx.Document()
    if heading:
        document.add_heading(heading, 1)
    for text in paragraphs:
        document.add_paragraph(text)
    document.add_paragraph("Document the dressing change.", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def a_zip(files: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def a_csv(rows: list[list[str]], header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def run(data: bytes, actor):
    return library_import(handle=io.BytesIO(data), actor=actor, source="old-library.zip")


@pytest.fixture
def good_zip(curator):
    owner = curator.email
    return a_zip(
        {
            "metadata.csv": a_csv(
                [
                    [
                        "docs/central-line.docx",
                        "Central line dressing",
                        "how-to",
                        owner,
                        "2025-01-10",
                        "2027-01-10",
                        "Lines and tubes",
                        "lines; icu",
                        "",
                    ],
                    [
                        "docs/sepsis.pdf",
                        "Sepsis screening",
                        "Protocol",
                        owner,
                        "2025-03-01",
                        "2026-03-01",
                        "COVID-19 care",
                        "",
                        "Screen every patient on arrival.|Start the bundle within an hour.",
                    ],
                    [
                        "docs/hand-hygiene.md",
                        "Hand hygiene",
                        "guideline",
                        owner.upper(),
                        "2025-02-01",
                        "2027-02-01",
                        "",
                        "ipc",
                        "",
                    ],
                ]
            ),  # fmt: skip
            "docs/central-line.docx": a_docx(
                "Scrub the hub with chlorhexidine for fifteen seconds.",
                "Change a transparent dressing every seven days.",
                heading="Central line dressing",
            ),
            "docs/sepsis.pdf": a_pdf("Lactate within one hour of recognition"),
            "docs/hand-hygiene.md": b"# Hand hygiene\n\nClean your hands before touching a patient.\n",
        }
    )


def test_a_zip_of_docx_pdf_and_markdown_becomes_published_resources(good_zip, curator):
    existing = collection_create(actor=curator, name="COVID-19 care", public=True, licence="CC BY 4.0",
                                 attribution="Bedside")  # fmt: skip
    result = run(good_zip, curator)
    assert result.ok, result.errors
    assert result.collections_created == ["Lines and tubes"]
    line = Resource.objects.get(item__title="Central line dressing")
    version = line.versions.get()
    assert version.status == VersionStatus.PUBLISHED and version.item_version.label == "1"
    assert line.kind == "how_to" and sorted(line.tags.values_list("name", flat=True)) == ["icu", "lines"]
    html = render_markdown(version.body)
    assert "<h2>Central line dressing</h2>" in html and "<li>Document the dressing change.</li>" in html
    assert version.key_point_lines()[0] == "Scrub the hub with chlorhexidine for fifteen seconds."
    assert version.change_summary == "Imported from old-library.zip."
    assert line.collections.get().name == "Lines and tubes"
    sepsis = Resource.objects.get(item__title="Sepsis screening")
    attachment = Attachment.objects.get(version__resource=sepsis)
    assert attachment.name == "sepsis.pdf" and attachment.file.read().startswith(b"%PDF-")
    assert sepsis.versions.get().key_point_lines() == [
        "Screen every patient on arrival.",
        "Start the bundle within an hour.",
    ]
    assert list(existing.resources.all()) == [sepsis]
    hygiene = Resource.objects.get(item__title="Hand hygiene")
    assert hygiene.kind == "guideline" and hygiene.versions.get().owner == curator
    # Searchable at once: the DOCX's text, the PDF's text, the Markdown.
    assert search("chlorhexidine").hits[0].resource == line
    assert search("lactate recognition").hits[0].resource == sepsis
    assert search("clean hands").hits[0].resource == hygiene


def test_the_same_zip_twice_is_refused_the_second_time_and_stores_nothing_more(good_zip, curator):
    assert run(good_zip, curator).ok
    again = run(good_zip, curator)
    assert not again.ok and Resource.objects.count() == 3
    assert any("already in the library" in e["message"] for e in again.errors)


def test_every_bad_row_and_file_is_named_and_nothing_is_stored(curator):
    owner = curator.email
    data = a_zip(
        {
            "library/metadata.csv": a_csv(
                [
                    ["a.docx", "Good row", "how_to", owner, "2025-01-01", "2026-01-01", "New shelf", "", ""],
                    ["b.md", "Bad kind", "poster", owner, "2025-01-01", "2026-01-01", "", "", ""],
                    [
                        "c.md",
                        "Stranger",
                        "article",
                        "nobody@example.org",
                        "2025-01-01",
                        "2026-01-01",
                        "",
                        "",
                        "",
                    ],
                    ["d.md", "Bad date", "article", owner, "01/02/2025", "2026-01-01", "", "", ""],
                    ["e.md", "Backwards", "article", owner, "2026-01-01", "2025-01-01", "", "", ""],
                    ["missing.md", "Missing file", "article", owner, "2025-01-01", "2026-01-01", "", "", ""],
                    ["corrupt.docx", "Corrupt", "article", owner, "2025-01-01", "2026-01-01", "", "", ""],
                    ["renamed.docx", "Renamed PDF", "article", owner, "2025-01-01", "2026-01-01", "", "", ""],
                    ["binary.md", "Binary", "article", owner, "2025-01-01", "2026-01-01", "", "", ""],
                    ["a.docx", "Good row", "how_to", owner, "2025-01-01", "2026-01-01", "", "", ""],
                    ["", "", "article", owner, "2025-01-01", "2026-01-01", "", "", ""],
                ]
            ),  # fmt: skip
            "library/a.docx": a_docx("Fine content."),
            "library/b.md": b"# b",
            "library/c.md": b"# c",
            "library/d.md": b"# d",
            "library/e.md": b"# e",
            "library/corrupt.docx": b"PK\x03\x04 this is not really a word document",
            "library/renamed.docx": a_pdf("I am a PDF"),
            "library/binary.md": b"\x00\x01\x02 binary",
            "library/extra.pdf": a_pdf("Nobody names me"),
        }
    )
    result = run(data, curator)
    assert not result.ok
    found = {(e["where"], e["message"]) for e in result.errors}
    expected = [
        ("Row 3", "kind 'poster' is not one of"),
        ("Row 4", "owner 'nobody@example.org' is not the e-mail address of anyone"),
        ("Row 5", "effective_on '01/02/2025' is not a date as YYYY-MM-DD."),
        ("Row 6", "next_review_on comes before effective_on."),
        ("Row 7", "file missing.md is not in the ZIP."),
        ("Row 8: corrupt.docx", "not a readable Word document"),
        ("Row 9: renamed.docx", "is a PDF inside, not a Word document"),
        ("Row 10: binary.md", "is a binary file inside, not Markdown text"),
        ("Row 11", "row 2 has the same title."),
        ("Row 11", "file a.docx is named by row 2 too."),
        ("Row 12", "file is empty."),
        ("Row 12", "title is empty."),
        ("library/extra.pdf", "is in the ZIP, but no row of library/metadata.csv names it."),
    ]
    for where, message in expected:
        assert any(w == where and message in m for w, m in found), (where, message, found)
    assert len(result.errors) == len(expected)
    assert not Resource.objects.exists() and not Collection.objects.exists()


def test_script_in_a_word_document_stays_text(curator):
    data = a_zip(
        {
            "metadata.csv": a_csv(
                [["x.docx", "Payload", "article", curator.email, "2025-01-01", "2026-01-01", "", "", ""]]
            ),
            "x.docx": a_docx(
                '<script>alert(1)</script> <img src=x onerror="alert(2)"> [a](javascript:alert(3))'
            ),
        }
    )
    assert run(data, curator).ok
    html = render_markdown(Resource.objects.get().versions.get().body)
    assert "<script" not in html and "<img" not in html and "href=" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the text it is


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"../escape.md": b"# x"}, "leaves the archive"),
        ({"docs/../../escape.md": b"# x"}, "leaves the archive"),
        ({"/etc/cron.d/escape.md": b"# x"}, "absolute path"),
        ({"C:/Windows/escape.md": b"# x"}, "absolute path"),
        ({"docs\\..\\escape.md": b"# x"}, "backslash"),
    ],
)
def test_paths_outside_the_archive_refuse_the_whole_zip(curator, files, message):
    data = a_zip({"metadata.csv": a_csv([]), **files})
    result = run(data, curator)
    assert not result.ok and result.errors[0]["where"] == "The ZIP" and message in result.errors[0]["message"]
    assert not Resource.objects.exists()


def test_a_symbolic_link_is_refused(curator):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("metadata.csv", a_csv([]))
        link = zipfile.ZipInfo("passwd.md")
        link.external_attr = 0o120777 << 16  # a symlink's mode
        archive.writestr(link, "/etc/passwd")
    result = run(out.getvalue(), curator)
    assert not result.ok and "symbolic link" in result.errors[0]["message"]


def test_a_decompression_bomb_is_refused_before_it_is_unpacked(curator):
    bomb = a_zip({"metadata.csv": a_csv([]), "bomb.md": b"\x20" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000  # 20 MB of spaces packs to a few kilobytes
    result = run(bomb, curator)
    assert not result.ok and "decompression bomb" in result.errors[0]["message"]


def test_a_word_document_that_is_a_bomb_is_named(curator):
    inner = a_zip({"word/document.xml": b"<w/>" + b" " * (20 * 1024 * 1024)})
    data = a_zip(
        {
            "metadata.csv": a_csv(
                [["big.docx", "Big", "article", curator.email, "2025-01-01", "2026-01-01", "", "", ""]]
            ),
            "big.docx": inner,
        },
        compression=zipfile.ZIP_STORED,  # the outer archive stores the DOCX as it is: only the inner one packs
    )
    result = run(data, curator)
    assert not result.ok
    assert (
        result.errors[0]["where"] == "Row 2: big.docx" and "decompression bomb" in result.errors[0]["message"]
    )


def test_limits_on_the_number_of_files_and_the_unpacked_size(curator, monkeypatch):
    monkeypatch.setattr(importing_zip, "MAX_FILES", 3)
    many = a_zip({"metadata.csv": a_csv([]), **{f"{n}.md": b"# x" for n in range(4)}})
    assert "at most 3 are imported at once" in run(many, curator).errors[0]["message"]
    monkeypatch.setattr(importing_zip, "MAX_TOTAL_BYTES", 1000)
    big = a_zip({"metadata.csv": a_csv([]), "a.md": b"x" * 2000})
    assert "unpacks to 0 MB; at most 0 MB" in run(big, curator).errors[0]["message"]


def test_not_a_zip_and_no_csv_are_named(curator):
    assert "not a ZIP archive" in run(b"just text", curator).errors[0]["message"]
    assert "holds no metadata CSV" in run(a_zip({"a.md": b"# a"}), curator).errors[0]["message"]
    two = a_zip({"a.csv": a_csv([]), "b.csv": a_csv([])})
    assert "holds 2 CSV files" in run(two, curator).errors[0]["message"]
    no_column = a_zip({"m.csv": b"file,title\na.md,A\n", "a.md": b"# a"})
    assert (
        "has no kind, owner, effective_on, next_review_on columns"
        in run(no_column, curator).errors[0]["message"]
    )


def test_a_curator_uploads_a_zip_and_watches_it_run_as_a_background_job(
    client, curator, good_zip, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(curator)
    page = client.get(reverse("library-imports")).content.decode()
    assert "Import a library" in page and "next_review_on" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("library-imports"), {"file": SimpleUploadedFile("old-library.zip", good_zip)}
        )
    job = LibraryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("library-import", args=[job.pk])
    assert job.status == ImportStatus.SUCCEEDED and job.done == job.total == 3
    page = client.get(response["Location"]).content.decode()
    assert "Imported 3 resources" in page and "Lines and tubes" in page
    fragment = client.get(reverse("library-import-progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment  # finished: the page stops polling
    assert Resource.objects.count() == 3


def test_a_failed_import_lists_each_problem_on_its_page(client, curator, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = a_zip(
        {"metadata.csv": a_csv([["a.md", "A", "poster", curator.email, "2025-01-01", "2026-01-01", "", "", ""]]),
         "a.md": b"# a", "b.md": b"# b"}
    )  # fmt: skip
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("library-imports"), {"file": SimpleUploadedFile("lib.zip", data)})
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was stored" in page and "2 problems found" in page
    assert "kind &#x27;poster&#x27; is not one of" in page and "b.md" in page


def test_a_queued_import_shows_its_progress_and_polls(client, curator):
    job = LibraryImport.objects.create(file_name="x.zip", uploaded_by=curator, status=ImportStatus.RUNNING,
                                       phase="checking", done=30, total=120)  # fmt: skip
    client.force_login(curator)
    fragment = client.get(reverse("library-import-progress", args=[job.pk])).content.decode()
    assert "Checked 30 of 120 rows" in fragment and 'value="25"' in fragment and "hx-trigger" in fragment


def test_an_upload_that_is_not_a_zip_is_refused_on_the_form(client, curator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(curator)
    response = client.post(reverse("library-imports"), {"file": SimpleUploadedFile("lib.zip", b"not a zip")})
    assert "is not a ZIP archive inside" in response.content.decode()
    renamed = client.post(
        reverse("library-imports"), {"file": SimpleUploadedFile("lib.pdf", a_zip({"a": b"a"}))}
    )
    assert "name it .zip" in renamed.content.decode()
    assert not LibraryImport.objects.exists()


def test_a_nurse_cannot_import(client, make_person):
    client.force_login(make_person())
    assert client.get(reverse("library-imports")).status_code == 403


def test_the_sample_zip_on_the_import_page_imports_whole(make_person):
    """The checked-in sample (real Word documents, a PDF, Markdown) the page offers for download."""
    from pathlib import Path

    from bedside.people.models import Capability

    librarian = make_person(
        role=None, email="librarian@demo.bedside.test", grants=[(Capability.CURATE, None)]
    )
    sample = Path(__file__).resolve().parents[1] / "static" / "library" / "library-import-sample.zip"
    result = run(sample.read_bytes(), librarian)
    assert result.ok, result.errors
    assert result.collections_created == ["Imported policies"] and len(result.created) == 4
    assert search("phlebostatic axis").hits[0].resource.item.title == "Arterial line care"
    fall = Resource.objects.get(item__title="Fall risk assessment")
    assert fall.versions.get().attachments.get().text.startswith("Fall risk assessment on admission")


def test_a_corrupt_pdf_is_named_and_nothing_is_stored(curator):
    data = a_zip(
        {
            "metadata.csv": a_csv(
                [
                    ["good.md", "Good", "article", curator.email, "2025-01-01", "2026-01-01", "", "", ""],
                    [
                        "broken.pdf",
                        "Broken",
                        "article",
                        curator.email,
                        "2025-01-01",
                        "2026-01-01",
                        "",
                        "",
                        "",
                    ],
                ]
            ),  # fmt: skip
            "good.md": b"# Good\n\nFine text.",
            "broken.pdf": b"%PDF-1.4 this is not really a pdf",
        }
    )
    result = run(data, curator)
    assert [e["where"] for e in result.errors] == ["Row 3: broken.pdf"]
    assert "could not be read as a PDF" in result.errors[0]["message"]
    assert not Resource.objects.exists()


def test_word_punctuation_reads_without_backslashes_and_scripts_stay_text(curator):
    """mammoth escapes every punctuation mark; the stored Markdown keeps only the escapes that matter."""
    from bedside.library.importing import convert, unescaped
    from bedside.library.rendering import render_markdown

    document = convert(
        "guide.docx",
        a_docx(
            "Check the BP (every 15 min). Give 5 mg! Use the {red} line + flush - then chart #4.",
            "1. Not a list: it was typed, not numbered.",
            "Dose_mg is a field; *stars* and [brackets] stay text.",
            '<script>alert(1)</script> <img src=x onerror="alert(2)"> [a](javascript:alert(3))',
            heading="Central line (adult)",
        ),
    )
    body = document.body
    assert "Check the BP (every 15 min). Give 5 mg! Use the {red} line + flush - then chart #4." in body
    assert "## Central line (adult)" in body
    assert "1\\. Not a list: it was typed, not numbered." in body  # a list would start here
    assert "Dose_mg is a field; \\*stars\\* and \\[brackets\\] stay text." in body
    for stray in ("\\(", "\\)", "\\!", "\\{", "\\+", "\\-", "\\#", "list: it was typed, not numbered\\."):
        assert stray not in body, stray
    html = render_markdown(body)
    assert "<ol" not in html and "<em>" not in html and "<script" not in html and "<img" not in html
    assert "href=" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "*stars* and [brackets] stay text." in html and "1. Not a list" in html
    assert "Check the BP (every 15 min)." in document.text
    # Escaped backslashes and escapes at a line's start stay as mammoth wrote them.
    assert (
        unescaped("a \\\\(b\\) \\# c\n\\# not a heading\n- 2\\. item")
        == "a \\\\(b) # c\n\\# not a heading\n- 2\\. item"
    )
