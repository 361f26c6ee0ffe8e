"""Staffing minimums from CSV and XLSX: all or nothing, every bad row named, validity dates."""

import datetime as dt

import pytest

from bedside.audit.models import AuditEntry
from bedside.rosters.importing import roster_import
from bedside.rosters.models import StaffingMinimum
from bedside.rosters.staffing import minimums_on
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db

HEADER = [
    "unit_code",
    "job_role_code",
    "weekday",
    "valid_from",
    "valid_until",
    "start",
    "end",
    "minimum",
    "optimal",
]


@pytest.fixture
def staffed(org):
    """Six RNs and two RTs on the ICU, so minimums up to six RNs can be met."""
    for _ in range(6):
        f.JobFactory(unit=org.icu, job_role=org.rn)
    for _ in range(2):
        f.JobFactory(unit=org.icu, job_role=org.rt)
    return org


def errors_by_line(result) -> dict:
    found: dict = {}
    for e in result.errors:
        found.setdefault(e["line"], []).append(e["message"])
    return found


def test_a_good_file_is_imported_and_the_kind_is_worked_out_from_the_columns(staffed, write_csv):
    path = write_csv(
        HEADER,
        [
            ["ICU", "RN", "Mon", "", "", "07:00", "19:00", "4", "5"],
            ["ICU", "RN", "Monday", "", "", "19:00", "07:00", "3", ""],
            ["ICU", "RT", "", "2026-12-01", "2026-12-07", "07:00", "19:00", "1", "2"],
        ],
    )
    result = roster_import(path_or_file=path)
    assert result.ok, result.errors
    assert result.kind == "minimums"
    assert result.counts == {"minimums_created": 3, "minimums_updated": 0, "minimums_unchanged": 0}
    assert StaffingMinimum.objects.count() == 3
    assert AuditEntry.objects.filter(action="staffing_minimum.import").count() == 3
    # The same file again changes nothing.
    again = roster_import(path_or_file=path)
    assert again.counts == {"minimums_created": 0, "minimums_updated": 0, "minimums_unchanged": 3}


def test_xlsx_times_and_dates_are_read_as_cells(staffed, write_xlsx):
    path = write_xlsx(
        HEADER, [["ICU", "RN", "Tue", dt.date(2026, 12, 1), None, dt.time(7), dt.time(19), 4, 6]]
    )
    result = roster_import(path_or_file=path, kind="minimums")
    assert result.ok, result.errors
    row = StaffingMinimum.objects.get()
    assert (row.weekday, row.start_time, row.valid_from, row.optimal) == (
        1,
        dt.time(7),
        dt.date(2026, 12, 1),
        6,
    )


@pytest.mark.parametrize("dry_run", [True, False])
def test_every_bad_row_is_named_and_nothing_is_stored(staffed, write_csv, dry_run):
    path = write_csv(
        HEADER,
        [
            ["ICU", "RN", "Mon", "", "", "07:00", "19:00", "4", "5"],  # good
            ["NOPE", "RN", "Mon", "", "", "07:00", "19:00", "4", ""],
            ["ICU", "XX", "Funday", "", "", "7am", "19:00", "four", ""],
            ["ICU", "RN", "", "2026-12-01", "", "07:00", "19:00", "2", ""],
            ["ICU", "RN", "Tue", "2026-12-09", "2026-12-01", "07:00", "07:00", "3", "2"],
            ["ICU", "RN", "Mon", "", "", "07:00", "15:00", "4", ""],  # the same window as line 2
            ["ICU", "RN", "Wed", "", "", "07:00", "19:00", "9", ""],  # more than the six RNs
        ],
    )
    result = roster_import(path_or_file=path, dry_run=dry_run)
    assert not result.ok
    errors = errors_by_line(result)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert any("NOPE" in m for m in errors[3])
    assert {m.split(" ")[0] for m in errors[4]} >= {"job_role_code", "weekday", "start", "minimum"}
    assert any("Give a weekday, or both valid_from and valid_until" in m for m in errors[5])
    assert any("valid_until 2026-12-01 is before valid_from" in m for m in errors[6])
    assert any("same time" in m for m in errors[6]) and any("optimal 2 is below" in m for m in errors[6])
    assert any("Line 2 already gives this window" in m for m in errors[7])
    assert errors[8] == [
        "minimum 9 is more than the 6 staff of ICU who count toward RN; check the number or the unit."
    ]
    assert StaffingMinimum.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_charge_nurse_counts_toward_the_rn_headcount(staffed, write_csv):
    cn = f.JobRoleFactory(code="CN")
    f.RoleCoverFactory(job_role=cn, covers=staffed.rn)
    f.JobFactory(unit=staffed.icu, job_role=cn)
    path = write_csv(HEADER, [["ICU", "RN", "Mon", "", "", "07:00", "19:00", "7", ""]])
    assert roster_import(path_or_file=path).ok


def test_a_newer_valid_from_replaces_the_window_from_that_day(staffed, write_csv):
    path = write_csv(
        HEADER,
        [
            ["ICU", "RN", "Mon", "", "", "07:00", "19:00", "4", ""],
            ["ICU", "RN", "Mon", "2026-12-07", "2026-12-13", "07:00", "19:00", "6", ""],
            ["ICU", "RN", "", "2026-12-10", "2026-12-20", "07:00", "19:00", "5", ""],
        ],
    )
    assert roster_import(path_or_file=path).ok
    assert [w.minimum for w in minimums_on(staffed.icu, dt.date(2026, 11, 30))] == [4]  # Monday before
    assert [w.minimum for w in minimums_on(staffed.icu, dt.date(2026, 12, 7))] == [6]  # that week's Monday
    assert [w.minimum for w in minimums_on(staffed.icu, dt.date(2026, 12, 9))] == []  # a Wednesday
    assert [w.minimum for w in minimums_on(staffed.icu, dt.date(2026, 12, 14))] == [5]  # the date range wins
    assert [w.minimum for w in minimums_on(staffed.icu, dt.date(2026, 12, 21))] == [4]


def test_the_database_refuses_a_second_row_for_one_window_from_one_day(staffed):
    from django.db import IntegrityError, transaction

    row = dict(unit=staffed.icu, job_role=staffed.rn, weekday=None, valid_from=dt.date(2026, 12, 1),
               valid_until=dt.date(2026, 12, 2), start_time=dt.time(7), end_time=dt.time(19), minimum=1)  # fmt: skip
    StaffingMinimum.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffingMinimum.objects.create(**row)
