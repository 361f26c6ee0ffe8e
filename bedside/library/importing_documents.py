"""The documents of a library import: DOCX (`mammoth`), PDF (`pypdf`, kept as the attachment) and
Markdown, each read by its content (its name must agree) and turned into the Markdown body of a
version, with its plain text for key points and search."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from bedside.library.attachments import check_upload, pdf_text
from bedside.library.importing_zip import ZipRefused, check_inner_zip
from bedside.library.models import KEY_POINTS_MAX
from bedside.library.rendering import plain_text

MARKDOWN = (".md", ".markdown")


@dataclass
class Document:
    body: str = ""
    text: str = ""  # plain text, for key points when the CSV gives none
    pdf: bytes | None = None


def _content_label(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "a PDF"
    if data.startswith(b"PK\x03\x04"):
        return "a ZIP or Word document"
    if b"\x00" in data[:4096]:
        return "a binary file"
    return "text"


def convert(name: str, data: bytes) -> Document:
    """The document's Markdown body (and text), or ValidationError naming the file and what is wrong."""
    suffix = PurePosixPath(name).suffix.lower()
    inside = _content_label(data)
    if suffix == ".docx":
        if inside != "a ZIP or Word document":
            raise ValidationError(f"is {inside} inside, not a Word document: its name says .docx.")
        return _docx(name, data)
    if suffix == ".pdf":
        if inside != "a PDF":
            raise ValidationError(f"is {inside} inside, not a PDF: its name says .pdf.")
        upload = SimpleUploadedFile(PurePosixPath(name).name, data, content_type="application/pdf")
        check_upload(upload)  # the attachment's own limits (size)
        try:
            text = pdf_text(upload)
        except ValidationError:
            raise
        except Exception as exc:  # pypdf on a damaged file can raise what its parsers raise
            raise ValidationError(f"could not be read as a PDF ({exc.__class__.__name__}).") from exc
        return Document(body="", text=text, pdf=data)
    if suffix in MARKDOWN:
        if inside != "text":
            raise ValidationError(f"is {inside} inside, not Markdown text: its name says {suffix}.")
        try:
            body = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("is not UTF-8 text: save it again as UTF-8.") from exc
        return Document(body=_demoted(body.strip()) + "\n", text=plain_text(body))
    raise ValidationError("is not a file the import takes: it takes .docx, .pdf and .md files.")


def _docx(name: str, data: bytes) -> Document:
    import mammoth

    try:
        inner = check_inner_zip(data, name)
    except ZipRefused as refused:
        raise ValidationError(str(refused)) from refused
    with inner:
        if "word/document.xml" not in inner.namelist():
            raise ValidationError("is a ZIP, not a Word document (it has no word/document.xml).")
    try:
        converted = mammoth.convert_to_markdown(io.BytesIO(data))
    except Exception as exc:  # mammoth raises what its XML and ZIP readers raise on a corrupt file
        raise ValidationError(f"could not be read as a Word document ({exc.__class__.__name__}).") from exc
    body = unescaped(converted.value).strip()
    if not body:
        raise ValidationError("is an empty Word document.")
    return Document(body=_demoted(body) + "\n", text=plain_text(body))


_HEADING = re.compile(r"^(#{1,5}) ", re.MULTILINE)
_ESCAPE = re.compile(r"\\(.)")
# Before these on a line, a character could start a heading, list, quote or break: its escape stays.
_LINE_START = re.compile(r"[\s>#*+\-\d.)]*")
_PLAIN = set(".(){}#+-!")


def unescaped(markdown: str) -> str:
    r"""mammoth's Markdown without the backslashes it puts before all punctuation, where the
    character means nothing to Markdown: `Check \(BP\) hourly\.` reads `Check (BP) hourly.`.

    An escape stays where it matters: before * ` [ ] and backslash always (emphasis, code, links),
    before _ unless between letters, before ! followed by [, and before any character at the start
    of a line's text (a heading, list item, quote or break). The result is still Markdown: raw HTML
    in it stays text when rendered (the renderer escapes it, the sanitiser runs after), so taking
    escapes away never lets a script through.
    """

    def one(line: str) -> str:
        def keep_or_drop(match: re.Match) -> str:
            char, at = match.group(1), match.start()
            if char == "_":
                before, after = line[at - 1 : at], line[match.end() : match.end() + 1]
                return "_" if before.isalnum() and after.isalnum() else match.group(0)
            if char not in _PLAIN or _LINE_START.fullmatch(line[:at]):
                return match.group(0)
            if char == "!" and line[match.end() : match.end() + 1] == "[":
                return match.group(0)
            return char

        return _ESCAPE.sub(keep_or_drop, line)

    return "\n".join(one(line) for line in markdown.split("\n"))


def _demoted(markdown: str) -> str:
    """Headings one level down: the page's title is its only first-level heading."""
    return _HEADING.sub(r"#\1 ", markdown)


def key_points_from(text: str, title: str) -> str:
    """The document's first paragraphs (not its title), up to four lines: read in two minutes."""
    lines, size = [], 0
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line or line.lower() == title.lower():
            continue
        line = line[:240]
        if size + len(line) > KEY_POINTS_MAX // 2 and lines:
            break
        lines.append(line)
        size += len(line)
        if len(lines) == 4:
            break
    return "\n".join(lines)
