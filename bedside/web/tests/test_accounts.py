import datetime as dt
import re
import time

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from bedside.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_lands_on_today_and_wrong_password_says_so(make_person, client):
    make_person(email="ana@example.org")
    bad = client.post(reverse("login"), {"username": "ana@example.org", "password": "nope"})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    good = client.post(reverse("login"), {"username": "ana@example.org", "password": PASSWORD})
    assert good.status_code == 302 and good["Location"] == reverse("today")


def test_repeated_failures_lock_the_account_not_the_workstation(make_person, client, settings):
    make_person(email="ana@example.org")
    make_person(email="ben@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "ana@example.org", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "ana@example.org", "password": PASSWORD})
    assert locked.status_code == 429 and "Too many attempts" in locked.content.decode()
    other = client.post(reverse("login"), {"username": "ben@example.org", "password": PASSWORD})
    assert other.status_code == 302


def test_sign_in_by_e_mail_ignores_case_and_surrounding_spaces(make_person, client):
    make_person(email="nurse@example.org")
    response = client.post(reverse("login"), {"username": "  Nurse@Example.ORG ", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("today")


def test_lockout_counts_failures_per_address_whatever_its_case(make_person, client, settings):
    make_person(email="nurse@example.org")
    spellings = ["nurse@example.org", "Nurse@example.org", "NURSE@EXAMPLE.ORG", "nUrse@example.org"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": spellings[n % len(spellings)], "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "NuRsE@example.org", "password": PASSWORD})
    assert locked.status_code == 429


def test_password_reset_sends_a_working_link(make_person, client, django_capture_on_commit_callbacks):
    make_person(email="ana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "ana@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://localhost:8000(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "a-much-longer-passphrase-2026"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    signed_in = client.post(reverse("login"), {"username": "ana@example.org", "password": new})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("today")


def test_idle_session_ends_and_background_polls_do_not_keep_it_alive(make_person, client, settings):
    person = make_person()
    client.force_login(person)
    assert client.get(reverse("today")).status_code == 200
    session = client.session
    session["last_active"] = int(time.time()) - settings.SESSION_IDLE_SECONDS + 5
    session.save()
    # A background poll does not count as activity...
    client.get(reverse("health"), HTTP_X_BEDSIDE_BACKGROUND="1")
    assert client.session["last_active"] < int(time.time()) - 60
    session = client.session
    session["last_active"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 1
    session.save()
    # ...and once idle too long, the next request signs out.
    response = client.get(reverse("today"))
    assert response.status_code == 302 and "idle=1" in response["Location"]
    assert client.get(reverse("today")).status_code == 302


def test_pages_show_who_is_signed_in_and_the_idle_timer(make_person, client):
    client.force_login(make_person(first_name="Ana", last_name="Lopez"))
    text = client.get(reverse("today")).content.decode()
    assert "Signed in as <strong>Ana Lopez</strong>" in text
    assert 'data-idle-seconds="900"' in text and "Sign out" in text


def test_production_settings_pass_the_deploy_check():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **env,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60 + "-test-only-secret",
        "ALLOWED_HOSTS": "bedside.example.org",
        "BEDSIDE_BASE_URL": "https://bedside.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_activity_is_noted_at_most_once_a_minute(make_person, client):
    client.force_login(make_person())
    start = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert client.get(reverse("today")).status_code == 200
        noted = client.session["last_active"]
        assert noted == int(start.timestamp())
        clock.shift(30)
        # Within the minute the session is not written again (no UPDATE per page view)...
        assert client.get(reverse("today")).status_code == 200
        assert client.session["last_active"] == noted
        clock.shift(31)
        # ...after it, the new activity is noted.
        assert client.get(reverse("today")).status_code == 200
        assert client.session["last_active"] == noted + 61
