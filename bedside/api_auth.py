"""API authentication: a bearer token for integrations, or the signed-in session for the browser."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer


class SessionOrToken(HttpBearer):
    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str):
        from bedside.people.tokens import person_for_token

        person = person_for_token(token)
        if person is not None:
            request.user = person
        return person
