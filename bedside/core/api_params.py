"""Query plumbing every API router shares: the page, id bounds, and datetimes read as local time."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema, model_validator

# Largest id the database holds; a bigger number is refused (422) instead of overflowing SQLite.
from bedside.core.forms import MAX_ID

__all__ = ["MAX_ID", "NO_NUL", "Body", "LocalTime", "Page", "IsoDate", "IsoDateTime", "aware", "narrowed"]
# A query or path text without NUL, which PostgreSQL cannot hold or compare (a 500 there).
NO_NUL = r"^[^\x00]*$"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _nul_at(value: object, where: str) -> str | None:
    if isinstance(value, str):
        return where if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        if found := _nul_at(inner, f"{where}.{key}" if where else str(key)):
            return found
    return None


class Body(Schema):
    """A request body: a JSON object and nothing else, whose texts hold no NUL character.

    A ninja schema reads any other value (`false`, `[]`, `"x"`) as an object without
    attributes, so a body whose fields all have defaults would be taken as those defaults;
    and PostgreSQL refuses a NUL in text (a 500 at the write).
    """

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: object) -> object:
        # ninja's own validator has already wrapped the value for attribute access (DjangoGetter).
        raw = getattr(value, "_obj", value)
        if not isinstance(raw, dict):
            raise ValueError("The body must be a JSON object, e.g. {}")
        if where := _nul_at(raw, ""):
            raise ValueError(f"'{where}' holds a NUL character (\\u0000), which no text may hold")
        return value


class Page(PageNumberPagination):
    """`?page=N&page_size=M` (at most 200 a page); answers `{"items": [...], "count": total}`."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1")
        page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Rows a page, at most 200")

    def __init__(self, **kwargs) -> None:
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


def _iso_only(value: object) -> object:
    # Pydantic reads a bare number as seconds since 1970: "to=0.5" would mean 1 January 1970.
    if isinstance(value, int | float) or (
        isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit()
    ):
        raise ValueError("Give a date and time in ISO 8601, e.g. 2026-03-10T07:00:00Z, not a number")
    return value


IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_only)]
"""A date-time parameter that accepts ISO 8601 only."""


def _iso_date_only(value: object) -> object:
    # As for date-times, a bare number is not a date; and a day at the calendar's edge has no next day.
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().lstrip("+-").isdigit()):
        raise ValueError("Give a date in ISO 8601, e.g. 2026-03-10, not a number")
    return value


def _plausible(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 2999:
        raise ValueError("Give a date between the years 1900 and 2999")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only), AfterValidator(_plausible)]
"""A date parameter that accepts ISO 8601 only, in years 1900 to 2999."""


LocalTime = Annotated[
    dt.time,
    # JSON Schema's "time" format is RFC 3339's, which needs an offset; a wall-clock time has none.
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?$",
            "description": "Wall-clock time where the unit is, HH:MM:SS, without an offset",
        }
    ),
]
"""A time of day in a place's own zone (a staffing window's start), documented as HH:MM:SS."""


def aware(value: dt.datetime | None, name: str) -> dt.datetime | None:
    """The datetime in UTC; one sent without an offset is read in the server's time zone."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValidationError(f"'{name}' is out of range: {value.isoformat()}") from exc


def narrowed(rows, **lookups):
    """Filter by each lookup whose value was given (not None); the rest are ignored."""
    given = {lookup: value for lookup, value in lookups.items() if value is not None}
    return rows.filter(**given) if given else rows
