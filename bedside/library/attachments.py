"""Attachments of a draft: PDFs, images and video files, their type read from their content.

A file's first bytes say what it is; its name must agree, and each type has a size limit.
Anything else (an SVG, HTML, a renamed executable, a PDF called .png) is refused with a clear
message and nothing is stored. A PDF's text is read (pypdf) for search; the file stays the attachment.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from bedside.audit.services import audit
from bedside.library.models import Attachment, ResourceVersion, VersionStatus
from bedside.people.models import Person

log = logging.getLogger(__name__)
MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]
    limit: int


TYPES = (
    FileType("application/pdf", "PDF", (".pdf",), 20 * MB),
    FileType("image/png", "PNG image", (".png",), 5 * MB),
    FileType("image/jpeg", "JPEG image", (".jpg", ".jpeg"), 5 * MB),
    FileType("video/mp4", "MP4 video", (".mp4", ".m4v"), 200 * MB),
)
ACCEPTED = ", ".join(t.label for t in TYPES)


def sniff(head: bytes) -> FileType | None:
    """The type the file's first bytes show, or None."""
    if head.startswith(b"%PDF-"):
        return TYPES[0]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return TYPES[1]
    if head.startswith(b"\xff\xd8\xff"):
        return TYPES[2]
    if head[4:8] == b"ftyp":
        return TYPES[3]
    return None


def check_upload(upload: UploadedFile) -> FileType:
    """The upload's type, or a ValidationError that says what is wrong and what is accepted."""
    name = upload.name or "the file"
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(f"“{name}” is not a file the library takes. It takes: {ACCEPTED}.")
    if not name.lower().endswith(kind.extensions):
        raise ValidationError(
            f"“{name}” is a {kind.label} inside, but its name says otherwise: rename it to end in {kind.extensions[0]}."
        )
    if upload.size > kind.limit:
        raise ValidationError(
            f"“{name}” is {upload.size / MB:.1f} MB; a {kind.label} may be at most {kind.limit // MB} MB."
        )
    return kind


def pdf_text(upload: UploadedFile) -> str:
    """The text of a PDF for search ('' when it has none); a corrupt PDF is refused."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    upload.seek(0)
    try:
        reader = PdfReader(io.BytesIO(upload.read()))
        text = "\n".join((page.extract_text() or "") for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(
            f"“{upload.name}” could not be read as a PDF ({exc.__class__.__name__})."
        ) from exc
    finally:
        upload.seek(0)
    return text[:200_000]


@transaction.atomic
def attachment_add(*, version: ResourceVersion, upload: UploadedFile, actor: Person | None) -> Attachment:
    """Attach a checked file to a draft (a published version never changes)."""
    from bedside.library.services import require_curator

    require_curator(actor, version.resource)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            "Files can be added to a draft only: start a new version to change a published one."
        )
    kind = check_upload(upload)
    text = pdf_text(upload) if kind.content_type == "application/pdf" else ""
    attachment = Attachment(
        version=version, name=upload.name[:200], content_type=kind.content_type, size=upload.size, text=text
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    audit(
        actor=actor,
        action="library.attachment.add",
        target=attachment,
        changes={"name": attachment.name, "type": kind.content_type},
    )
    return attachment
