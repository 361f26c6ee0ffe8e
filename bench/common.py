"""Shared by the benches: the PostgreSQL bench database, Django set-up, timing and results.

Every bench runs against its own database (`bedside_bench` unless BENCH_DATABASE says
otherwise) on the PostgreSQL server of BENCH_PG_URL, and writes bench/results/<name>.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
SERVER_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DATABASE", "bedside_bench")
STAFF = int(os.environ.get("BENCH_STAFF", "80000"))
DAYS = int(os.environ.get("BENCH_DAYS", "28"))
RECORDS = int(os.environ.get("BENCH_RECORDS", "5000000"))
SEED = 1
HOST = "bedside.example.org"  # the host name the benches' servers answer to


def _admin_connection():
    import psycopg

    return psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True)


def database_exists() -> bool:
    with _admin_connection() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone() is not None


def drop_database(name: str | None = None) -> None:
    """Drop `name` (by default the bench's DATABASE as it is when called) if it is there."""
    from psycopg import sql

    name = name or DATABASE

    with _admin_connection() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def recreate_database(name: str | None = None) -> str:
    """An empty database `name` (by default the bench's DATABASE as it is when called, so a bench
    that sets `common.DATABASE` to its own gets its own) on the bench server, dropped first if it
    was there; its URL."""
    from psycopg import sql

    name = name or DATABASE

    drop_database(name)
    with _admin_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{SERVER_URL}/{name}"


def server_version() -> str:
    """The bench server's PostgreSQL version, without Django."""
    with _admin_connection() as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def setup_django() -> None:
    """Point Django at the bench database, as production would run it (no query logging)."""
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bedside.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    # DEBUG keeps the embedded static files set-up; turning it off here stops query logging and
    # template debugging, which production does not pay for either.
    settings.DEBUG = False


def setup_child() -> None:
    """In a bench's child process: Django on the DATABASE_URL its parent gave, migrated, without
    query logging."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bedside.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def run_child(script: str, vendor: str, database_url: str, *, echo_stderr: bool = False) -> dict:
    """Run `script --child vendor` on a database in a fresh process; the figures it printed last."""
    env = {**os.environ, "DATABASE_URL": database_url}
    out = subprocess.run(
        [sys.executable, script, "--child", vendor], env=env, check=True, capture_output=True, text=True
    )
    if echo_stderr:
        sys.stderr.write(out.stderr[-4000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def on_each_database(
    name: str,
    script: str,
    pg_database: str,
    vendors: list[str] | None,
    figures: dict | None = None,
    *,
    echo_stderr: bool = False,
    load: bool = True,
) -> dict:
    """A bench measured on a fresh SQLite file and a fresh PostgreSQL database (`pg_database`, dropped
    after), each in its own process (`script --child vendor`, see `run_child`). With both, the figures
    are written as bench/results/<name>.json; with one, printed as JSON."""
    vendors = vendors or ["sqlite", "postgresql"]
    figures = dict(figures or {})
    if "sqlite" in vendors:
        with tempfile.TemporaryDirectory() as folder:
            figures.update(
                run_child(script, "sqlite", f"sqlite:///{folder}/bench.sqlite3", echo_stderr=echo_stderr)
            )
    if "postgresql" in vendors:
        url = recreate_database(pg_database)
        try:
            figures.update(run_child(script, "postgresql", url, echo_stderr=echo_stderr))
        finally:
            drop_database(pg_database)
    if load:
        # A shared machine's load changes every figure several-fold: keep it with them.
        figures["load_average_1min"] = figure(os.getloadavg()[0], "processes", None)
    if set(vendors) == {"sqlite", "postgresql"}:
        import sqlite3

        write_result(
            name, figures, databases=f"PostgreSQL {server_version()}, SQLite {sqlite3.sqlite_version}"
        )
    else:
        print(json.dumps(figures, indent=2))
    return figures


def server_env(work: Path, name: str, database_url: str) -> dict[str, str]:
    """The environment of a production-like server a bench starts (gunicorn), its files under `work`."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bedside.settings",
        "DEBUG": "false",
        "SECRET_KEY": f"bench-{name}-" + "x" * 40,
        "ALLOWED_HOSTS": HOST,
        "BEDSIDE_BASE_URL": f"https://{HOST}",
        "STATIC_ROOT": str(work / "static"),
        "BEDSIDE_DATA_DIR": str(work / "data"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        check=True,
        cwd=ROOT,
    )


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> float:
    """Milliseconds PostgreSQL's COPY takes to write `rows`: the raw baseline of a bulk write."""

    def copy() -> None:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
            for row in rows:
                stream.write_row(row)

    return timed(copy)


def seeded_staff() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('people_person') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM people_person")
        return cursor.fetchone()[0]


def ensure_seeded() -> None:
    """Reuse a seeded bench database, or seed one (see seed_bench.py)."""
    if database_exists():
        setup_django()
        if seeded_staff() >= STAFF * 0.99:
            return
    import seed_bench  # a sibling script: bench/ is on sys.path when a bench runs

    seed_bench.main()


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
            memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    return f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs{memory}"


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def figure(value: float, unit: str, target: float | None, better: str = "lower") -> dict:
    return {"value": round(value, 3), "unit": unit, "target": target, "better": better}


def write_result(name: str, figures: dict[str, dict], *, databases: str | None = None) -> Path:
    """bench/results/<name>.json, and a table on the terminal (`databases` when Django is not set up)."""
    RESULTS.mkdir(exist_ok=True)
    # A shared machine's load changes every figure several-fold: keep it with them.
    figures.setdefault("load_average_1min", figure(os.getloadavg()[0], "processes", None))
    result = {
        "name": name,
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{machine()}, {databases or 'PostgreSQL ' + postgres_version()}",
        "figures": figures,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\n{name}  ({result['machine']})")
    for key, f in figures.items():
        target = f["target"]
        verdict = ""
        if target is not None:
            met = f["value"] <= target if f["better"] == "lower" else f["value"] >= target
            verdict = f"target {target} {f['unit']}: {'met' if met else 'MISSED'}"
        print(f"  {key:<40} {f['value']:>12,.3f} {f['unit']:<8} {verdict}")
    return path


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(fn: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    started = time.perf_counter()
    elapsed: list[float] = []
    yield lambda: elapsed[0] if elapsed else time.perf_counter() - started
    elapsed.append(time.perf_counter() - started)
