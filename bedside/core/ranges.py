"""Byte ranges of a stored file (RFC 9110 §14): what lets a phone play a video and a player seek in it.

Safari plays a `<video>` only from a server that answers `Range: bytes=0-1` with 206 Partial Content,
and every browser seeks in a long recording by asking for the bytes from that point on. Django's
FileResponse ignores `Range`, and the one package that adds it (django-ranged-response) has not been
released since 2017, has no If-Range and reads through Django's sync path, so this module does it:

- one range (`bytes=a-b`, `bytes=a-`, suffix `bytes=-n`) → 206 with `Content-Range`;
- a range that starts past the end (or `bytes=-0`) → 416 with `Content-Range: bytes */size`;
- no range, a malformed one, another unit or several ranges → the whole file with 200 (RFC 9110
  lets a server ignore `Range`; several ranges would need multipart/byteranges, which no player asks for);
- `If-Range` that does not name this file's ETag (strongly) or Last-Modified → the whole file.

The body is read a block at a time, on a worker thread under ASGI (Django would otherwise read a
file response whole into memory there before sending a byte); a HEAD answer has no body at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from asgiref.sync import sync_to_async
from django.core.files.storage import Storage
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import http_date, parse_http_date_safe

_SPEC = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
_LONGEST_HEADER = 200  # a real single range is far shorter; longer is ignored, not parsed


@dataclass(frozen=True)
class ByteRange:
    """Bytes `start` to `end` of a file, both included (as Content-Range counts them)."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class Unsatisfiable(Exception):
    """The range asks for bytes the file does not have: the answer is 416."""


def parse_range(header: str, *, size: int) -> ByteRange | None:
    """The one range a `Range` header asks for in a file of `size` bytes, or None to send it all.

    None when there is no header, it is malformed, names another unit or several ranges, or the
    file is empty; raises Unsatisfiable when the range starts at or past the end (or asks for the
    last 0 bytes). An end past the file's last byte is cut to it, as RFC 9110 says.
    """
    if not header or len(header) > _LONGEST_HEADER or size <= 0:
        return None
    match = _SPEC.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last n bytes
        wanted = int(last)
        if wanted == 0:
            raise Unsatisfiable
        return ByteRange(max(size - wanted, 0), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None  # invalid: ignored, so the whole file
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)


def if_range_holds(header: str, *, etag: str, last_modified: dt.datetime | None) -> bool:
    """Whether an `If-Range` validator names this very file, so the range may be sent.

    An entity tag must match strongly (a weak one never does, RFC 9110 §13.1.5); a date must be
    the file's Last-Modified to the second. No header holds; anything else does not.
    """
    header = header.strip()
    if not header:
        return True
    if header.startswith(('"', "W/")):
        return not header.startswith("W/") and header == etag
    when = parse_http_date_safe(header)
    return when is not None and last_modified is not None and when == int(last_modified.timestamp())


def etag_for(*, size: int, modified: dt.datetime) -> str:
    """A strong entity tag from a stored file's size and modification time (nginx's recipe).

    Stored files are never rewritten in place (a new upload gets a new name), so these two change
    whenever the bytes could.
    """
    return f'"{int(modified.timestamp() * 1_000_000):x}-{size:x}"'


class FilePartResponse(StreamingHttpResponse):
    """Bytes of an open file from `start`, `length` of them, read one block at a time."""

    block_size = 64 * 1024

    def __init__(self, file: BinaryIO, *, start: int, length: int, **kwargs) -> None:
        self._file, self._start, self._length = file, start, length
        super().__init__(self._blocks(), **kwargs)
        self._resource_closers.append(file.close)
        self.headers["Content-Length"] = str(length)

    def _blocks(self) -> Iterator[bytes]:
        self._file.seek(self._start)
        left = self._length
        while left > 0:
            block = self._file.read(min(self.block_size, left))
            if not block:
                return  # the file shrank underneath: stop rather than pad
            left -= len(block)
            yield block

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # Django's own fallback reads a sync iterator into a list first: a whole recording in memory.
        blocks = iter(self.streaming_content)
        step = sync_to_async(next, thread_sensitive=False)
        while (block := await step(blocks, None)) is not None:
            yield block


def file_response(
    request: HttpRequest,
    file: BinaryIO,
    *,
    size: int,
    content_type: str,
    etag: str,
    last_modified: dt.datetime | None = None,
) -> HttpResponseBase:
    """The answer to a GET or HEAD of an open file: all of it (200), the range asked for (206) or 416.

    Closes the file when the answer is sent (at once for HEAD and 416). Every answer says
    `Accept-Ranges: bytes` and carries the validators a client sends back in If-Range.
    """
    validators = {"Accept-Ranges": "bytes", "ETag": etag}
    if last_modified is not None:
        validators["Last-Modified"] = http_date(last_modified.timestamp())
    wanted = None
    try:
        if if_range_holds(request.headers.get("If-Range", ""), etag=etag, last_modified=last_modified):
            wanted = parse_range(request.headers.get("Range", ""), size=size)
    except Unsatisfiable:
        file.close()
        return HttpResponse(
            f"That range is not in the file: it has {size} bytes.\n",
            status=416,
            content_type="text/plain; charset=utf-8",
            headers={**validators, "Content-Range": f"bytes */{size}"},
        )
    status, start, length = (200, 0, size) if wanted is None else (206, wanted.start, wanted.length)
    headers = validators if wanted is None else {**validators, "Content-Range": wanted.content_range(size)}
    if request.method == "HEAD":
        file.close()
        response = HttpResponse(b"", status=status, content_type=content_type, headers=headers)
        response.headers["Content-Length"] = str(length)  # what the GET would send
        return response
    return FilePartResponse(
        file, start=start, length=length, status=status, content_type=content_type, headers=headers
    )


def stored_file_response(
    request: HttpRequest, *, storage: Storage, name: str, content_type: str
) -> HttpResponseBase:
    """`file_response` for a file kept in a Django storage, validated by its size and modification time."""
    size, modified = storage.size(name), storage.get_modified_time(name)
    return file_response(
        request,
        storage.open(name, "rb"),
        size=size,
        content_type=content_type,
        etag=etag_for(size=size, modified=modified),
        last_modified=modified,
    )
