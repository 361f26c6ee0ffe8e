"""Nothing secret or client-controlled reaches the log unescaped."""

import json
import logging

import pytest

from bedside.people.tokens import token_issue
from bedside.testing.api import api_url
from bedside.web.logging import REDACTED, JsonFormatter


def _line(msg: str, *args, **extra) -> str:
    record = logging.makeLogRecord({"name": "t", "levelname": "ERROR", "msg": msg, "args": args, **extra})
    return JsonFormatter().format(record)


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", ["Token", "token", "Basic", "bsd"])
def test_a_token_sent_with_the_wrong_scheme_is_401_and_never_logged(
    client, make_person, caplog, settings, scheme
):
    settings.DEBUG = True  # django-ninja logs the raw header only in debug; nothing may log it at all
    token = token_issue(person=make_person(), name="Integration")
    caplog.set_level(logging.DEBUG)

    response = client.get(api_url("persons-list"), headers={"Authorization": f"{scheme} {token}"})

    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    secret = token.removeprefix("bsd_")
    assert caplog.records, "the request itself is logged"
    for record in caplog.records:
        assert secret not in record.getMessage()
        assert secret not in json.dumps(vars(record), default=str)


def test_formatter_escapes_control_characters_so_a_client_cannot_forge_lines():
    line = _line("Not Found: %s", '/x\n{"level": "INFO", "msg": "forged"}\x1b[31m')
    assert "\n" not in line and "\x1b" not in line
    assert json.loads(line)["msg"] == 'Not Found: /x\n{"level": "INFO", "msg": "forged"}\x1b[31m'


def test_formatter_redacts_tokens_and_credentials_in_messages_and_extra_fields():
    line = _line(
        "Unexpected auth - '%s'",
        "Token bsd_AbCdEfGh12345678_-xyz",
        path="/api/?t=bsd_ZZZZZZZZZZZZ",
        note="Authorization: Bearer abcdefgh.ijkl",
    )
    payload = json.loads(line)
    assert "AbCdEfGh" not in line and "ZZZZZZZZ" not in line and "abcdefgh" not in line
    assert payload["msg"] == f"Unexpected auth - '{REDACTED}'"
    assert payload["path"] == f"/api/?t={REDACTED}"


def test_formatter_drops_fields_that_hold_headers_or_cookies():
    payload = json.loads(_line("request", headers={"Authorization": "x"}, cookie="sessionid=1", status=200))
    assert "headers" not in payload and "cookie" not in payload
    assert payload["status"] == 200
