"""Reading roster files: CSV (UTF-8) or XLSX (first sheet) into rows with their line numbers.

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
import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import models

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
        table = _read_csv(data, rows_read=rows_read)
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


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem("The file is UTF-16 text, not UTF-8. Save it as “CSV UTF-8” and upload it again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileProblem(
            f"The file is not UTF-8 text: line {line} has a byte (0x{data[exc.start]:02X}) that is not "
            "UTF-8. Save it from your spreadsheet as “CSV UTF-8” and upload it again.",
            line=line,
        ) from exc


def _read_csv(data: bytes, *, rows_read: RowsRead = None) -> Table:
    text = _decode(data)
    if not text.strip():
        raise FileProblem("The file is empty.")
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in some locales write ";" or tabs; the header shows which.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header_cells = next(reader)
    except StopIteration as exc:
        raise FileProblem("The file is empty.") from exc
    except csv.Error as exc:
        raise FileProblem(f"The header cannot be read as CSV: {exc}.", line=1) from exc
    columns = header(header_cells, reader.line_num)
    named = max(i for i, c in enumerate(columns) if c) + 1  # cells a row needs
    letters = [column_letter(i) for i in range(len(columns))]
    letter_of = {c: letters[i] for i, c in enumerate(columns) if c}
    # Most files hold no control character at all; then only a record spanning several lines (a line
    # break inside a quoted value) has cells to look at.
    anywhere = LINE_BREAKS_ASIDE.search(text) is not None
    table = Table(columns=columns)
    start = reader.line_num + 1
    cells: list[str] = []
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1  # a record is named by its first line
            if not any(c.strip() for c in cells):
                continue
            problems: list[str] = []
            flagged: list[str] = []
            if len(cells) < named:
                problems.append(
                    f"The row has {len(cells)} cells but the header names {named} columns; every row needs "
                    "a cell for each column (an empty value is still a cell: ,,)."
                )
            elif len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                problems.append(
                    f"The row has {len(cells)} cells but the header names {len(columns)} columns "
                    "(a comma inside a value must be in double quotes)."
                )
            values: dict[str, Value] = {c: v.strip() for c, v in zip(columns, cells, strict=False) if c}
            if anywhere or start - line > 1:
                flagged = _controls(values, letter_of)
            add_row(table, line, values, unreadable=problems, flagged=flagged, rows_read=rows_read)
    except csv.Error as exc:
        opened = _open_quote(text, line_start=start, delimiter=delimiter)
        if opened is None:
            raise FileProblem(f"Line {start} cannot be read as CSV: {exc}.", line=start) from exc
        table.errors.append(_unclosed(opened, columns, letters))
        return table
    last = start - 1 if not cells else line
    opened = _open_quote(text, line_start=last, delimiter=delimiter) if cells else None
    if opened is not None:  # the rest of the file was read as one value: drop that row
        table.rows = [r for r in table.rows if r[0] != last]
        table.set_aside = [r for r in table.set_aside if r[0] != last]
        table.errors = [e for e in table.errors if e.line != last]
        table.errors.append(_unclosed(opened, columns, letters))
    return table


def _controls(values: dict[str, Value], letter_of: dict[str, str]) -> list[str]:
    """A problem for each cell with a control character; the cell is checked further without it."""
    problems = []
    for column, value in values.items():
        problem = control_problem(value, column, f"column {letter_of[column]}") if value else None
        if problem:
            problems.append(problem)
            values[column] = CONTROL.sub("", value)  # never stored: the file is refused
    return problems


def _unclosed(opened: tuple[int, int], columns: list[str], letters: list[str]) -> RowError:
    line, index = opened
    where = f"{columns[index] or 'a value'} (column {letters[index]})" if index < len(columns) else "a value"
    return RowError(
        line,
        f"A double quote opens {where} but is never closed, so the rest of the file from here reads as one "
        'value. Close the quote ("..."), or double a quote inside a value (""), and upload the file again.',
    )


def _open_quote(text: str, *, line_start: int, delimiter: str) -> tuple[int, int] | None:
    """(line, 0-based column) of a quote opened in the record beginning on `line_start` and never closed."""
    lines = io.StringIO(text, newline="").readlines()
    tail = "".join(lines[line_start - 1 :])
    line, column, at_start, quoted = line_start, 0, True, False
    opened: tuple[int, int] | None = None
    i, size = 0, len(tail)
    while i < size:
        char = tail[i]
        if quoted:
            if char == '"':
                if i + 1 < size and tail[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
        elif char == '"' and at_start:
            quoted, opened = True, (line, column)
        elif char == delimiter:
            column, at_start = column + 1, True
            i += 1
            continue
        elif char in "\r\n":
            return None  # the record ended with every quote closed
        at_start = False
        if char == "\n" or (char == "\r" and tail[i + 1 : i + 2] != "\n"):
            line += 1
        i += 1
    return opened if quoted else None


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
