"""API authentication: a bearer token for integrations, or the signed-in session for the browser.

Both are listed on the API (`auth=[BearerToken(), SignedInSession()]`) and tried in
that order, so the OpenAPI document names both schemes. A request that presents a
token is judged by the token alone: a bad token is a 401 even when a session cookie
rides along. Session requests with an unsafe method must pass Django's CSRF check
(the cookie is sent by the browser on its own; the token header is not, so token
requests need none).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from bedside.people.models import Person

NOT_SIGNED_IN = "Not signed in: sign in to Bedside, or send an API token as 'Authorization: Bearer <token>'."
BAD_TOKEN = "That API token is not valid: it is unknown, revoked, or its person may no longer sign in."
WRONG_SCHEME = "Send the API token as 'Authorization: Bearer <token>'; no other scheme is accepted."
CSRF_FAILED = "CSRF check failed: a signed-in browser must send the X-CSRFToken header with this request."
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class BearerToken(HttpBearer):
    """`Authorization: Bearer bsd_...`, an ApiToken acting as its person with that person's grants."""

    def __call__(self, request: HttpRequest) -> Person | None:
        # Parsed here rather than by HttpBearer, which logs the whole header (the token, or
        # any text a client chooses) when the scheme is not "Bearer".
        value = request.headers.get(self.header)
        if not value:
            return None
        scheme, _, token = value.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise AuthenticationError(message=WRONG_SCHEME)
        person = self.authenticate(request, token)
        if person is None:
            raise AuthenticationError(message=BAD_TOKEN)
        return person

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        from bedside.people.tokens import person_for_token

        person = person_for_token(token.strip()) if token.strip() else None
        if person is not None:
            # Views, logs and the audit trail read request.user, as for a browser.
            request.user = person
        return person


class SignedInSession(APIKeyCookie):
    """Django's session cookie; unsafe methods must also pass the CSRF check."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Person:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # Anonymous is told to sign in (401) before any CSRF verdict (403).
            raise AuthenticationError(message=NOT_SIGNED_IN)
        if (
            self.csrf
            and request.method not in SAFE_METHODS
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise HttpError(403, CSRF_FAILED)
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Person | None:
        user = request.user
        return user if user.is_authenticated else None


def api_auth() -> list:
    """The API's authentication, in the order it is tried."""
    return [BearerToken(), SignedInSession(csrf=True)]
