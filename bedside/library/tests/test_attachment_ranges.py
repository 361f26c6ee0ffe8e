"""A library file answers byte ranges, as a phone's video player needs: the start, the middle, the
end, a range past the end (416), an If-Range for an older file (the whole file); and the access
check comes first, so a range request by someone who may not open the file learns nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bedside.library.attachments import attachment_add
from bedside.library.tests.conftest import publish

pytestmark = pytest.mark.django_db
# An MP4's first box (what the upload check reads) and then 300 KB that differ every byte.
VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(i * 7 % 251 for i in range(300_000))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def video(make_resource, curator, reviewer):
    """The URL of a published resource's MP4."""
    draft = make_resource("Grand rounds: sepsis in 2026", published=False)
    attachment_add(version=draft, upload=SimpleUploadedFile("rounds.mp4", VIDEO), actor=curator)
    version = publish(draft, curator=curator, reviewer=reviewer)
    return reverse("library-attachment", args=[version.attachments.get().pk])


@pytest.fixture
def nurse_client(client, make_person):
    client.force_login(make_person())
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_without_a_range_the_whole_file_comes_and_says_it_takes_ranges(nurse_client, video):
    response = nurse_client.get(video)
    assert response.status_code == 200 and body(response) == VIDEO
    assert response["Content-Length"] == str(len(VIDEO)) and response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="rounds.mp4"'
    assert response["ETag"].startswith('"') and response.has_header("Last-Modified")


@pytest.mark.parametrize(
    ("asked", "start", "end"),
    [
        ("bytes=0-1", 0, 1),  # Safari's first question
        ("bytes=0-99", 0, 99),
        ("bytes=0-", 0, len(VIDEO) - 1),  # Chrome's first question
        ("bytes=150000-150999", 150_000, 150_999),  # seeking into the middle
        ("bytes=-1000", len(VIDEO) - 1000, len(VIDEO) - 1),  # the end, where an MP4 may keep its index
        ("bytes=299000-", 299_000, len(VIDEO) - 1),
    ],
)
def test_a_range_answers_206_with_just_those_bytes(nurse_client, video, asked, start, end):
    response = nurse_client.get(video, headers={"Range": asked})
    assert response.status_code == 206 and body(response) == VIDEO[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(VIDEO)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == "video/mp4" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="rounds.mp4"'


def test_a_range_past_the_end_is_416_with_the_size(nurse_client, video):
    response = nurse_client.get(video, headers={"Range": f"bytes={len(VIDEO)}-"})
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{len(VIDEO)}"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("asked", ["bytes=0-99,200-299", "bytes=oops", "pages=1-2", "bytes=99-0"])
def test_several_or_malformed_ranges_get_the_whole_file(nurse_client, video, asked):
    response = nurse_client.get(video, headers={"Range": asked})
    assert response.status_code == 200 and body(response) == VIDEO


def test_if_range_resumes_the_same_file_and_restarts_a_changed_one(nurse_client, video):
    first = nurse_client.get(video, headers={"Range": "bytes=0-99"})
    etag, modified = first["ETag"], first["Last-Modified"]
    same = nurse_client.get(video, headers={"Range": "bytes=100-199", "If-Range": etag})
    assert same.status_code == 206 and body(same) == VIDEO[100:200]
    by_date = nurse_client.get(video, headers={"Range": "bytes=100-199", "If-Range": modified})
    assert by_date.status_code == 206 and body(by_date) == VIDEO[100:200]
    changed = nurse_client.get(video, headers={"Range": "bytes=100-199", "If-Range": '"an-older-upload"'})
    assert changed.status_code == 200 and body(changed) == VIDEO
    older = nurse_client.get(
        video, headers={"Range": "bytes=100-199", "If-Range": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )
    assert older.status_code == 200 and body(older) == VIDEO


def test_head_gives_the_headers_without_the_bytes(nurse_client, video):
    response = nurse_client.head(video, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206 and response.content == b""
    assert response["Content-Length"] == "100" and response["Content-Range"] == f"bytes 0-99/{len(VIDEO)}"


def test_signed_out_a_range_request_is_sent_to_sign_in_without_a_byte(client, video):
    response = client.get(video, headers={"Range": "bytes=0-99"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not response.has_header("Content-Range") and VIDEO[:16] not in response.content


def test_who_may_not_open_the_resource_gets_404_for_a_range_too(client, video, make_person):
    client.force_login(make_person(role=None))  # an external learner: only public collections
    response = client.get(video, headers={"Range": "bytes=0-99"})
    assert response.status_code == 404 and not response.has_header("Content-Range")
    assert not response.has_header("Accept-Ranges")


def test_a_drafts_file_is_404_to_a_nurse_with_a_range_and_206_to_its_curator(
    client, make_resource, make_person, curator
):
    draft = make_resource("Draft rounds", published=False)
    attachment = attachment_add(version=draft, upload=SimpleUploadedFile("draft.mp4", VIDEO), actor=curator)
    url = reverse("library-attachment", args=[attachment.pk])
    client.force_login(make_person())
    response = client.get(url, headers={"Range": "bytes=0-99"})
    assert response.status_code == 404 and not response.has_header("Content-Range")
    client.force_login(curator)
    response = client.get(url, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206 and body(response) == VIDEO[:100]


def test_a_name_with_a_quote_or_an_accent_is_quoted_by_the_rules(
    nurse_client, make_resource, curator, reviewer
):
    draft = make_resource("Grand rounds: délirium", published=False)
    upload = SimpleUploadedFile('délirium "ICU".mp4', VIDEO)
    attachment_add(version=draft, upload=upload, actor=curator)
    version = publish(draft, curator=curator, reviewer=reviewer)
    response = nurse_client.get(reverse("library-attachment", args=[version.attachments.get().pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert '"ICU"' not in response["Content-Disposition"]  # a bare quote would end the header's value


def test_a_file_missing_from_storage_is_a_404_that_says_so(nurse_client, video, settings):
    for path in settings.MEDIA_ROOT.rglob("*.mp4"):
        path.unlink()
    response = nurse_client.get(video, HTTP_RANGE="bytes=0-99")
    assert response.status_code == 404
    assert "missing from storage" in response.content.decode()
