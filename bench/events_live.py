"""Live delivery of the dialogue to a full auditorium: VIEWERS simulated viewers on loopback hold the
stream of one event (server-sent events) from gunicorn with 2 uvicorn workers (DEBUG=false, the
embedded SQLite file, or PostgreSQL `bedside_bench_live` with BENCH_LIVE_DATABASE=postgresql; fan-out
through Redis), an attendee posts QUESTIONS questions over
HTTP, and each viewer's delivery time is measured from just before the POST to the moment its stream
carries the question. Baselines in the same run: one viewer alone on the same servers, and a raw Redis
pub/sub round trip. Then the same without Redis (the servers read the log in the database).
The viewers run on the same 2-core machine as the servers, so the figures are a ceiling.

    .venv/bin/python bench/events_live.py
"""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import common

PG_DATABASE = "bedside_bench_live"
VIEWERS = int(os.environ.get("BENCH_LIVE_VIEWERS", "1000"))
QUESTIONS = int(os.environ.get("BENCH_LIVE_QUESTIONS", "10"))
SESSIONS = 20  # viewers share 20 signed-in people's sessions: the server cannot tell
# SQLite by default: the machine's PostgreSQL allows 100 connections, shared with every other job on it.
DATABASE = os.environ.get("BENCH_LIVE_DATABASE", "sqlite")
ARRIVING = 20  # viewers connecting at once: a room arrives over a minute
HOST = common.HOST
REDIS_URL = "redis://127.0.0.1:6379/0"
TOKEN = re.compile(rb"bench-q(\d+)x")


def _seed(env: dict) -> tuple[int, list[str], str]:
    code = f"""
import datetime as dt, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from bedside.events.services import EventFields, event_create
from bedside.people.models import Department, Job, JobRole, Person, Site, System, Unit
now = timezone.now()
site = Site.objects.create(system=System.objects.create(name="Bench"), code="BEN", name="Bench General")
dept = Department.objects.create(site=site, name="Medicine")
unit = Unit.objects.create(department=dept, site=site, code="B1", name="Bench ward", kind="med_surg")
role = JobRole.objects.create(code="MD", name="Physician")
event = event_create(actor=None, department=dept, fields=EventFields(title="Bench grand rounds",
    starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=3), mode="virtual",
    stream_url="https://stream.example.org/bench"))
keys = []
for n in range({SESSIONS + 1}):
    p = Person.objects.create(email=f"viewer{{n}}@bench.test", first_name="Viewer", last_name=str(n))
    Job.objects.create(person=p, unit=unit, job_role=role, start_date=now.date() - dt.timedelta(days=30))
    s = SessionStore()
    s["_auth_user_id"] = str(p.pk)
    s["_auth_user_backend"] = "bedside.people.backends.StaffStatusBackend"
    s["_auth_user_hash"] = p.get_session_auth_hash()
    s["last_active"] = int(now.timestamp()) + 86400
    s.create()
    keys.append(s.session_key)
print("SEED", event.pk, " ".join(keys))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True, cwd=common.ROOT
    )
    line = next(line for line in out.stdout.splitlines() if line.startswith("SEED "))
    _, event_id, *keys = line.split()
    return int(event_id), keys[:-1], keys[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env: dict, work: Path, port: int) -> subprocess.Popen:
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "bedside.asgi:application", "-k", "bedside.asgi_worker.Worker",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--backlog", "2048",
         "--access-logfile", "/dev/null", "--error-logfile", str(work / f"gunicorn-{port}.log")],
        env=env, cwd=common.ROOT,
    )  # fmt: skip
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health/", headers={"Host": HOST, "X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start; see {work}")


class Viewer:
    def __init__(self, port: int, path: str, session: str):
        self.port, self.path, self.session = port, path, session
        self.open = asyncio.Event()
        self.seen: dict[int, float] = {}
        self.task: asyncio.Task | None = None

    async def run(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: {HOST}\r\nX-Forwarded-Proto: https\r\n"
                f"Accept: text/event-stream\r\nCookie: sessionid={self.session}\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        tail = b""
        try:
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    return
                now = time.perf_counter()
                data = tail + chunk
                if not self.open.is_set() and b"retry:" in data:
                    self.open.set()
                for match in TOKEN.finditer(data):
                    self.seen.setdefault(int(match.group(1)), now)
                tail = data[-64:]
        finally:
            writer.close()


def _post_question(port: int, event_id: int, session: str, n: int) -> float:
    """Posts question n as a browser would (CSRF cookie and token); returns when it was sent."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    https = {"Host": HOST, "X-Forwarded-Proto": "https"}
    conn.request("GET", f"/events/{event_id}/live/", headers={**https, "Cookie": f"sessionid={session}"})
    page = conn.getresponse()
    body = page.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = f"csrfmiddlewaretoken={token}&text=Question+bench-q{n}x+about+the+case"
    headers = {
        **https, "Cookie": f"sessionid={session}; csrftoken={cookie}", "X-Requested-With": "fetch",
        "Content-Type": "application/x-www-form-urlencoded", "Referer": f"https://{HOST}/events/{event_id}/live/",
    }  # fmt: skip
    sent = time.perf_counter()
    conn.request("POST", f"/events/{event_id}/live/questions/", body=form, headers=headers)
    answer = conn.getresponse()
    answer.read()
    if answer.status != 200:
        raise RuntimeError(f"posting a question answered {answer.status}")
    return sent


async def _measure(port: int, event_id: int, keys: list[str], author: str, viewers: int, first: int) -> dict:
    path = f"/events/{event_id}/live/stream/"
    crowd = [Viewer(port, path, keys[n % len(keys)]) for n in range(viewers)]
    connect_started = time.perf_counter()
    # An auditorium arrives over a minute, not in one instant: ARRIVING at a time. (Each request's sync
    # part holds a database connection until its response is built; a thousand at once would need
    # more than PostgreSQL's 100, or a connection pool.)
    for start in range(0, len(crowd), ARRIVING):
        batch = crowd[start : start + ARRIVING]
        for v in batch:
            v.task = asyncio.create_task(v.run())
        await asyncio.wait_for(asyncio.gather(*(v.open.wait() for v in batch)), 120)
    connected_in = time.perf_counter() - connect_started
    held = -1  # PostgreSQL only: the connections the server holds for a thousand viewers
    if DATABASE == "postgresql":
        with common._admin_connection() as conn:
            query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
            held = conn.execute(query, [PG_DATABASE]).fetchone()[0]
    await asyncio.sleep(1.0)
    sent: dict[int, float] = {}
    for n in range(first, first + QUESTIONS):
        sent[n] = await asyncio.to_thread(_post_question, port, event_id, author, n)
        await asyncio.sleep(1.5)
    await asyncio.sleep(2.0)
    samples, missing = [], 0
    for v in crowd:
        for n, at in sent.items():
            if n in v.seen:
                samples.append((v.seen[n] - at) * 1000)
            else:
                missing += 1
        v.task.cancel()
    await asyncio.gather(*(v.task for v in crowd), return_exceptions=True)
    return {"samples": samples, "missing": missing, "connected_in": connected_in, "connections": held}


async def _redis_round_trip(n: int = 50) -> list[float]:
    import redis.asyncio as aioredis

    channel = f"bench-raw-{uuid.uuid4().hex}"
    sub, pub = aioredis.Redis.from_url(REDIS_URL), aioredis.Redis.from_url(REDIS_URL)
    pubsub = sub.pubsub()
    await pubsub.subscribe(channel)
    await pubsub.get_message(timeout=1)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        await pub.publish(channel, b"x" * 300)
        while (await pubsub.get_message(timeout=2)) is None:
            pass
        times.append((time.perf_counter() - started) * 1000)
    await pubsub.aclose()
    await sub.aclose()
    await pub.aclose()
    return times


def main() -> dict:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * VIEWERS + 256)), hard))
    work = Path(tempfile.mkdtemp())
    # SQLite: the embedded file under BEDSIDE_DATA_DIR, shared by both workers.
    database_url = common.recreate_database(PG_DATABASE) if DATABASE == "postgresql" else ""
    env = {
        **common.server_env(work, "live", database_url),
        "BEDSIDE_REDIS_URL": REDIS_URL,
        "BEDSIDE_REDIS_PREFIX": f"bench-live-{uuid.uuid4().hex}:",
    }
    common.collectstatic(env)
    event_id, keys, author = _seed(env)
    figures: dict[str, dict] = {}
    raw = asyncio.run(_redis_round_trip())
    figures["raw_redis_pubsub_round_trip_p95"] = common.figure(common.p95(raw), "ms", None)
    for label, redis_url in (("redis", REDIS_URL), ("database_log", "")):
        port = _free_port()
        server = _start({**env, "BEDSIDE_REDIS_URL": redis_url}, work, port)
        try:
            load_before = os.getloadavg()[0]
            crowd = asyncio.run(
                _measure(port, event_id, keys, author, VIEWERS, first=1000 if label == "redis" else 3000)
            )
            alone = asyncio.run(
                _measure(port, event_id, keys, author, 1, first=2000 if label == "redis" else 4000)
            )
            load_after = os.getloadavg()[0]
        finally:
            server.terminate()
            server.wait(timeout=30)
        samples = crowd["samples"]
        target = 1000.0 if label == "redis" else None
        figures[f"{label}_{VIEWERS}_viewers_delivery_p95"] = common.figure(common.p95(samples), "ms", target)
        figures[f"{label}_{VIEWERS}_viewers_delivery_p50"] = common.figure(common.p50(samples), "ms", None)
        figures[f"{label}_{VIEWERS}_viewers_delivery_max"] = common.figure(max(samples), "ms", None)
        figures[f"{label}_{VIEWERS}_viewers_missed"] = common.figure(crowd["missing"], "deliveries", 0)
        figures[f"{label}_{VIEWERS}_viewers_connected_in"] = common.figure(crowd["connected_in"], "s", None)
        if crowd["connections"] >= 0:
            figures[f"{label}_database_connections_held"] = common.figure(
                crowd["connections"], "connections", None
            )
        figures[f"{label}_one_viewer_delivery_p95"] = common.figure(common.p95(alone["samples"]), "ms", None)
        figures[f"{label}_load_average_during"] = common.figure(
            (load_before + load_after) / 2, "processes", None
        )
    import redis

    version = redis.Redis.from_url(REDIS_URL).info()["redis_version"]
    if DATABASE == "postgresql":
        db = "PostgreSQL " + common.server_version()
    else:
        import sqlite3

        db = f"SQLite {sqlite3.sqlite_version} (WAL)"
    where = f"{db}, Redis {version}, gunicorn 2 uvicorn workers, {VIEWERS} viewers, {QUESTIONS} questions"
    return {"path": str(common.write_result("events_live", figures, databases=where)), "figures": figures}


if __name__ == "__main__":
    main()
