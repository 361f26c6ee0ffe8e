"""Apps above the ledger learn of corrections here, without `records` importing them."""

from __future__ import annotations

from collections.abc import Callable

from bedside.records.models import Record

_on_correction: list[Callable[..., None]] = []


def on_correction(callback: Callable[..., None]) -> None:
    """Register `callback(old=Record, new=Record)`, called inside the correcting transaction."""
    if callback not in _on_correction:
        _on_correction.append(callback)


def record_corrected(*, old: Record, new: Record) -> None:
    for callback in list(_on_correction):
        callback(old=old, new=new)
