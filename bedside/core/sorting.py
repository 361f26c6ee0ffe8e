"""Tables a manager works through, sorted on the server: `?sort=overdue` or `?sort=-name`.

Each header is a link that sorts by its column (again: the other way) and says how the table
is sorted with aria-sort, so the order works without JavaScript and for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[Any], Any] | str | None = None  # a key function, or a database field; None: not sortable
    numeric: bool = False
    first_descending: bool = False  # counts of trouble: most first on the first press


@dataclass(frozen=True)
class Header:
    label: str
    url: str | None
    aria_sort: str  # "ascending", "descending" or "none"
    numeric: bool


@dataclass(frozen=True)
class SortedTable:
    rows: list
    headers: list[Header]


def sort_order(
    request: HttpRequest, columns: Sequence[Column], *, default: str, param: str = "sort"
) -> tuple[Column, bool, list[Header]]:
    """The column asked for by `?{param}=` (an unknown key falls back to `default`), its direction, the headers."""
    by_key = {c.key: c for c in columns if c.value}
    asked = request.GET.get(param, default)
    key = asked.removeprefix("-")
    if key not in by_key:
        asked, key = default, default.removeprefix("-")
    descending = asked.startswith("-")
    headers = []
    for c in columns:
        if not c.value:
            headers.append(Header(c.label, None, "none", c.numeric))
            continue
        if c.key == key:
            state = "descending" if descending else "ascending"
            next_value = c.key if descending else f"-{c.key}"
        else:
            state = "none"
            next_value = f"-{c.key}" if c.first_descending else c.key
        query = request.GET.copy()
        query[param] = next_value
        headers.append(Header(c.label, f"?{query.urlencode()}", state, c.numeric))
    return by_key[key], descending, headers


def sort_table(
    request: HttpRequest,
    rows: Sequence,
    columns: Sequence[Column],
    *,
    default: str,
    param: str = "sort",
    tie: Callable[[Any], Any] = lambda row: 0,
) -> SortedTable:
    """Rows in the order asked for by `?{param}=`; `tie` orders rows equal on that column."""
    column, descending, headers = sort_order(request, columns, default=default, param=param)
    ordered = sorted(rows, key=tie)
    ordered.sort(key=column.value, reverse=descending)
    return SortedTable(ordered, headers)
