"""Writes to the ledger. Every record is added here, and every correction supersedes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bedside.audit.services import audit
from bedside.people import access
from bedside.people.models import Capability, Person
from bedside.records.hooks import record_corrected, records_added
from bedside.records.kinds import accepted_kind
from bedside.records.models import ItemVersion, LearningItem, Record, SourceKind, Verb


@transaction.atomic
def record_add(
    *,
    person: Person,
    item: LearningItem,
    verb: str,
    by: Person | None,
    at: dt.datetime | None = None,
    version: ItemVersion | None = None,
    score: Decimal | None = None,
    credit_amount: Decimal | None = None,
    credit_type: str = "",
    valid_until: dt.datetime | None = None,
    evidence: str = "",
    source_kind: str = SourceKind.PERSON,
    source_ref: str = "",
) -> Record:
    """Append one record to the ledger and audit it; the item's kind must take `verb`."""
    accepted_kind(item, verb)
    if version is not None and version.item_id != item.pk:
        raise ValidationError("The version belongs to another item.")
    record = Record.objects.create(
        person=person,
        item=item,
        version=version,
        verb=verb,
        at=at or timezone.now(),
        score=score,
        credit_amount=credit_amount,
        credit_type=credit_type,
        valid_until=valid_until,
        evidence=evidence,
        source_kind=source_kind,
        source_ref=source_ref,
        recorded_by=by,
    )
    audit(
        actor=by,
        action="record.add",
        target=record,
        changes={"person": person.pk, "item": item.pk, "verb": verb},
    )
    records_added(records=[record])
    return record


CORRECTORS = (Capability.TEACH, Capability.VALIDATE, Capability.MANAGE)


def require_corrector(by: Person, record: Record) -> None:
    if access.is_admin(by):
        return
    if record.person_id == by.pk:
        raise PermissionDenied("You cannot correct your own record: ask your educator or manager.")
    if not access.can(by, CORRECTORS, record.person):
        raise PermissionDenied("You can only correct the records of people on the units you oversee.")


@transaction.atomic
def record_correct(
    *,
    record: Record,
    by: Person,
    reason: str,
    verb: str | None = None,
    at: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    void: bool = False,
) -> Record:
    """Supersede `record` with a corrected copy (or a voiding row), naming who and why.

    Only someone who oversees the person's training (teach, validate or manage over them, or an
    administrator) may, and never on their own record.
    """
    require_corrector(by, record)
    if not reason.strip():
        raise ValidationError("Say why the record is corrected.")
    if verb is not None and not void:
        accepted_kind(record.item, verb)
    if Record.objects.filter(supersedes=record).exists():
        raise ValidationError("This record was already corrected; correct the latest version instead.")
    new = Record.objects.create(
        person_id=record.person_id,
        item_id=record.item_id,
        version_id=record.version_id,
        verb=Verb.VOIDED if void else (verb or record.verb),
        at=at or record.at,
        score=record.score,
        credit_amount=record.credit_amount,
        credit_type=record.credit_type,
        valid_until=valid_until if valid_until is not None else record.valid_until,
        evidence=record.evidence,
        source_kind=SourceKind.PERSON,
        source_ref=str(record.pk),
        recorded_by=by,
        supersedes=record,
        correction_reason=reason,
    )
    audit(
        actor=by,
        action="record.correct",
        target=new,
        changes={"supersedes": str(record.pk), "reason": reason},
    )
    record_corrected(old=record, new=new)
    return new
