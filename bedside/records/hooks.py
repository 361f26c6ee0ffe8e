"""Apps above the ledger learn of new records and corrections here, without `records` importing them.

`assignments` listens to both and closes (or reopens) requirements set-based, so a
feature app, an import or an integration only has to write the record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bedside.records.models import Record

_on_correction: list[Callable[..., None]] = []
_on_added: list[Callable[..., None]] = []


def on_correction(callback: Callable[..., None]) -> None:
    """Register `callback(old=Record, new=Record)`, called inside the correcting transaction."""
    if callback not in _on_correction:
        _on_correction.append(callback)


def on_records_added(callback: Callable[..., None]) -> None:
    """Register `callback(records=Sequence[Record])`, called inside the transaction that wrote them."""
    if callback not in _on_added:
        _on_added.append(callback)


def record_corrected(*, old: Record, new: Record) -> None:
    for callback in list(_on_correction):
        callback(old=old, new=new)


def records_added(*, records: Sequence[Record]) -> None:
    """Announce new ledger rows (one or many: bulk writers announce once per batch)."""
    if not records:
        return
    for callback in list(_on_added):
        callback(records=records)
