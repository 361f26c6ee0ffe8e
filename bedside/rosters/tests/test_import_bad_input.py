"""What a bad-input probe found in roster files: each weakness with the file that showed it."""

import pytest
from openpyxl import Workbook

from bedside.audit.models import AuditEntry
from bedside.people.models import Job, Person
from bedside.rosters.importing import roster_import
from bedside.rosters.tests.conftest import PERSON_HEADER

pytestmark = pytest.mark.django_db

HEADER = ",".join([*PERSON_HEADER, "status", "fte"])
GOOD = "E1,Ana,Lopez,,2020-01-06,ICU,RN,active,1"


def write(tmp_path, text: str, name="roster.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def by_line(result) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = {}
    for error in result.errors:
        found.setdefault(error["line"], []).append(error["message"])
    return found


def assert_nothing_stored():
    assert Person.objects.count() == 0 and Job.objects.count() == 0 and AuditEntry.objects.count() == 0


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_nul_byte_or_an_escape_sequence_in_a_name_is_refused_with_line_and_column(org, tmp_path, dry_run):
    path = write(
        tmp_path,
        f"{HEADER}\n{GOOD}\n"
        "E2,Ben\x00,Okafor,,2020-01-06,ICU,RN,active,1\n"
        "E3,Cy,\x1b[31mRed,,2020-01-06,ICU,RN,active,1\n"
        "E4,Di,Tab\there,,2020-01-06,ICU,RN,active,1\n"
        "E5\x00,Ed,Ng,ed\x00@example.org,2020-01-06,ICU,RN,active,1\n",
    )

    result = roster_import(path_or_file=path, kind="persons", dry_run=dry_run)

    assert not result.ok
    errors = by_line(result)
    assert sorted(errors) == [3, 4, 5, 6]
    assert errors[3] == [
        "first_name (column B) contains a control character (NUL, U+0000); "
        "remove it from the cell and upload the file again."
    ]
    assert "last_name (column C) contains a control character (ESC, U+001B)" in errors[4][0]
    assert "escape sequence" in errors[4][0]
    assert "last_name (column C) contains a control character (a tab, U+0009)" in errors[5][0]
    assert [m.split(" (")[0] for m in errors[6]] == ["employee_id", "email"]
    assert_nothing_stored()


def test_control_characters_in_xlsx_cells_are_named_by_cell(org, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["E1", "Ana", "Lopez\u202e", "", "2020-01-06", "ICU", "RN", "active", 1])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)

    result = roster_import(path_or_file=path, kind="persons")

    assert by_line(result) == {
        2: [
            "last_name (cell C2) contains a control character (U+202E); "
            "remove it from the cell and upload the file again."
        ]
    }
    assert_nothing_stored()


def test_a_row_with_fewer_cells_than_the_header_is_refused_not_padded(org, tmp_path):
    path = write(tmp_path, f"{HEADER}\n{GOOD}\nE2,Ben,Okafor,,2020-01-06,ICU,RN\n")

    result = roster_import(path_or_file=path, kind="persons")

    assert by_line(result) == {
        3: [
            "The row has 7 cells but the header names 9 columns; every row needs a cell for each column "
            "(an empty value is still a cell: ,,)."
        ]
    }
    assert_nothing_stored()


def test_every_row_with_more_cells_than_the_header_is_named(org, tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\n{GOOD}\n"
        "E2,Ben,Okafor,,2020-01-06,ICU,RN,active,1,Smith\n"
        "E3,Cy,Li,,2020-01-06,ICU,RN,active,1,,\n"  # empty cells beyond the header hold nothing
        "E4,Di,Ng,,2020-01-06,ICU,RN,active,1,x\n",
    )

    result = roster_import(path_or_file=path, kind="persons")

    errors = by_line(result)
    assert sorted(errors) == [3, 5]
    assert errors[3] == [
        "The row has 10 cells but the header names 9 columns (a comma inside a value must be in double quotes)."
    ]
    assert_nothing_stored()


def test_an_unterminated_quote_is_one_error_where_the_quoted_value_began(org, tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\n{GOOD}\n"
        'E2,"Ben,Okafor,,2020-01-06,ICU,RN,active,1\n'
        "E3,Cy,Li,,2020-01-06,ICU,RN,active,1\n"
        "E4,Di,Ng,,2020-01-06,ICU,RN,active,1\n",
    )

    result = roster_import(path_or_file=path, kind="persons")

    assert result.errors == [
        {
            "line": 3,
            "message": "A double quote opens first_name (column B) but is never closed, so the rest of the "
            'file from here reads as one value. Close the quote ("..."), or double a quote inside a value '
            '(""), and upload the file again.',
        }
    ]
    assert_nothing_stored()


def test_an_unterminated_quote_that_outgrows_the_csv_field_limit_is_found_too(org, tmp_path):
    rows = "\n".join(f"E{n},Cy,Li,,2020-01-06,ICU,RN,active,1" for n in range(10, 5000))
    path = write(tmp_path, f'{HEADER}\n{GOOD}\nE2,Ben,"Okafor,,2020-01-06,ICU,RN,active,1\n{rows}\n')

    result = roster_import(path_or_file=path, kind="persons")

    assert [e["line"] for e in result.errors] == [3]
    assert "opens last_name (column C) but is never closed" in result.errors[0]["message"]
    assert_nothing_stored()


def test_errors_in_a_record_spanning_several_lines_name_its_first_line(org, tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\n{GOOD}\n"
        'E2,"Ben\nBenedict",Okafor,,2020-02-30,ICU,RN,active,1\n'  # lines 3-4: a bad date
        "E3,Cy,Li,,2020-01-06,NOPE,RN,active,1\n",  # line 5
    )

    result = roster_import(path_or_file=path, kind="persons")

    errors = by_line(result)
    assert sorted(errors) == [3, 5]
    assert any("a line break, U+000A" in m for m in errors[3])
    assert any("hire_date “2020-02-30” is not a date" in m for m in errors[3])
    assert "unit_code “NOPE”" in errors[5][0]
    assert_nothing_stored()


def _workbook(tmp_path, rows, *, first_sheet_empty=False):
    workbook = Workbook()
    sheet = workbook.active
    if first_sheet_empty:
        sheet.title = "Notes"
        sheet = workbook.create_sheet("Roster")
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(row)
    path = tmp_path / "roster.xlsx"
    workbook.save(path)  # openpyxl saves formulas without a computed value, as other tools do
    return path


def test_a_formula_cell_without_a_saved_value_is_named_not_read_as_empty(org, tmp_path):
    path = _workbook(
        tmp_path,
        [
            ["E1", "Ana", "Lopez", "", "2020-01-06", "ICU", "RN", "active", 1],
            ["E2", '=PROPER("ben")', "Okafor", "", "2020-01-06", "ICU", "RN", "active", "=1/2"],
        ],
    )

    result = roster_import(path_or_file=path, kind="persons")

    assert by_line(result) == {
        3: [
            "cell B3 holds a formula with no saved value: open and save the file in Excel, or paste values.",
            "cell I3 holds a formula with no saved value: open and save the file in Excel, or paste values.",
        ]
    }
    assert_nothing_stored()


def test_data_on_the_second_sheet_behind_an_empty_first_sheet_is_explained(org, tmp_path):
    path = _workbook(
        tmp_path, [["E1", "Ana", "Lopez", "", "2020-01-06", "ICU", "RN", "active", 1]], first_sheet_empty=True
    )

    result = roster_import(path_or_file=path, kind="persons")

    assert [e["message"] for e in result.errors] == [
        "The first sheet (“Notes”) is empty; the data is on sheet “Roster”. Bedside reads the first sheet "
        "only: move that sheet to the front (or delete the empty one), save, and upload again."
    ]
    assert_nothing_stored()


def test_a_value_in_an_xlsx_column_without_a_header_is_refused(org, tmp_path):
    path = _workbook(tmp_path, [["E1", "Ana", "Lopez", "", "2020-01-06", "ICU", "RN", "active", 1, "", "x"]])

    result = roster_import(path_or_file=path, kind="persons")

    assert by_line(result) == {
        2: [
            "cell K2 has a value but its column has no name in the header; name the column or clear the cell."
        ]
    }
    assert_nothing_stored()
