"""Open Badges 3.0: the credential validates against 1EdTech's published schema, the signature verifies,
and a changed badge fails (tests/data/README.md says where the schema comes from)."""

import base64
import json
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse

from bedside.credits import badges
from bedside.credits.tests.conftest import START
from bedside.testing.credits import attend_and_claim, credit_activity

pytestmark = pytest.mark.django_db
SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "ob_v3p0_achievementcredential_schema.json").read_text()
)


@pytest.fixture
def claim(make_person):
    activity = credit_activity(starts_at=START, accreditor_activity_id="2026-GR-17")
    person = make_person(role="MD", first_name="Ana", last_name="Okafor", email="ana.okafor@example.org")
    return attend_and_claim(activity, person)


def _payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _with_payload(token: str, payload: dict) -> str:
    header, _, signature = token.split(".")
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return f"{header}.{body}.{signature}"


def test_credential_validates_against_the_open_badges_schema(claim):
    vc = badges.credential(claim)
    jsonschema.Draft201909Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(vc)
    assert "OpenBadgeCredential" in vc["type"] and vc["credentialSubject"]["creditsEarned"] == 1.0
    assert vc["credentialSubject"]["achievement"]["humanCode"] == "2026-GR-17"


def test_the_schema_refuses_a_credential_without_its_achievement(claim):
    vc = badges.credential(claim)
    del vc["credentialSubject"]["achievement"]
    with pytest.raises(jsonschema.ValidationError, match="achievement"):
        jsonschema.Draft201909Validator(SCHEMA).validate(vc)


def test_signed_badge_verifies_and_its_payload_is_the_credential(claim):
    token = badges.badge_jwt(claim)
    payload = _payload(token)
    jsonschema.Draft201909Validator(SCHEMA).validate(payload)
    assert payload["iss"] == badges.issuer_id() and payload["jti"] == payload["id"]
    result = badges.verify(token)
    assert result.valid and result.claim == claim
    assert badges.badge_jwt(claim) == token  # Ed25519 is deterministic: the same claim, the same badge


def test_a_tampered_badge_fails(claim):
    token = badges.badge_jwt(claim)
    payload = _payload(token)
    payload["credentialSubject"]["creditsEarned"] = 10.0
    result = badges.verify(_with_payload(token, payload))
    assert not result.valid and "signature does not match" in result.reason
    assert not badges.verify("not.a-badge").valid
    assert not badges.verify("garbage").valid


def test_a_badge_signed_with_another_key_fails(claim, settings):
    token = badges.badge_jwt(claim)
    settings.BEDSIDE_BADGE_KEY = base64.urlsafe_b64encode(b"k" * 32).decode().rstrip("=")
    assert not badges.verify(token).valid


def test_public_pages_verify_and_publish_the_key(client, claim):
    token = badges.badge_jwt(claim)
    page = client.post(reverse("credits-verify-badge"), {"badge": token})
    assert (
        page.status_code == 200
        and "Verified" in page.content.decode()
        and "Ana Okafor" in page.content.decode()
    )
    bad = client.post(reverse("credits-verify-badge"), {"badge": token[:-4] + "AAAA"})
    assert bad.status_code == 422 and "Not verified" in bad.content.decode()
    profile = client.get(reverse("credits-issuer")).json()
    assert profile["publicKey"]["kty"] == "OKP" and "d" not in profile["publicKey"]


def test_learner_downloads_their_badge_and_nobody_else_does(client, claim, make_person):
    client.force_login(claim.person)
    response = client.get(reverse("credits-badge", args=[claim.code]))
    assert response.status_code == 200 and badges.verify(response.content.decode()).valid
    client.force_login(make_person())
    assert client.get(reverse("credits-badge", args=[claim.code])).status_code in (403, 404)
