"""Reading roster files: CSV (UTF-8) or XLSX (first sheet) into rows with their line numbers.

Also the small pieces both importers share: value parsers, code look-ups, bulk updates.

The first row is the header. Column names are matched without regard to case,
spaces or dashes ("Employee ID" is employee_id); columns Bedside does not know
are ignored. Blank rows are skipped, but line numbers stay those a person sees
in a text editor or spreadsheet (the header is line 1).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
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


def normalise_column(name: Any) -> str:
    text = "" if name is None else str(name)
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def read_table(path_or_file: str | Path | IO[bytes], *, name: str = "") -> Table:
    """Read a CSV or XLSX roster into a Table; raises FileProblem with a readable message."""
    data, name = _read_bytes(path_or_file, name)
    if not data.strip():
        raise FileProblem("The file is empty.")
    suffix = Path(name).suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            "This is an old Excel file (.xls). Save it as .xlsx or as CSV UTF-8 and upload it again."
        )
    if suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and data.startswith(b"PK\x03\x04")):
        table = _read_xlsx(data)
    else:
        table = _read_csv(data)
    if not table.rows:
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


def _header(cells: Iterable[Any], line: int) -> list[str]:
    columns = [normalise_column(c) for c in cells]
    seen: set[str] = set()
    for column in columns:
        if column and column in seen:
            raise FileProblem(f"The column “{column}” appears twice in the header.", line=line)
        seen.add(column)
    if not any(columns):
        raise FileProblem("The first row must name the columns, but it is blank.", line=line)
    return columns


def _read_csv(data: bytes) -> Table:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem("The file is UTF-16 text, not UTF-8. Save it as “CSV UTF-8” and upload it again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileProblem(
            f"The file is not UTF-8 text: line {line} has a byte (0x{data[exc.start]:02X}) that is not "
            "UTF-8. Save it from your spreadsheet as “CSV UTF-8” and upload it again.",
            line=line,
        ) from exc
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
    columns = _header(header_cells, reader.line_num)
    width = len(columns)
    table = Table(columns=columns)
    rows = table.rows
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            line = reader.line_num
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                raise FileProblem(
                    f"Line {line} has {len(cells)} cells but the header names {width} columns "
                    "(a comma inside a value must be in double quotes).",
                    line=line,
                )
            rows.append((line, {c: v.strip() for c, v in zip(columns, cells, strict=False) if c}))
    except csv.Error as exc:
        raise FileProblem(
            f"Line {reader.line_num} cannot be read as CSV: {exc}.", line=reader.line_num
        ) from exc
    return table


def _cell(value: Any) -> Value:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileProblem(
            "The file cannot be read as an Excel workbook (.xlsx). Save it again as .xlsx or CSV UTF-8."
        ) from exc
    try:
        if not workbook.worksheets:
            raise FileProblem("The workbook has no sheets.")
        sheet = workbook.worksheets[0]
        table: Table | None = None
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if table is None:
                if not any(v not in (None, "") for v in values):
                    continue  # leading blank rows before the header
                table = Table(columns=_header(values, line))
                columns = table.columns
                continue
            cells = [_cell(v) for v in values]
            if not any(c != "" for c in cells):
                continue
            table.rows.append((line, {c: v for c, v in zip(columns, cells, strict=False) if c}))
    finally:
        workbook.close()
    if table is None:
        raise FileProblem("The file is empty.")
    return table


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
