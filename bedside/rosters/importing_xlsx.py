"""Reading an XLSX roster: the first sheet, with what a spreadsheet can hide said plainly.

A formula cell keeps the value Excel last computed; a file written by another
program may hold the formula without it, which would read as an empty cell.
Such a cell is named ("cell B4 holds a formula with no saved value") rather than
reported as a missing value. An empty first sheet in front of the data is named
too, instead of "no rows of data": Bedside reads the first sheet only, so the
person moves the data there (reading another sheet silently could import the
wrong one, e.g. an old copy kept next to the roster).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from bedside.rosters.importing_files import (
    CONTROL,
    FileProblem,
    RowsRead,
    Table,
    Value,
    add_row,
    column_letter,
    control_problem,
    header,
)


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


def _is_formula(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


def _has_formulas(data: bytes) -> bool:
    """Whether any sheet holds a formula (<f> element), so the second, formula-keeping read is needed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                if b"<f>" in xml or b"<f " in xml or b"<f/>" in xml:
                    return True
    return False


def _blank(values: tuple) -> bool:
    return all(v is None or v == "" for v in values)


def _empty(sheet) -> bool:
    return all(_blank(values) for values in sheet.iter_rows(values_only=True))


def read_xlsx(data: bytes, *, rows_read: RowsRead = None) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True) if _has_formulas(data) else None
    except unreadable as exc:
        raise FileProblem(
            "The file cannot be read as an Excel workbook (.xlsx). Save it again as .xlsx or CSV UTF-8."
        ) from exc
    try:
        if not workbook.worksheets:
            raise FileProblem("The workbook has no sheets.")
        sheet = workbook.worksheets[0]
        if _empty(sheet):
            _refuse_empty_first_sheet(workbook)
        formula_rows = formulas.worksheets[0].iter_rows(values_only=True) if formulas else None
        return _read_sheet(sheet, formula_rows, rows_read)
    finally:
        workbook.close()
        if formulas is not None:
            formulas.close()


def _refuse_empty_first_sheet(workbook) -> None:
    first = workbook.worksheets[0].title
    others = [s.title for s in workbook.worksheets[1:] if not _empty(s)]
    if not others:
        raise FileProblem("The file is empty.")
    raise FileProblem(
        f"The first sheet (“{first}”) is empty; the data is on sheet “{others[0]}”. Bedside reads the "
        "first sheet only: move that sheet to the front (or delete the empty one), save, and upload again.",
        line=None,
    )


def _read_sheet(sheet, formula_rows, rows_read: RowsRead) -> Table:
    table: Table | None = None
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        raw = next(formula_rows) if formula_rows is not None else ()
        if table is None:
            if _blank(values):
                continue  # leading blank rows before the header
            table = Table(columns=header(values, line))
            columns = table.columns
            width = max(i for i, c in enumerate(columns) if c) + 1
            continue
        cells = [_cell(v) for v in values]
        problems: list[str] = []
        for index, value in enumerate(values):
            if value is None and index < len(raw) and _is_formula(raw[index]):
                problems.append(
                    f"cell {column_letter(index)}{line} holds a formula with no saved value: open and save "
                    "the file in Excel, or paste values."
                )
        if not problems and not any(c != "" for c in cells):
            continue
        flagged: list[str] = []
        extra = [i for i in range(width, len(cells)) if cells[i] != ""]
        if extra:
            flagged.append(
                f"cell {column_letter(extra[0])}{line} has a value but its column has no name in the header; "
                "name the column or clear the cell."
            )
        row: dict[str, Value] = {}
        for index, (column, cell) in enumerate(zip(columns, cells, strict=False)):
            if column:
                row[column] = cell
                if isinstance(cell, str) and cell:
                    problem = control_problem(cell, column, f"cell {column_letter(index)}{line}")
                    if problem:
                        flagged.append(problem)
                        row[column] = CONTROL.sub("", cell)  # checked further without it, never stored
        add_row(table, line, row, unreadable=problems, flagged=flagged, rows_read=rows_read)
    if table is None:
        raise FileProblem("The file is empty.")
    return table
