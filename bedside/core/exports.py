"""Exports that open well in a spreadsheet: CSV with a formula guard; XLSX with real cells.

CSV has no cell types, so text a spreadsheet would run as a formula gets a leading apostrophe.
An XLSX string cell is never run as a formula, so the workbook keeps the text as it is and
instead gives dates, times and numbers their own cell types, a frozen header row, filters on
the header and column widths fitted to the content.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bedside.core.humanize import local

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60
WIDTH_SAMPLE = 2000  # rows looked at to size the columns


def safe_cell(value):
    """For CSV: text that a spreadsheet would run as a formula gets a leading apostrophe; control characters go."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_value(value):
    if isinstance(value, dt.datetime):
        return local(value).isoformat(timespec="minutes")
    return safe_cell(value)


def csv_response(name: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return response


def _text(value) -> str:
    if isinstance(value, dt.datetime):
        return "2026-01-01 00:00"
    if isinstance(value, dt.date):
        return "2026-01-01"
    return "" if value is None else str(value)


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    """A typed cell: a date, a local date and time (Excel has no zones), a number, or plain text."""
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=local(value).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, bool) or value is None:
        cell = WriteOnlyCell(sheet, value=value)
    elif isinstance(value, int | float | Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0" if isinstance(value, int) else "0.0"
    else:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    return cell


def xlsx_response(
    name: str, header: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "Export"
) -> HttpResponse:
    rows = list(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    widths = [len(h) for h in header]
    for row in rows[:WIDTH_SAMPLE]:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(_text(value)))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    bold = Font(bold=True)
    titles = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
