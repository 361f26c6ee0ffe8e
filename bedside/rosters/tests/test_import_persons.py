import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bedside.assignments.models import Assignment, ClosedReason
from bedside.audit.models import AuditEntry
from bedside.people import hooks
from bedside.people.models import Job, Person, PersonStatus
from bedside.rosters.importing import roster_import
from bedside.rosters.tests.conftest import PERSON_HEADER
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db

HEADER = [*PERSON_HEADER, "status", "fte", "primary", "job_start", "job_end"]


def row(
    employee_id="E1", first="Ana", last="Lopez", email="", hire="2020-01-06", unit="ICU", role="RN", **more
):
    values = [employee_id, first, last, email, hire, unit, role]
    return values + [more.get(c, "") for c in ("status", "fte", "primary", "job_start", "job_end")]


def run(path, **kwargs):
    return roster_import(path_or_file=path, kind=kwargs.pop("kind", "persons"), **kwargs)


def test_new_persons_are_created_with_their_jobs_and_defaults(org, write_csv):
    path = write_csv(
        HEADER,
        [
            row("E1", email="Ana.Lopez@Example.ORG"),
            row("E2", "Ben", "Okafor", unit="MED", role="RT", fte="0.9", hire="2024-03-04"),
        ],
    )

    result = run(path)

    assert result.ok, result.errors
    assert result.counts["persons_created"] == 2 and result.counts["jobs_started"] == 2
    ana = Person.objects.get(employee_id="E1")
    ben = Person.objects.get(employee_id="E2")
    assert ana.email == "ana.lopez@example.org"
    assert ben.email is None  # absent e-mail is NULL, never ""
    assert ana.status == PersonStatus.ACTIVE and not ana.has_usable_password()
    job = ben.jobs.get()
    assert (job.unit, job.job_role, job.fte, job.primary) == (org.med, org.rt, job.fte, True)
    assert str(job.fte) == "0.90" and job.start_date == dt.date(2024, 3, 4) and job.end_date is None
    assert AuditEntry.objects.filter(action="roster.person.create").count() == 2
    assert AuditEntry.objects.filter(action="roster.job.start").count() == 2


def test_several_rows_for_one_employee_are_several_jobs_with_one_primary(org, write_csv):
    path = write_csv(HEADER, [row("E1", fte="0.6"), row("E1", unit="MED", fte="0.4", primary="no")])

    result = run(path)

    assert result.ok, result.errors
    jobs = Job.objects.filter(person__employee_id="E1").order_by("unit__code")
    assert [(j.unit.code, j.primary) for j in jobs] == [("ICU", True), ("MED", False)]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(org, write_csv):
    path = write_csv(
        HEADER,
        [row("E1", email="a@example.org"), row("E2", "Ben"), row("E2", "Ben", unit="MED", primary="no")],
    )
    assert run(path).ok
    audit_lines = AuditEntry.objects.count()

    again = run(path)

    assert again.ok
    assert again.counts == {
        "persons_created": 0,
        "persons_updated": 0,
        "persons_unchanged": 2,
        "jobs_started": 0,
        "jobs_updated": 0,
        "jobs_ended": 0,
    }
    assert again.changed_person_ids == []
    assert AuditEntry.objects.count() == audit_lines
    assert Job.objects.count() == 3


def test_bad_rows_store_nothing_and_every_bad_row_is_named(org, write_csv):
    f.PersonFactory(employee_id="X9", email="taken@example.org")
    path = write_csv(
        HEADER,
        [
            row("E1"),  # line 2: good
            row("E2", hire="2026-02-30"),  # 3: no such day
            row("E3", unit="NOPE"),  # 4
            row("E4", role="CRNA"),  # 5
            row("E5", job_start="2024-05-01", job_end="2024-04-01"),  # 6
            row("E6", email="Same@example.org"),  # 7
            row("E7", email="same@EXAMPLE.org"),  # 8: same e-mail, other case
            row("E1"),  # 9: same employee and job twice
            row("E8", email="TAKEN@example.org"),  # 10: another person's e-mail
            row("E9", hire="25/11/2026", fte="2"),  # 11: two problems
        ],
    )

    result = run(path)

    assert not result.ok
    assert Person.objects.count() == 1 and Job.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    by_line = {}
    for error in result.errors:
        by_line.setdefault(error["line"], []).append(error["message"])
    assert sorted(by_line) == [3, 4, 5, 6, 8, 9, 10, 11]
    assert "hire_date “2026-02-30” is not a date" in by_line[3][0]
    assert "unit_code “NOPE” is not a unit" in by_line[4][0]
    assert "job_role_code “CRNA” is not a job role" in by_line[5][0]
    assert "job_end 2024-04-01 is before job_start 2024-05-01" in by_line[6][0]
    assert "email same@example.org is also given on line 7" in by_line[8][0]
    assert "already has a row for this unit and job role on line 2" in by_line[9][0]
    assert "already belongs to another person (employee id X9)" in by_line[10][0]
    assert len(by_line[11]) == 2


def test_a_file_that_is_not_utf8_is_refused_with_the_line_named(org, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\nE1,Jos\xe9,Garc\xeda,,2020-01-06,ICU,RN,,,,,\n")

    result = run(path)

    assert not result.ok and Person.objects.count() == 0
    [error] = result.errors
    assert error["line"] == 2
    assert "not UTF-8" in error["message"] and "CSV UTF-8" in error["message"]


def test_an_empty_file_is_refused(org, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(HEADER) + "\n")

    assert run(empty).errors == [{"line": None, "message": "The file is empty."}]
    assert "no rows" in run(header_only).errors[0]["message"]


def test_missing_required_columns_are_named(org, write_csv):
    path = write_csv(["employee_id", "first_name", "last_name", "email"], [["E1", "Ana", "Lopez", ""]])

    result = run(path)

    [error] = result.errors
    assert error["line"] == 1
    assert "no hire_date, unit_code, job_role_code columns" in error["message"]


def test_50000_rows_with_one_bad_last_row_store_nothing_and_name_that_row(org, tmp_path):
    path = tmp_path / "big.csv"
    lines = [",".join(HEADER)]
    lines.extend(f"E{i:06d},Pat,Lee{i},p{i}@example.org,2021-06-01,ICU,RN,,,,," for i in range(49_999))
    lines.append("E999999,Last,Row,last@example.org,2021-13-01,ICU,RN,,,,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run(path)

    assert not result.ok
    assert result.errors == [
        {
            "line": 50_001,
            "message": "hire_date “2021-13-01” is not a date; write dates as YYYY-MM-DD, e.g. 2026-11-25.",
        }
    ]
    assert Person.objects.count() == 0 and Job.objects.count() == 0


def test_xlsx_files_import_like_csv(org, write_xlsx):
    path = write_xlsx(
        HEADER,
        [
            [1001, "Ana", "Lopez", "ana@example.org", dt.datetime(2020, 1, 6), "ICU", "RN", None, 0.8, "yes"],
            [1002, "Ben", "Okafor", None, dt.date(2021, 2, 1), "MED", "RT", "leave", 1, None],
        ],
    )

    result = run(path, kind=None)

    assert result.ok, result.errors
    assert result.kind == "persons"
    ana = Person.objects.get(employee_id="1001")
    assert ana.hire_date == dt.date(2020, 1, 6) and str(ana.jobs.get().fte) == "0.80"
    assert Person.objects.get(employee_id="1002").status == PersonStatus.LEAVE


def test_a_broken_xlsx_file_is_refused(org, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")

    result = run(path)

    assert not result.ok and "Excel workbook" in result.errors[0]["message"]


def test_transfer_ends_the_old_job_keeps_history_and_moves_assignments(
    org, write_csv, make_attestation, make_rule
):
    icu_training = make_rule(item=make_attestation("ICU sedation protocol").item, units=[org.icu])
    med_training = make_rule(item=make_attestation("Falls prevention").item, units=[org.med])
    assert run(write_csv(HEADER, [row("E1")], "first.csv")).ok
    ana = Person.objects.get(employee_id="E1")
    old = Assignment.objects.get(person=ana, rule=icu_training)  # the new hire got the ICU training

    result = run(write_csv(HEADER, [row("E1", unit="MED")], "transfer.csv"))

    assert result.ok, result.errors
    assert result.counts["jobs_started"] == 1 and result.counts["jobs_ended"] == 1
    today = timezone.localdate()
    ended, current = ana.jobs.order_by("start_date", "pk")
    assert ended.unit == org.icu and ended.end_date == today - dt.timedelta(days=1)
    assert current.unit == org.med and current.start_date == today and current.end_date is None
    old.refresh_from_db()
    assert old.closed_reason == ClosedReason.NO_LONGER_REQUIRED
    assert Assignment.objects.filter(person=ana, rule=med_training, closed_at=None).exists()
    assert AuditEntry.objects.filter(action="roster.job.end", target_id=str(ended.pk)).exists()


def test_transfer_with_a_start_date_ends_the_old_job_the_day_before(org, write_csv):
    assert run(write_csv(HEADER, [row("E1")], "first.csv")).ok

    assert run(write_csv(HEADER, [row("E1", unit="MED", job_start="2025-03-10")], "move.csv")).ok

    ended = Job.objects.get(unit=org.icu)
    assert ended.end_date == dt.date(2025, 3, 9)
    again = run(write_csv(HEADER, [row("E1", unit="MED", job_start="2025-03-10")], "move.csv"))
    assert again.counts["jobs_ended"] == again.counts["jobs_started"] == again.counts["jobs_updated"] == 0


def test_termination_ends_every_open_job_and_closes_assignments(org, write_csv, make_attestation, make_rule):
    make_rule(item=make_attestation().item, units=[org.icu])
    assert run(write_csv(HEADER, [row("E1"), row("E1", unit="MED", primary="no")], "first.csv")).ok

    result = run(
        write_csv(
            HEADER, [row("E1", status="terminated"), row("E1", unit="MED", primary="no", status="terminated")]
        )
    )

    assert result.ok, result.errors
    ana = Person.objects.get(employee_id="E1")
    assert ana.status == PersonStatus.TERMINATED
    assert list(ana.jobs.values_list("end_date", flat=True)) == [timezone.localdate()] * 2
    assert Assignment.objects.get(person=ana).closed_reason == ClosedReason.TERMINATED


def test_a_person_absent_from_a_later_file_is_not_touched(org, write_csv):
    assert run(write_csv(HEADER, [row("E1"), row("E2", "Ben")], "all.csv")).ok

    result = run(write_csv(HEADER, [row("E2", "Ben", last="Okafor")], "part.csv"))

    assert result.ok and result.counts["persons_updated"] == 1
    assert Job.objects.get(person__employee_id="E1").end_date is None
    assert Person.objects.get(employee_id="E1").status == PersonStatus.ACTIVE


def test_an_empty_email_keeps_the_email_a_known_person_has(org, write_csv):
    assert run(write_csv(HEADER, [row("E1", email="ana@example.org")], "first.csv")).ok

    assert run(write_csv(HEADER, [row("E1", email="")], "second.csv")).counts["persons_updated"] == 0

    assert Person.objects.get(employee_id="E1").email == "ana@example.org"


def test_an_employee_needs_exactly_one_primary_job(org, write_csv):
    two = run(write_csv(HEADER, [row("E1"), row("E1", unit="MED")], "two.csv"))
    none = run(write_csv(HEADER, [row("E2", primary="no")], "none.csv"))

    assert "more than one primary job (lines 2, 3)" in two.errors[0]["message"]
    assert two.errors[0]["line"] == 3
    assert "no primary job" in none.errors[0]["message"]
    assert Person.objects.count() == 0


def test_rows_of_one_employee_must_agree_on_the_person(org, write_csv):
    result = run(write_csv(HEADER, [row("E1"), row("E1", last="Lopes", unit="MED", primary="no")]))

    assert result.errors[0]["line"] == 3
    assert "last_name “Lopes” differs from “Lopez” on line 2" in result.errors[0]["message"]


def test_dry_run_reports_what_would_change_and_writes_nothing(org, write_csv):
    assert run(write_csv(HEADER, [row("E1")], "first.csv")).ok
    audit_lines = AuditEntry.objects.count()

    result = run(write_csv(HEADER, [row("E1", unit="MED"), row("E2", "Ben")]), dry_run=True)

    assert result.ok and result.dry_run
    assert result.counts["persons_created"] == 1
    assert result.counts["jobs_started"] == 2 and result.counts["jobs_ended"] == 1
    assert Person.objects.count() == 1 and Job.objects.count() == 1
    assert Job.objects.get().end_date is None
    assert AuditEntry.objects.count() == audit_lines


def test_the_roster_change_hook_gets_new_and_changed_persons_only(org, write_csv):
    seen = []

    def listener(*, person_ids):
        seen.append(person_ids)

    hooks.on_roster_change(listener)
    try:
        run(write_csv(HEADER, [row("E1"), row("E2", "Ben")], "first.csv"))
        run(
            write_csv(HEADER, [row("E1"), row("E2", "Ben", last="Renamed")], "rename.csv")
        )  # a name is not a job
        run(write_csv(HEADER, [row("E1", status="leave"), row("E2", "Ben", last="Renamed")], "leave.csv"))
    finally:
        hooks._callbacks.remove(listener)

    e1 = Person.objects.get(employee_id="E1").pk
    assert len(seen) == 2 and len(seen[0]) == 2
    assert seen[1] == [e1]


def test_the_roster_import_does_not_import_assignments():
    package = Path(__file__).resolve().parents[1]
    modules = [
        *package.glob("importing*.py"),
        package.parent / "people" / "hooks.py",
        package / "tasks.py",
        package / "views.py",
    ]
    assert [p.name for p in modules if "bedside.assignments" in p.read_text(encoding="utf-8")] == []


def test_command_prints_counts_on_success(org, write_csv, capsys):
    path = write_csv(HEADER, [row("E1")])

    call_command("import_roster", str(path))

    out = capsys.readouterr().out
    assert "Imported: 1 row of persons." in out and "Persons added: 1" in out
    assert AuditEntry.objects.filter(action="roster.person.create", actor=None).count() == 1
    assert AuditEntry.objects.filter(origin="command:import_roster").exists()


def test_command_prints_every_bad_row_and_fails(org, write_csv, capsys):
    path = write_csv(HEADER, [row("E1", unit="NOPE"), row("E2", hire="soon")])

    with pytest.raises(CommandError, match="Nothing was stored: 2 problems"):
        call_command("import_roster", str(path), "--kind", "persons")

    err = capsys.readouterr().err
    assert "line 2: unit_code “NOPE”" in err and "line 3: hire_date “soon”" in err
    assert Person.objects.count() == 0


def test_command_dry_run_writes_nothing(org, write_csv, capsys):
    call_command("import_roster", str(write_csv(HEADER, [row("E1")])), "--dry-run")

    assert "Dry run: nothing was stored" in capsys.readouterr().out
    assert Person.objects.count() == 0


def test_progress_is_reported_while_reading_every_500_rows_checked_and_before_saving(org, tmp_path):
    path = tmp_path / "roster.csv"
    body = "".join(f"E{i},Pat,Lee,,2021-06-01,ICU,RN,,,,,\n" for i in range(2500))
    path.write_text(",".join(HEADER) + "\n" + body)
    seen = []

    assert run(path, progress=lambda phase, done, total: seen.append((phase, done, total))).ok

    assert seen == [
        ("reading", 0, 0),
        ("reading", 1000, 0),
        ("reading", 2000, 0),
        ("checking", 0, 2500),
        *[("checking", done, 2500) for done in range(500, 2501, 500)],
        ("checking", 2500, 2500),  # every row checked, then compared with what is stored
        ("saving", 2500, 2500),
    ]


def test_a_failing_roster_change_listener_does_not_undo_the_import(org, write_csv):
    def broken(*, person_ids):
        raise RuntimeError("listener is down")

    hooks.on_roster_change(broken)
    try:
        result = run(write_csv(HEADER, [row("E1")]))
    finally:
        hooks._callbacks.remove(broken)

    assert result.ok and Person.objects.filter(employee_id="E1").exists()
    assert "re-applying training assignments failed (listener is down)" in result.warnings[0]


def test_semicolon_separated_files_from_spreadsheets_are_read(org, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(";".join(PERSON_HEADER) + "\nE1;Ana;Lopez;;2020-01-06;ICU;RN\n", encoding="utf-8-sig")

    assert run(path).ok
    assert Person.objects.filter(employee_id="E1").exists()
