"""Anonymous throughput of the public library portal: gunicorn (2 workers, DEBUG=false) on loopback,
the demo library on PostgreSQL (`bedside_bench_public`), and clients asking for the public home,
collection and resource pages and the Atom feed for SECONDS. Half the requests revalidate with the
ETag they were given (as a CDN or a browser does), which the portal answers 304 without rendering.
The clients run on the same 2-core machine as the server, so the figure is a floor.

    .venv/bin/python bench/library_public.py
"""

from __future__ import annotations

import http.client
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import common

PG_DATABASE = "bedside_bench_public"
SECONDS = float(os.environ.get("BENCH_PUBLIC_SECONDS", "15"))
CLIENTS = 8
HOST = common.HOST


def _seed(env: dict) -> list[str]:
    """Migrate and write the demo library into the bench database; returns the public paths."""
    code = """
import random, django
django.setup()
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
from bedside.demo.library import bulk_resources, content_rows, content
from bedside.library.services import collection_create
from bedside.people.models import Person
now = timezone.now()
curator = Person.objects.create(email="librarian@bench.test", first_name="Bench", last_name="Librarian")
resources = bulk_resources(content_rows(nurses=None, clinical=None, covid_latest=True), now=now, today=now.date(),
                           rng=random.Random(1), curator=curator)
for n, (name, slug, description, public) in enumerate(content.COLLECTIONS):
    collection_create(actor=None, name=name, slug=slug, description=description, public=True, licence="CC BY 4.0",
                      attribution="Bench", resources=[r for r in resources if r.pk % 3 == n % 3])
from bedside.library.public import public_resources
print("PATHS", " ".join(["/open/", "/open/feed.atom", *[f"/open/c/{s}/" for _, s, _, _ in content.COLLECTIONS],
                         *[f"/open/r/{r.slug}/" for r in public_resources()[:60]]]))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True, cwd=common.ROOT
    )
    line = next(line for line in out.stdout.splitlines() if line.startswith("PATHS "))
    return line.split()[1:]


def _client(
    port: int, paths: list[str], stop: float, counts: dict, lock: threading.Lock, rng: random.Random
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    etags: dict[str, str] = {}
    done = revalidated = errors = 0
    while time.perf_counter() < stop:
        path = rng.choice(paths)
        headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
        if path in etags and rng.random() < 0.5:
            headers["If-None-Match"] = etags[path]
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        if response.status == 304:
            revalidated += 1
        elif response.status == 200:
            etags[path] = response.getheader("ETag") or ""
        else:
            errors += 1
        done += 1
    with lock:
        counts["done"] += done
        counts["revalidated"] += revalidated
        counts["errors"] += errors


def _wait_until_serving(port: int) -> None:
    """Until a worker answers 200: the socket accepts as soon as gunicorn binds, before its workers
    have loaded Django, and timing from then measured their start-up (2 req/s on a loaded machine)."""
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health/", headers={"Host": HOST, "X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /health/ with 200 within a minute")


def main() -> dict:
    work = Path(tempfile.mkdtemp())
    env = common.server_env(work, "public", common.recreate_database(PG_DATABASE))
    bin_dir = Path(sys.executable).parent
    common.collectstatic(env)
    paths = _seed(env)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "bedside.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--access-logfile", "/dev/null", "--error-logfile", str(work / "gunicorn.log")],
        env=env, cwd=common.ROOT,
    )  # fmt: skip
    try:
        _wait_until_serving(port)
        counts = {"done": 0, "revalidated": 0, "errors": 0}
        lock = threading.Lock()
        started = time.perf_counter()
        stop = started + SECONDS
        threads = [
            threading.Thread(target=_client, args=(port, paths, stop, counts, lock, random.Random(n)))
            for n in range(CLIENTS)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        common.drop_database(PG_DATABASE)
    figures = {
        "public_pages_requests_per_second": common.figure(
            counts["done"] / elapsed, "req/s", None, better="higher"
        ),
        "share_answered_304": common.figure(
            counts["revalidated"] / max(counts["done"], 1), "share", None, better="higher"
        ),
        "errors": common.figure(counts["errors"], "requests", 0),
        "public_paths": common.figure(len(paths), "pages", None, better="higher"),
        "load_average_1min": common.figure(os.getloadavg()[0], "processes", None),
    }
    common.write_result(
        "library_public",
        figures,
        databases=f"PostgreSQL {common.server_version()}, gunicorn 2 workers, {CLIENTS} clients",
    )
    return figures


if __name__ == "__main__":
    main()
