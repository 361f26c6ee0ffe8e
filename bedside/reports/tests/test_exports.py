"""Exports open well in a spreadsheet: typed cells, frozen header, filters, widths; no formula runs."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from bedside.assignments.services import rule_apply
from bedside.core.exports import csv_response, xlsx_response
from bedside.people.models import Capability
from bedside.testing import factories as f

NOW = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_xlsx_cells_are_dates_numbers_and_text_with_a_frozen_filtered_header():
    at = dt.datetime(2026, 3, 1, 3, 30, tzinfo=dt.UTC)  # 22:30 on 28 February in New York
    rows = [["Okafor", dt.date(2026, 12, 14), at, 1234, 87.5, None]]
    sheet = _sheet(xlsx_response("x", ["name", "due", "at", "count", "percent", "completed"], rows))
    name, due, when, count, percent, empty = next(sheet.iter_rows(min_row=2))
    assert due.is_date and due.value == dt.datetime(2026, 12, 14) and due.number_format == "yyyy-mm-dd"
    assert when.is_date and when.value == dt.datetime(2026, 2, 28, 22, 30)
    assert when.number_format == "yyyy-mm-dd hh:mm"
    assert count.data_type == "n" and count.value == 1234
    assert percent.data_type == "n" and percent.value == 87.5
    assert empty.value is None and name.data_type == "s"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width >= len("2026-12-14")
    assert sheet.column_dimensions["C"].width >= len("2026-02-28 22:30")


def test_xlsx_text_that_looks_like_a_formula_stays_text_without_an_apostrophe():
    rows = [['=HYPERLINK("http://x")\x07', "+1", "-", "@sum"]]
    sheet = _sheet(xlsx_response("x", ["a", "b", "c", "d"], rows))
    cells = next(sheet.iter_rows(min_row=2))
    assert [c.value for c in cells] == ['=HYPERLINK("http://x")', "+1", "-", "@sum"]
    assert {c.data_type for c in cells} == {"s"}


def test_csv_keeps_the_formula_guard_and_writes_iso_dates():
    response = csv_response("x", ["a", "due"], [["=1+1", dt.date(2026, 12, 14)]])
    assert response.content.decode().splitlines()[1] == "'=1+1,2026-12-14"


def test_xlsx_column_widths_have_a_ceiling():
    sheet = _sheet(xlsx_response("x", ["note"], [["word " * 100]]))
    assert sheet.column_dimensions["A"].width == 60


@pytest.mark.django_db
def test_unit_export_has_real_due_dates_and_counts(client, make_person, make_attestation, make_rule):
    unit = f.UnitFactory()
    with time_machine.travel(NOW, tick=False):
        nurse = make_person(unit=unit)
        rule_apply(rule=make_rule(item=make_attestation("Fall prevention").item, units=[unit], due_days=14))
        client.force_login(make_person(role=None, grants=[(Capability.MANAGE, unit)]))
        sheet = _sheet(client.get(reverse("compliance-unit-export", args=[unit.pk, "xlsx"])))
        rows = list(sheet.iter_rows(min_row=2))
        assert len(rows) == 1
        assert rows[0][0].value == nurse.employee_id
        due = rows[0][5]
        assert due.is_date and due.value == dt.datetime(2026, 12, 14)
        summary = _sheet(client.get(reverse("compliance-export", args=["xlsx"])))
    required, done = list(summary.iter_rows(min_row=2))[0][3:5]
    assert (required.value, done.value) == (1, 0) and required.data_type == "n"
