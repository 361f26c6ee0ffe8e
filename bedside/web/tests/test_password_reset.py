"""Password reset: throttled per address and per client, the same answer always, mail from a job."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django_tasks import default_task_backend

from bedside.web.models import PasswordResetRequest

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """ask(address, client_address="192.0.2.10") -> the response, with after-commit work run."""

    def post(address: str, client_address: str = "192.0.2.10"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("password_reset"), {"email": address}, REMOTE_ADDR=client_address)

    return post


def test_the_mail_leaves_from_a_background_job_after_commit_not_in_the_request(
    make_person, client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    make_person(email="ana@example.org")

    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        response = client.post(reverse("password_reset"), {"email": "ana@example.org"})
    assert response.status_code == 302
    assert mail.outbox == [] and default_task_backend.results == []

    for callback in after_commit:
        callback()
    [queued] = default_task_backend.results
    assert queued.task.name == "send_password_reset"
    assert mail.outbox == []

    queued.task.call(*queued.args, **queued.kwargs)
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]


def test_requests_for_one_address_are_throttled_whatever_its_case_with_the_same_answer(
    make_person, ask, settings
):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    make_person(email="ana@example.org")
    with time_machine.travel(NOON, tick=False):
        answers = [
            ask(a) for a in ["ana@example.org", "Ana@example.org", "ANA@EXAMPLE.ORG", "ana@example.org"]
        ]
    assert len(mail.outbox) == 3
    assert {(r.status_code, r["Location"]) for r in answers} == {(302, reverse("password_reset_done"))}

    with time_machine.travel(NOON + dt.timedelta(minutes=61), tick=False):
        ask("ana@example.org")
    assert len(mail.outbox) == 4


def test_requests_from_one_client_address_are_throttled_across_addresses(make_person, ask, settings):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 2
    for name in ["ana", "ben", "cy"]:
        make_person(email=f"{name}@example.org")
    with time_machine.travel(NOON, tick=False):
        ask("ana@example.org", "192.0.2.10")
        ask("nobody@example.org", "192.0.2.10")  # unknown addresses count too: the answer is the same
        throttled = ask("ben@example.org", "192.0.2.10")
        elsewhere = ask("cy@example.org", "198.51.100.4")
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "cy@example.org"]
    assert throttled.status_code == elsewhere.status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(ask):
    response = ask("nobody@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_requests_keep_no_readable_address_and_are_pruned_after_a_day(make_person, ask):
    with time_machine.travel(NOON, tick=False):
        ask("ana@example.org")
    stored = PasswordResetRequest.objects.get()
    assert "ana" not in stored.address_digest and stored.client == "192.0.2.10"
    with time_machine.travel(NOON + dt.timedelta(days=1, minutes=1), tick=False):
        ask("ben@example.org")
    assert PasswordResetRequest.objects.count() == 1


def test_the_link_points_at_bedside_base_url_whatever_host_the_request_names(
    make_person, client, settings, django_capture_on_commit_callbacks
):
    settings.BEDSIDE_BASE_URL = "https://bedside.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    make_person(email="ana@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "ana@example.org"}, HTTP_HOST="attacker.example.net")

    [sent] = mail.outbox
    assert "https://bedside.example.org/accounts/reset/" in sent.body
    assert "attacker.example.net" not in sent.body
