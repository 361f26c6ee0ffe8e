"""Reading roster files: CSV (`importing_csv`) or XLSX (`importing_xlsx`, first sheet) into rows with their lines.

Also the small pieces both importers share: value parsers, code look-ups, bulk updates.

The first row is the header. Column names are matched without regard to case,
spaces or dashes ("Employee ID" is employee_id); columns Bedside does not know
are ignored. Blank rows are skipped, but line numbers stay those a person sees
in a text editor or spreadsheet (the header is line 1); a CSV record that spans
several lines (a quoted value with a line break) is named by its first line.

What a reader refuses, row by row, so that every bad row is named at once:
a row with fewer cells than the header names columns, or with a value beyond
the last column; a text cell holding a control character (NUL, an escape
sequence such as ESC[31m, a line break in a name); in CSV a quote that is never
closed (reported where it opened); in XLSX a formula cell without a saved value.
Rows that cannot be read as they stand are set aside (`Table.set_aside`) and
checked no further; a row with a control character is still checked, without it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import connection, models

from bedside.people.models import Person

Value = str | dt.datetime | dt.date | dt.time


@dataclass(frozen=True)
class RowError:
    line: int | None
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "message": self.message}


class FileProblem(Exception):
    """The file as a whole cannot be read; nothing in it can be imported."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.error = RowError(line, message)


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, Value]]] = field(default_factory=list)
    # Rows that could not be read as they stand, with why: never imported, never checked further.
    errors: list[RowError] = field(default_factory=list)
    set_aside: list[tuple[int, dict[str, Value]]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.rows) + len(self.set_aside)


def normalise_column(name: Any) -> str:
    text = "" if name is None else str(name)
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# C0 and C1 control characters (NUL, ESC, line breaks, tabs...), line and paragraph separators and the
# bidirectional overrides that make text display other than it reads.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
LINE_BREAKS_ASIDE = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
CONTROL_NAMES = {0x00: "NUL", 0x09: "a tab", 0x0A: "a line break", 0x0D: "a carriage return", 0x1B: "ESC"}


def control_problem(value: str, column: str, where: str) -> str | None:
    """Why a text cell cannot be stored as it is, or None; `where` is "column B" or "cell B4"."""
    found = CONTROL.search(value)
    if found is None:
        return None
    code = ord(found.group())
    name = CONTROL_NAMES.get(code, "")
    what = f"{name}, U+{code:04X}" if name else f"U+{code:04X}"
    hint = " (an escape sequence, e.g. a terminal colour code)" if code == 0x1B else ""
    return (
        f"{column} ({where}) contains a control character ({what}){hint}; "
        "remove it from the cell and upload the file again."
    )


RowsRead = Callable[[int], None] | None
REPORT_EVERY = 1000


def read_table(path_or_file: str | Path | IO[bytes], *, name: str = "", rows_read: RowsRead = None) -> Table:
    """Read a CSV or XLSX roster into a Table; raises FileProblem with a readable message.

    `rows_read(n)` is told how many rows are read, every 1,000 rows.
    """
    data, name = _read_bytes(path_or_file, name)
    if not data.strip():
        raise FileProblem("The file is empty.")
    suffix = Path(name).suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            "This is an old Excel file (.xls). Save it as .xlsx or as CSV UTF-8 and upload it again."
        )
    if suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and data.startswith(b"PK\x03\x04")):
        from bedside.rosters.importing_xlsx import read_xlsx

        table = read_xlsx(data, rows_read=rows_read)
    else:
        from bedside.rosters.importing_csv import read_csv

        table = read_csv(data, rows_read=rows_read)
    if not table.size and not table.errors:
        raise FileProblem("The file has a header but no rows of data.", line=1)
    return table


def _read_bytes(source: str | Path | IO[bytes], name: str) -> tuple[bytes, str]:
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            return path.read_bytes(), name or path.name
        except OSError as exc:
            raise FileProblem(f"Cannot open {path}: {exc.strerror or exc}.") from exc
    if hasattr(source, "seek"):
        with contextlib.suppress(OSError, ValueError):  # not seekable: read from where it is
            source.seek(0)
    data = source.read()
    if isinstance(data, str):  # a text-mode file: be lenient, it is already decoded
        data = data.encode("utf-8")
    return data, name or str(getattr(source, "name", "") or "")


def header(cells: Iterable[Any], line: int) -> list[str]:
    columns = [normalise_column(c) for c in cells]
    seen: set[str] = set()
    for index, column in enumerate(columns):
        if CONTROL.search(column):
            raise FileProblem(
                f"The header's column {column_letter(index)} contains a control character; "
                "remove it and upload the file again.",
                line=line,
            )
        if column and column in seen:
            raise FileProblem(f"The column “{column}” appears twice in the header.", line=line)
        seen.add(column)
    if not any(columns):
        raise FileProblem("The first row must name the columns, but it is blank.", line=line)
    return columns


def add_row(
    table: Table,
    line: int,
    values: dict[str, Value],
    *,
    unreadable: list[str],
    flagged: list[str],
    rows_read: RowsRead = None,
) -> None:
    """Keep a read row; with `unreadable` problems set it aside, with `flagged` ones keep it to check further."""
    table.errors.extend(RowError(line, p) for p in (*unreadable, *flagged))
    (table.set_aside if unreadable else table.rows).append((line, values))
    if rows_read is not None and table.size % REPORT_EVERY == 0:
        rows_read(table.size)


# Values: each parser returns the value or raises ValueError with a message for a person.


def text(value: Value) -> str:
    return value if isinstance(value, str) else str(value)


def parse_date(value: Value, column: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is not None and moment.time() == dt.time():
        return moment.date()
    raise ValueError(f"{column} “{raw}” is not a date; write dates as YYYY-MM-DD, e.g. 2026-11-25.")


def parse_local_datetime(value: Value, column: str) -> dt.datetime:
    """A wall-clock time (naive) or, when the file says so, a time with an offset (aware)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date | dt.time):
        raise ValueError(f"{column} “{value}” needs both a date and a time, e.g. 2026-11-25 19:00.")
    raw = text(value)
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or len(raw) <= 10:
        raise ValueError(
            f"{column} “{raw}” is not a date and time; write it as YYYY-MM-DD HH:MM, e.g. 2026-11-25 19:00."
        )
    return moment


YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0"}


def parse_yes_no(value: Value, column: str) -> bool:
    raw = text(value).lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise ValueError(f"{column} “{text(value)}” must be yes or no.")


def parse_fte(value: Value, column: str) -> Decimal:
    raw = text(value)
    try:
        fte = Decimal(raw)
    except InvalidOperation:
        fte = None
    if fte is None or not fte.is_finite() or not (0 < fte <= 1):
        raise ValueError(f"{column} “{raw}” must be a number above 0 and at most 1, e.g. 0.9.")
    if fte != fte.quantize(Decimal("0.01")):
        raise ValueError(f"{column} “{raw}” may have at most 2 decimal places, e.g. 0.75.")
    return fte.quantize(Decimal("0.01"))


class Codes:
    """Reference codes (unit codes, job role codes) of one model: exact match first, then any case."""

    def __init__(self, pairs: Iterable[tuple[str, Any]]):
        self.exact: dict[str, Any] = {}
        self.folded: dict[str, Any] = {}
        ambiguous: set[str] = set()
        for code, thing in pairs:
            self.exact[code] = thing
            key = code.upper()
            if key in self.folded:
                ambiguous.add(key)
            self.folded[key] = thing
        for key in ambiguous:
            del self.folded[key]

    def get(self, code: str) -> Any:
        found = self.exact.get(code)
        return found if found is not None else self.folded.get(code.upper())


def chunks(values: Sequence, size: int = 2000):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def update_in_bulk(model: type[models.Model], changed: Sequence[tuple[models.Model, dict]]) -> None:
    """Apply `{column: (old, new)}` changes to loaded rows and store them.

    Rows sharing one change (everyone transferred ends their job on one day) take one
    UPDATE per 2,000 rows; the rest go through bulk_update.
    """
    groups: dict[tuple, list[models.Model]] = defaultdict(list)
    for obj, changes in changed:
        for column, (_, new) in changes.items():
            setattr(obj, column, new)
        groups[tuple(sorted((c, new) for c, (_, new) in changes.items()))].append(obj)
    rest: list[models.Model] = []
    columns: set[str] = set()
    for key, objs in groups.items():
        if len(objs) < 20:
            rest.extend(objs)
            columns.update(c for c, _ in key)
            continue
        for part in chunks(objs):
            model._default_manager.filter(pk__in=[o.pk for o in part]).update(**dict(key))
    if rest:
        model._default_manager.bulk_update(rest, sorted(columns), batch_size=1000)


def person_ids_ignoring_case(employee_ids: Iterable[str]) -> dict[str, int]:
    """{employee id in lower case: person pk} of the persons with these ids in any case.

    Raw SQL, answered by the lower(employee_id) index: Django's `__in` on an expression
    prepares each of 50,000 values one by one, which doubled this look-up's time.
    """
    table = connection.ops.quote_name(Person._meta.db_table)
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for chunk in chunks(sorted({e.lower() for e in employee_ids})):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id, employee_id FROM {table} WHERE LOWER(employee_id) IN ({marks})", chunk
            )
            found.update((employee_id.lower(), pk) for pk, employee_id in cursor.fetchall())
    return found
