"""Fixtures for roster import tests: a small organisation and file writers."""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from bedside.testing import factories as f

PERSON_HEADER = ["employee_id", "first_name", "last_name", "email", "hire_date", "unit_code", "job_role_code"]
SHIFT_HEADER = ["source_id", "employee_id", "unit_code", "job_role_code", "start", "end"]


@pytest.fixture
def org(db):
    """One New York site with two units (ICU, MED) and two job roles (RN, RT)."""
    site = f.SiteFactory(code="NY", time_zone="America/New_York")
    department = f.DepartmentFactory(site=site)
    return SimpleNamespace(
        site=site,
        icu=f.UnitFactory(department=department, code="ICU", name="Medical ICU"),
        med=f.UnitFactory(department=department, code="MED", name="Medicine 4 West"),
        rn=f.JobRoleFactory(code="RN"),
        rt=f.JobRoleFactory(code="RT"),
    )


@pytest.fixture
def write_csv(tmp_path: Path):
    """write_csv(header, rows, name="roster.csv") -> path of a UTF-8 CSV file."""

    def write(header: list[str], rows: list[list], name: str = "roster.csv") -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path: Path):
    """write_xlsx(header, rows, name="roster.xlsx") -> path of a one-sheet workbook."""

    def write(header: list[str], rows: list[list], name: str = "roster.xlsx") -> Path:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        path = tmp_path / name
        workbook.save(path)
        return path

    return write
