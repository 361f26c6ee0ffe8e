"""Point-of-care QR codes (segno): one code as SVG, and a printable PDF sheet of a resource's codes.

The PDF is drawn directly from each code's module matrix (squares and a label per code), so no
HTML-to-PDF engine is needed: six codes a page, A4, each with the resource's title and the place.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import segno
from django.conf import settings
from django.urls import reverse

from bedside.library.models import EntryCode

A4 = (595, 842)  # points
PER_ROW, PER_COLUMN = 2, 3


def code_url(code: EntryCode) -> str:
    return settings.BEDSIDE_BASE_URL.rstrip("/") + reverse("library-code", args=[code.code])


def qr(code: EntryCode) -> segno.QRCode:
    return segno.make(code_url(code), error="m", micro=False)


def svg(code: EntryCode, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    qr(code).save(out, kind="svg", scale=scale, border=4, title=f"{code.resource.item.title}: {code.place}")
    return out.getvalue()


def _text(value: str, limit: int = 60) -> str:
    """PDF string literal in the standard Helvetica encoding (Latin-1), escaped and cut to fit."""
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    encoded = value.encode("latin-1", "replace").decode("latin-1")
    return encoded.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _draw(code: EntryCode, x: float, y: float, size: float) -> list[str]:
    matrix = qr(code).matrix
    n = len(matrix) + 8  # a quiet zone of four modules each side
    module = size / n
    ops = ["0 0 0 rg"]
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                left = x + (col + 4) * module
                top = y + size - (row + 4 + 1) * module
                ops.append(f"{left:.2f} {top:.2f} {module:.2f} {module:.2f} re")
    ops.append("f")
    ops.append(f"BT /F1 11 Tf {x:.2f} {y - 14:.2f} Td ({_text(code.resource.item.title)}) Tj ET")
    ops.append(f"BT /F1 9 Tf {x:.2f} {y - 27:.2f} Td ({_text('Scan at: ' + code.place)}) Tj ET")
    return ops


def sheet_pdf(codes: Sequence[EntryCode]) -> bytes:
    """A4 pages of codes, six a page, each labelled; a code opens the resource's key points."""
    width, height = A4
    size, margin = 200.0, 60.0
    cell_w, cell_h = (width - 2 * margin) / PER_ROW, (height - 2 * margin) / PER_COLUMN
    per_page = PER_ROW * PER_COLUMN
    pages: list[bytes] = []
    for start in range(0, max(len(codes), 1), per_page):
        ops: list[str] = []
        for n, code in enumerate(codes[start : start + per_page]):
            col, row = n % PER_ROW, n // PER_ROW
            x = margin + col * cell_w + (cell_w - size) / 2
            y = height - margin - (row + 1) * cell_h + 40
            ops += _draw(code, x, y, size)
        pages.append("\n".join(ops).encode("latin-1"))
    return _pdf(pages, width, height)


def _pdf(contents: list[bytes], width: int, height: int) -> bytes:
    objects: list[bytes] = []
    font_id = 3
    page_ids = [4 + 2 * i for i in range(len(contents))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for page_id, content in zip(page_ids, contents, strict=True):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {page_id + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
