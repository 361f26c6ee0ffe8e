"""Helpers for API tests: headers that authenticate as a person, the API's URLs, ids of a page."""

from __future__ import annotations

from django.urls import reverse

from bedside.people.models import Person
from bedside.people.tokens import token_issue


def bearer(person: Person, name: str = "Test integration") -> dict[str, str]:
    """Request headers carrying a freshly issued API token of `person`."""
    return {"Authorization": f"Bearer {token_issue(person=person, name=name)}"}


def api_url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def ids(response) -> list[int]:
    """The ids of one page of a paginated list answer, in order."""
    return [row["id"] for row in response.json()["items"]]
