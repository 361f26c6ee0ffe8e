"""/health/ keeps its database check live and its migration check cheap; the audit's "from where"."""

import pytest
from django.db import DatabaseError
from django.test import RequestFactory
from django.urls import reverse

from bedside.audit.models import AuditEntry
from bedside.web import health
from bedside.web.client_address import client_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted_executor(monkeypatch):
    """Counts how often the migration executor is built; /health/ starts as a fresh process."""
    built = []
    real = health.MigrationExecutor

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(health, "MigrationExecutor", counting)
    monkeypatch.setattr(health, "_migrations_applied", False)
    return built


def test_health_checks_migrations_until_applied_then_never_again(client, counted_executor):
    for _ in range(3):
        assert client.get(reverse("health")).json()["migrations_pending"] == 0
    assert len(counted_executor) == 1


def test_health_keeps_looking_while_migrations_are_pending(client, counted_executor, monkeypatch):
    monkeypatch.setattr(health, "_pending_migrations", lambda: 2)
    response = client.get(reverse("health"))
    assert response.status_code == 503 and response.json()["status"] == "migrations pending"


def test_health_still_checks_the_database_on_every_probe(client, counted_executor, monkeypatch):
    assert client.get(reverse("health")).status_code == 200

    def unreachable(self, *args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", unreachable)
    response = client.get(reverse("health"))
    assert response.status_code == 503 and response.json()["status"] == "error"


def _request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("10.0.0.2", "203.0.113.9")) == "10.0.0.2"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_forwarded(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_address(_request("10.0.0.2", "203.0.113.9")) == "203.0.113.9"
    # A forged left part is not believed: only what the trusted proxy appended counts.
    assert client_address(_request("10.0.0.2", "198.51.100.1, 203.0.113.9")) == "203.0.113.9"
    # Two trusted hops in a row hand over to the address before them.
    assert client_address(_request("10.0.0.2", "203.0.113.9, 10.0.0.7")) == "203.0.113.9"


def test_a_request_not_from_a_trusted_proxy_keeps_its_own_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_address(_request("192.0.2.50", "203.0.113.9")) == "192.0.2.50"


def test_garbage_in_the_forwarded_header_falls_back_to_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5", "::1"]
    assert client_address(_request("10.0.0.5", "not-an-address\n\x1b[31m")) == "10.0.0.5"
    assert client_address(_request("10.0.0.5")) == "10.0.0.5"
    assert client_address(_request("::1", "2001:db8::7")) == "2001:db8::7"


@pytest.mark.parametrize(
    "trusted,expected",
    [([], "10.0.0.2"), (["10.0.0.0/24"], "203.0.113.9")],
)
def test_the_audit_records_the_client_behind_a_trusted_proxy(
    client, make_person, make_attestation, settings, trusted, expected
):
    settings.TRUSTED_PROXIES = trusted
    client.force_login(make_person())
    item = make_attestation().item
    client.post(
        reverse("attestation", args=[item.pk]), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    origins = set(AuditEntry.objects.values_list("origin", flat=True).exclude(origin=""))
    assert origins == {expected}


def test_a_bad_trusted_proxies_setting_stops_the_start_up():
    import os
    import subprocess
    import sys

    env = {**os.environ, "TRUSTED_PROXIES": "10.0.0.0/24, proxy.local"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "bedside.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.local' is not an IP address" in result.stderr
