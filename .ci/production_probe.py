"""Fetches what a person's first visit needs from a production server; exits non-zero otherwise.

Usage: production_probe.py BASE_URL HOST [STATIC_ROOT [STREAM_PATH SESSION [VIDEO_PATH VIDEO_SIZE]]]. Waits up to 120 s for the server to answer (a busy CI machine).
"""

import json
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

base, host = sys.argv[1], sys.argv[2]
behind_tls_proxy = {"Host": host, "X-Forwarded-Proto": "https"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def get(path: str, headers: dict) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def expect(what: str, ok: bool, detail: str = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {what}{': ' + detail if detail and not ok else ''}")
    if not ok:
        sys.exit(1)


deadline = time.monotonic() + 120
while True:
    try:
        status, _, body = get("/health/", behind_tls_proxy)
        break
    except OSError:  # refused while starting, or a timeout while the workers boot
        if time.monotonic() > deadline:
            expect("gunicorn answers within 120 s", False, base)
        time.sleep(0.5)

health = json.loads(body)
expect("/health/ answers 200 with status ok", status == 200 and health.get("status") == "ok", repr(health))

status, headers, _ = get("/accounts/login/", {"Host": host})
expect("plain http is redirected to https", status == 301, f"{status}")
expect("the redirect keeps the host", headers.get("Location", "").startswith(f"https://{host}/"))

status, headers, body = get("/accounts/login/", behind_tls_proxy)
page = body.decode()
expect("the sign-in page answers 200", status == 200, f"{status} {page[:300]}")
stylesheet = re.search(r'href="(/static/css/bedside\.[0-9a-f]{12}\.css)"', page)
expect("the page names the stylesheet by its manifest (hashed) name", stylesheet is not None)

status, headers, css = get(stylesheet.group(1), behind_tls_proxy)
expect("the stylesheet answers 200 as CSS", status == 200 and "text/css" in headers.get("Content-Type", ""))
expect("hashed static files are cached for long", "max-age=315360000" in headers.get("Cache-Control", ""))
expect("the stylesheet is not empty", len(css) > 100)

status, _, _ = get("/admin/login/", behind_tls_proxy)
expect("the admin's sign-in page answers 200", status == 200, f"{status}")

if len(sys.argv) > 3:
    # The admin's forms.css imports widgets.css: the manifest must rewrite it to a file that is served.
    manifest = json.loads(Path(sys.argv[3], "staticfiles.json").read_text())["paths"]
    forms_css = manifest["admin/css/forms.css"]
    status, _, body = get(f"/static/{forms_css}", behind_tls_proxy)
    expect("the admin's forms.css answers 200", status == 200, f"{status}")
    imported = re.search(r"@import url\(['\"]?([^'\")]+)", body.decode())
    expect("forms.css imports a hashed widgets.css", bool(imported) and "widgets." in imported.group(1))
    folder = forms_css.rsplit("/", 1)[0]
    status, _, _ = get(f"/static/{folder}/{imported.group(1)}", behind_tls_proxy)
    expect("the widgets.css it imports answers 200", status == 200, f"{status} {imported.group(1)}")

stream_path, session = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else (None, None)
if stream_path:
    # The live dialogue's stream is served by the ASGI worker without a thread per viewer: it must
    # answer at once with server-sent events and stay open (read only its first message here).
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", stream_path, headers={**behind_tls_proxy, "Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    expect("the live stream answers 200", response.status == 200, f"{response.status}")
    expect(
        "the live stream is server-sent events",
        response.getheader("Content-Type", "").startswith("text/event-stream"),
        response.getheader("Content-Type", ""),
    )
    expect("the live stream is not cached", "no-store" in response.getheader("Cache-Control", ""))
    first = response.read(6)
    expect("the live stream sends its first message at once", first == b"retry:", repr(first))
    conn.close()

video_path, video_size = (sys.argv[6], int(sys.argv[7])) if len(sys.argv) > 7 else (None, 0)
if video_path:
    # A phone's player asks a library video for byte ranges (Safari plays nothing without 206); the
    # file is bytes 0..255 over and over, so any range's content is known.
    signed_in = {**behind_tls_proxy, "Cookie": f"sessionid={session}"}
    whole = bytes(range(256)) * (video_size // 256)
    status, headers, body = get(video_path, {**signed_in, "Range": "bytes=0-99"})
    expect("a video's first 100 bytes answer 206", status == 206, f"{status}")
    expect(
        "with Content-Range and Content-Length",
        headers.get("Content-Range") == f"bytes 0-99/{video_size}" and headers.get("Content-Length") == "100",
        repr(headers),
    )
    expect("and just those bytes", body == whole[:100], f"{len(body)} bytes")
    status, headers, body = get(video_path, {**signed_in, "Range": "bytes=500000-500999"})
    expect("a range in the middle answers those bytes", status == 206 and body == whole[500_000:501_000])
    status, headers, body = get(video_path, {**signed_in, "Range": "bytes=-1000"})
    expect("the last 1000 bytes", status == 206 and body == whole[-1000:], f"{status} {len(body)}")
    status, headers, _ = get(video_path, {**signed_in, "Range": f"bytes={video_size}-"})
    expect("a range past the end answers 416", status == 416, f"{status}")
    expect("naming the size", headers.get("Content-Range") == f"bytes */{video_size}", repr(headers))
    status, headers, body = get(video_path, signed_in)
    expect("without a range the whole video answers 200", status == 200 and body == whole, f"{status}")
    expect("saying it takes ranges", headers.get("Accept-Ranges") == "bytes", repr(headers))
    status, headers, _ = get(video_path, {**behind_tls_proxy, "Range": "bytes=0-99"})
    expect(
        "signed out, a range is sent to sign in",
        status == 302 and "Content-Range" not in headers,
        f"{status}",
    )
