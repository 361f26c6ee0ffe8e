"""API tokens: issue one (shown once), and find the person a presented token acts for."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.people.models import ApiToken, Person, PersonStatus


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_issue(*, person: Person, name: str, by: Person | None = None) -> str:
    token = "bsd_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(person=person, name=name, prefix=token[4:12], key_hash=_digest(token))
    audit(actor=by or person, action="api_token.issue", target=row, changes={"name": name})
    return token


def person_for_token(token: str) -> Person | None:
    row = (
        ApiToken.objects.select_related("person")
        .filter(key_hash=_digest(token), revoked_at__isnull=True, person__is_active=True)
        .exclude(person__status=PersonStatus.TERMINATED)
        .first()
    )
    if row is None:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.person
