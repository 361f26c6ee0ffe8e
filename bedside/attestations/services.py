"""Attestations: create one, and let a person acknowledge it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from bedside.audit.services import audit
from bedside.people import access
from bedside.people.models import Capability, Person
from bedside.records.models import LearningItem, Record, Verb
from bedside.records.queries import current_records
from bedside.records.services import record_add

KIND = "attestation"
AUTHORS = (Capability.TEACH, Capability.CURATE)


@transaction.atomic
def attestation_create(
    *, title: str, statement: str, link: str = "", minutes: int = 3, owner: Person | None = None
):
    """A new attestation item; its owner must be an educator or curator somewhere (None: a job or command)."""
    from bedside.attestations.models import Attestation

    if owner is not None and not access.has_any(owner, AUTHORS):
        raise PermissionDenied("Only educators and curators can write attestations.")
    item = LearningItem.objects.create(kind=KIND, title=title, minutes=minutes, owner=owner)
    attestation = Attestation.objects.create(item=item, statement=statement, link=link)
    audit(actor=owner, action="attestation.create", target=attestation, changes={"title": title})
    return attestation


@transaction.atomic
def attestation_acknowledge(*, person: Person, item: LearningItem, request_origin: str = "") -> Record:
    """Record that `person` attests; a second press within the same requirement returns the first record."""
    from bedside.assignments.models import Assignment

    has_open = Assignment.objects.filter(
        person=person, item=item, current=True, closed_at__isnull=True
    ).exists()
    if not has_open:
        latest = (
            current_records().filter(person=person, item=item, verb=Verb.ACKNOWLEDGED).order_by("-at").first()
        )
        if latest is not None:
            return latest
    # Writing the record is enough: assignments listens to the ledger and closes the requirement.
    return record_add(
        person=person,
        item=item,
        verb=Verb.ACKNOWLEDGED,
        by=person,
        evidence=request_origin or "Attested in Bedside",
    )


@transaction.atomic
def required_attestation_create(
    *, actor: Person, title: str, statement: str, link: str, minutes: int, units, job_roles, terms: dict
):
    """An attestation, the audience that must attest, and the rule that requires it, in one transaction."""
    from bedside.assignments.rules import rule_create
    from bedside.people.services import audience_create

    attestation = attestation_create(
        title=title, statement=statement, link=link, minutes=minutes, owner=actor
    )
    audience = audience_create(name=f"Required: {title}", actor=actor, units=units, job_roles=job_roles)
    return rule_create(name=title, audience=audience, item=attestation.item, actor=actor, **terms)
