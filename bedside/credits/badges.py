"""Open Badges 3.0 credentials for claims: an OpenBadgeCredential, signed as a VC-JWT (Ed25519).

The credential follows the 1EdTech Open Badges 3.0 data model (a W3C Verifiable Credential,
validated in tests against the published AchievementCredential JSON schema). It is signed as a
compact JWS (VC-JWT, `alg` EdDSA over Ed25519, the proof format Open Badges 3.0 names besides
Data Integrity) with joserfc, a maintained JOSE library by the author of Authlib that implements
OKP keys and EdDSA on top of `cryptography`. The JWT payload is the credential itself with the
registered claims `iss`, `jti`, `sub` and `nbf` added, as Open Badges 3.0 describes for VC-JWT.

Ed25519 signatures are deterministic, so the same claim always gives the same badge: nothing is
stored beyond the claim. The issuer's public key is published at `credits-issuer` (a Profile with
a JWK), so anyone can verify a badge, and `credits-verify-badge` does it on a public page.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import warnings
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey

from bedside.credits import credit_types
from bedside.credits.activities import cancelled_on
from bedside.credits.models import Claim

CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
ALG = "EdDSA"  # RFC 8037; Open Badges 3.0 verifiers know it (joserfc now prefers the newer name "Ed25519")
KEY_ID = "key-1"


def _base() -> str:
    return settings.BEDSIDE_BASE_URL.rstrip("/")


def _seed() -> bytes:
    raw = settings.BEDSIDE_BADGE_KEY
    if raw:
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    return hashlib.sha256(f"{settings.SECRET_KEY}:open-badges-signing".encode()).digest()


def signing_key() -> OKPKey:
    return OKPKey.import_key(Ed25519PrivateKey.from_private_bytes(_seed()))


def public_jwk() -> dict:
    return {**signing_key().as_dict(private=False), "kid": KEY_ID, "use": "sig", "alg": ALG}


def issuer_id() -> str:
    return _base() + reverse("credits-issuer")


def issuer_profile(provider_name: str = "") -> dict:
    """The issuer's Open Badges Profile, with the public key that verifies its badges."""
    return {
        "@context": CONTEXT,
        "id": issuer_id(),
        "type": ["Profile"],
        "name": provider_name or getattr(settings, "BEDSIDE_SYSTEM_NAME", "") or "Bedside",
        "url": _base() + "/",
        "publicKey": public_jwk(),
    }


def credential_id(claim: Claim) -> str:
    return _base() + reverse("credits-verify", args=[claim.code])


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential(claim: Claim) -> dict:
    """The OpenBadgeCredential for a claim (unsigned: the JWT carries it)."""
    activity = claim.activity
    person = claim.person
    label = credit_types.label_of(claim.credit_type)
    offer = activity.offers.filter(credit_type=claim.credit_type).first()
    salt = claim.code
    email_hash = hashlib.sha256(f"{(person.email or '').lower()}{salt}".encode()).hexdigest()
    achievement = {
        "id": _base() + reverse("credits-activity", args=[activity.pk]),
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": activity.title,
        "description": activity.description
        or f"{activity.get_format_display()} by {activity.provider_name}.",
        "criteria": {
            "narrative": "Attended the activity, completed its evaluation and claimed credit commensurate with participation."
        },
        "creator": {"id": issuer_id(), "type": ["Profile"], "name": activity.provider_name},
        "fieldOfStudy": "Continuing medical education",
        "tag": [label],
    }
    if offer is not None:
        achievement["creditsAvailable"] = float(offer.max_amount)
    if activity.accreditor_activity_id:
        achievement["humanCode"] = activity.accreditor_activity_id
    return {
        "@context": CONTEXT,
        "id": credential_id(claim),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{claim.amount} {label}: {activity.title}",
        "description": f"{person.full_name} earned {claim.amount} {label} for {activity.title}.",
        "issuer": {
            "id": issuer_id(),
            "type": ["Profile"],
            "name": activity.provider_name,
            "url": _base() + "/",
        },
        "issuanceDate": _utc(claim.claimed_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": f"sha256${email_hash}",
                    "identityType": "emailAddress",
                    "salt": salt,
                },
                {
                    "type": "IdentityObject",
                    "hashed": False,
                    "identityHash": person.full_name,
                    "identityType": "name",
                },
            ],  # fmt: skip
            "achievement": achievement,
            "creditsEarned": float(claim.amount),
            "activityStartDate": _utc(activity.starts_at),
            "activityEndDate": _utc(activity.ends_at),
        },
        "credentialSchema": [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def badge_jwt(claim: Claim) -> str:
    """The signed badge: a compact JWS whose payload is the credential plus iss, jti, sub and nbf."""
    vc = credential(claim)
    payload = {
        **vc,
        "iss": vc["issuer"]["id"],
        "jti": vc["id"],
        "sub": vc["id"] + "#subject",
        "nbf": int(claim.claimed_at.timestamp()),
    }
    header = {"alg": ALG, "typ": "JWT", "kid": f"{issuer_id()}#{KEY_ID}"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jwt.encode(header, payload, signing_key(), algorithms=[ALG])


@dataclass(frozen=True)
class Verification:
    valid: bool
    reason: str
    credential: dict | None = None
    claim: Claim | None = None


def verify(token: str) -> Verification:
    """Check a badge: our signature, our issuer, and a claim that still stands behind it."""
    token = (token or "").strip()
    if token.count(".") != 2:
        return Verification(False, "This is not a signed badge: paste the whole text of the .jwt file.")
    public = OKPKey.import_key(signing_key().as_dict(private=False))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            decoded = jwt.decode(token, public, algorithms=[ALG])
    except JoseError:
        return Verification(
            False, "The signature does not match: this badge was changed or was not issued here."
        )
    except (ValueError, TypeError):
        return Verification(False, "This is not a signed badge: paste the whole text of the .jwt file.")
    vc = decoded.claims
    if vc.get("iss") != issuer_id() or "OpenBadgeCredential" not in (vc.get("type") or []):
        return Verification(False, "This badge was not issued by this Bedside.", vc)
    code = str(vc.get("id", "")).rstrip("/").rsplit("/", 1)[-1]
    claim = Claim.objects.select_related("activity", "person").filter(code=code).first()
    if claim is None:
        return Verification(
            False, "The signature is ours, but the claim behind this badge no longer exists.", vc
        )
    if float(claim.amount) != vc.get("credentialSubject", {}).get("creditsEarned"):
        return Verification(
            False, "The signature is ours, but the credit in this badge does not match the record.", vc
        )
    reason = "Verified: signed by this Bedside, and the claim stands."
    if claim.activity.cancelled_at is not None:
        reason += f" {cancelled_on(claim.activity)}, after this credit was claimed."
    return Verification(True, reason, vc, claim)
