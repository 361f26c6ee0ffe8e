"""Byte ranges: which part of a file a `Range` header asks for, when If-Range lets it be sent, and
the answer a player gets (206 with the bytes, 416, or the whole file)."""

import asyncio
import concurrent.futures
import datetime as dt
import io

import pytest
from django.test import RequestFactory

from bedside.core.ranges import (
    ByteRange,
    FilePartResponse,
    Unsatisfiable,
    etag_for,
    file_response,
    if_range_holds,
    parse_range,
)

SIZE = 1000
MODIFIED = dt.datetime(2026, 3, 4, 5, 6, 7, 890_000, tzinfo=dt.UTC)
ETAG = etag_for(size=SIZE, modified=MODIFIED)
BODY = bytes(range(256)) * 3 + b"x" * (SIZE - 768)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=0-0", ByteRange(0, 0)),
        ("bytes=0-1", ByteRange(0, 1)),  # what Safari asks first
        ("bytes=500-", ByteRange(500, 999)),
        ("bytes=0-", ByteRange(0, 999)),  # what Chrome asks first
        ("bytes=-100", ByteRange(900, 999)),
        ("bytes=-5000", ByteRange(0, 999)),  # a suffix longer than the file is all of it
        ("bytes=990-5000", ByteRange(990, 999)),  # an end past the last byte is cut to it
        ("bytes=999-999", ByteRange(999, 999)),
        ("BYTES=1-2", ByteRange(1, 2)),  # the unit is case-insensitive
        (" bytes = 1 - 2 ", ByteRange(1, 2)),
    ],
)
def test_a_single_range_is_read(header, expected):
    assert parse_range(header, size=SIZE) == expected


@pytest.mark.parametrize(
    "header",
    [
        "",
        "bytes",
        "bytes=",
        "bytes=-",
        "bytes=abc-def",
        "bytes=1-2-3",
        "bytes=-1-2",
        "bytes=5-2",  # the end before the start: invalid, so ignored
        "bytes=1.5-2",
        "items=0-99",  # another unit
        "0-99",
        "bytes=0-99,200-299",  # several ranges: the whole file instead of multipart/byteranges
        "bytes=0-0,-1",
        "bytes=" + "1" * 300 + "-",
    ],
)
def test_a_malformed_header_or_several_ranges_mean_the_whole_file(header):
    assert parse_range(header, size=SIZE) is None


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=1000-1001", "bytes=5000-6000", "bytes=-0"])
def test_a_range_past_the_end_cannot_be_satisfied(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, size=SIZE)


def test_an_empty_file_is_sent_whole_whatever_is_asked():
    assert parse_range("bytes=0-99", size=0) is None
    assert parse_range("bytes=-1", size=0) is None


def test_content_range_counts_both_ends():
    part = ByteRange(900, 999)
    assert part.length == 100 and part.content_range(SIZE) == "bytes 900-999/1000"


def test_if_range_holds_only_for_this_files_strong_etag_or_last_modified():
    def holds(header: str) -> bool:
        return if_range_holds(header, etag=ETAG, last_modified=MODIFIED)

    assert holds("")  # no If-Range: nothing to check
    assert holds(ETAG)
    assert holds("Wed, 04 Mar 2026 05:06:07 GMT")  # the second it was written (HTTP dates drop the rest)
    assert not holds(f"W/{ETAG}")  # a weak tag never matches in If-Range
    assert not holds('"another-file"')
    assert not holds(etag_for(size=SIZE + 1, modified=MODIFIED))
    assert not holds("Wed, 04 Mar 2026 05:06:08 GMT")
    assert not holds("Tue, 03 Mar 2026 05:06:07 GMT")
    assert not holds("yesterday")
    assert not if_range_holds("Wed, 04 Mar 2026 05:06:07 GMT", etag=ETAG, last_modified=None)


def test_the_etag_changes_with_the_size_and_the_time():
    assert ETAG.startswith('"') and ETAG.endswith('"')
    assert etag_for(size=SIZE, modified=MODIFIED + dt.timedelta(microseconds=1)) != ETAG
    assert etag_for(size=SIZE + 1, modified=MODIFIED) != ETAG


def _answer(method: str = "GET", **headers):
    request = RequestFactory().generic(method, "/file", headers=headers)
    return file_response(
        request, io.BytesIO(BODY), size=SIZE, content_type="video/mp4", etag=ETAG, last_modified=MODIFIED
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_no_range_sends_the_whole_file_and_says_ranges_are_accepted():
    response = _answer()
    assert response.status_code == 200 and _body(response) == BODY
    assert response["Content-Length"] == str(SIZE) and response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes" and response["ETag"] == ETAG
    assert response["Last-Modified"] == "Wed, 04 Mar 2026 05:06:07 GMT"
    assert not response.has_header("Content-Range")


def test_a_range_sends_those_bytes_with_206():
    response = _answer(Range="bytes=100-299")
    assert response.status_code == 206 and _body(response) == BODY[100:300]
    assert response["Content-Range"] == "bytes 100-299/1000" and response["Content-Length"] == "200"
    assert response["Accept-Ranges"] == "bytes" and response["Content-Type"] == "video/mp4"


def test_a_range_is_read_a_block_at_a_time(monkeypatch):
    monkeypatch.setattr(FilePartResponse, "block_size", 64)
    response = _answer(Range="bytes=10-")
    blocks = list(response.streaming_content)
    assert [len(b) for b in blocks] == [64] * 15 + [30] and b"".join(blocks) == BODY[10:]


def test_under_asgi_the_range_streams_a_block_at_a_time(monkeypatch):
    monkeypatch.setattr(FilePartResponse, "block_size", 64)
    response = _answer(Range="bytes=-100")

    async def read():
        return [block async for block in response]

    with concurrent.futures.ThreadPoolExecutor(
        1
    ) as pool:  # Playwright's sync API may hold this thread's loop
        blocks = pool.submit(asyncio.run, read()).result()
    assert [len(b) for b in blocks] == [64, 36] and b"".join(blocks) == BODY[-100:]


def test_a_range_past_the_end_is_416_naming_the_size():
    response = _answer(Range="bytes=1000-")
    assert response.status_code == 416 and response["Content-Range"] == "bytes */1000"
    assert "1000 bytes" in response.content.decode()


def test_several_ranges_send_the_whole_file_with_200():
    response = _answer(Range="bytes=0-1,5-6")
    assert response.status_code == 200 and _body(response) == BODY


def test_if_range_for_another_version_sends_the_whole_file():
    response = _answer(Range="bytes=0-99", If_Range='"an-older-version"')
    assert response.status_code == 200 and _body(response) == BODY
    response = _answer(Range="bytes=0-99", If_Range=ETAG)
    assert response.status_code == 206 and _body(response) == BODY[:100]


def test_head_answers_the_headers_of_the_get_without_a_body():
    response = _answer("HEAD", Range="bytes=0-99")
    assert response.status_code == 206 and response.content == b""
    assert response["Content-Length"] == "100" and response["Content-Range"] == "bytes 0-99/1000"
    whole = _answer("HEAD")
    assert whole.status_code == 200 and whole["Content-Length"] == str(SIZE) and whole.content == b""
