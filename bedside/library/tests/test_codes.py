"""Point-of-care QR codes: SVG and a PDF sheet that opens the key points; scans are counted."""

import pytest
from django.urls import reverse

from bedside.library import qr
from bedside.library.services import entry_code_create

pytestmark = pytest.mark.django_db


def test_svg_and_pdf_sheet_encode_the_scan_address(make_resource, curator, client, settings):
    settings.BEDSIDE_BASE_URL = "https://bedside.example.org"
    v = make_resource("Ventilator V60: changing the filter")
    codes = [entry_code_create(resource=v.resource, place=f"MICU bay {n}", actor=curator) for n in range(7)]
    assert qr.code_url(codes[0]) == f"https://bedside.example.org/l/{codes[0].code}/"
    assert b"<svg" in qr.svg(codes[0]) and b"MICU bay 0" in qr.svg(codes[0])
    pdf = qr.sheet_pdf(codes)
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/Count 2" in pdf  # seven codes: two pages of six
    assert b"(Scan at: MICU bay 6) Tj" in pdf

    client.force_login(curator)
    sheet = client.get(reverse("library-code-sheet", args=[v.resource.slug]))
    assert sheet.status_code == 200 and sheet.content.decode().count("data:image/svg+xml;base64,") == 7
    response = client.get(reverse("library-code-sheet-pdf", args=[v.resource.slug]))
    assert response["Content-Type"] == "application/pdf"
    assert client.get(reverse("library-code-svg", args=[codes[0].code]))["Content-Type"] == "image/svg+xml"


def test_scans_are_counted_per_code_and_shown_to_curators(make_resource, curator, client):
    v = make_resource()
    a = entry_code_create(resource=v.resource, place="Bay 1", actor=curator)
    entry_code_create(resource=v.resource, place="Bay 2", actor=curator)
    for _ in range(3):
        client.get(reverse("library-code", args=[a.code]))
    a.refresh_from_db()
    assert a.scans == 3
    client.force_login(curator)
    page = client.get(reverse("library-resource-manage", args=[v.resource.slug])).content.decode()
    assert '<td data-label="Scans">3</td>' in page and '<td data-label="Scans">0</td>' in page


def test_a_code_needs_a_place(make_resource, curator, client):
    v = make_resource()
    client.force_login(curator)
    page = client.post(
        reverse("library-resource-manage", args=[v.resource.slug]), {"place": ""}
    ).content.decode()
    assert "There is a problem" in page
    assert not v.resource.codes.exists()
