"""Reads of the ledger: current records (not superseded) and transcripts."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from bedside.people.models import Person
from bedside.records.models import Record, Verb


def current_records() -> QuerySet[Record]:
    """Records no correction has superseded, voids left out."""
    return Record.objects.exclude(Exists(Record.objects.filter(supersedes=OuterRef("pk")))).exclude(
        verb=Verb.VOIDED
    )


def transcript(person: Person) -> QuerySet[Record]:
    """A person's current records, newest first, with item and version in the same query."""
    return (
        current_records()
        .filter(person=person)
        .select_related("item", "version", "recorded_by")
        .order_by("-at", "pk")
    )
