"""Reading a CSV roster (UTF-8; comma, semicolon or tab as the header shows) into a Table.

A record is named by its first line, so an error in a quoted value with a line
break points where the record begins. A double quote that is never closed makes
the rest of the file one value: it is reported once, where it opened, instead of
as a handful of misleading errors at the file's last line.
"""

from __future__ import annotations

import csv
import io

from bedside.rosters.importing_files import (
    CONTROL,
    LINE_BREAKS_ASIDE,
    FileProblem,
    RowError,
    RowsRead,
    Table,
    Value,
    add_row,
    column_letter,
    control_problem,
    header,
)


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


def read_csv(data: bytes, *, rows_read: RowsRead = None) -> Table:
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
