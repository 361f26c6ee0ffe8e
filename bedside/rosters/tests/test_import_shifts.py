import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from bedside.audit.models import AuditEntry
from bedside.rosters.importing import roster_import
from bedside.rosters.models import Shift, ShiftStatus
from bedside.rosters.tests.conftest import SHIFT_HEADER
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
HEADER = [*SHIFT_HEADER, "status"]


@pytest.fixture
def nurses(org):
    """Two persons, each with RN and RT jobs on ICU and MED since 2020 (shifts need a job)."""
    persons = [f.PersonFactory(employee_id=f"E{n}") for n in (1, 2)]
    for person in persons:
        for n, (unit, role) in enumerate(
            [(org.icu, org.rn), (org.icu, org.rt), (org.med, org.rn), (org.med, org.rt)]
        ):
            f.JobFactory(person=person, unit=unit, job_role=role, primary=n == 0)
    return persons


def shift(
    source="",
    employee="E1",
    start="2026-11-25 07:00",
    end="2026-11-25 19:00",
    unit="ICU",
    role="RN",
    status="",
):
    return [source, employee, unit, role, start, end, status]


def local(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


def run(path, **kwargs):
    return roster_import(path_or_file=path, **kwargs)


def test_shifts_are_stored_in_utc_with_the_night_flag_from_local_time(nurses, write_csv):
    path = write_csv(
        HEADER,
        [
            shift("A1"),
            shift("A2", start="2026-11-25 19:00", end="2026-11-26 07:00"),
            shift("A3", start="2026-11-27 05:30", end="2026-11-27 13:30", unit="MED", role="RT"),
        ],
    )

    result = run(path)

    assert result.ok, result.errors
    assert result.kind == "shifts"  # worked out from the columns
    day, night, early = Shift.objects.order_by("source_id")
    assert day.start == local("2026-11-25 07:00") and day.start.utcoffset() == dt.timedelta(0)
    assert day.start.hour == 12  # 07:00 EST is 12:00 UTC
    assert (day.night, night.night, early.night) == (False, True, True)
    assert early.unit.code == "MED" and early.job_role.code == "RT"
    assert AuditEntry.objects.filter(action="roster.shift.create").count() == 3


def test_a_night_shift_across_the_end_of_daylight_saving_lasts_13_hours(nurses, write_csv):
    path = write_csv(HEADER, [shift(start="2026-10-31 19:00", end="2026-11-01 07:00")])

    assert run(path).ok

    stored = Shift.objects.get()
    assert stored.end - stored.start == dt.timedelta(hours=13)
    assert stored.start == dt.datetime(2026, 10, 31, 23, 0, tzinfo=dt.UTC)
    assert stored.end == dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
    assert stored.night


def test_shifts_are_matched_by_source_id_and_updated_in_place(nurses, write_csv):
    assert run(write_csv(HEADER, [shift("A1")], "first.csv")).ok
    original = Shift.objects.get()

    result = run(write_csv(HEADER, [shift("A1", start="2026-11-25 08:00", unit="MED")], "moved.csv"))

    assert result.counts["shifts_updated"] == 1 and result.counts["shifts_created"] == 0
    moved = Shift.objects.get()
    assert moved.pk == original.pk and moved.unit.code == "MED" and moved.start == local("2026-11-25 08:00")
    assert AuditEntry.objects.filter(action="roster.shift.update", target_id=str(moved.pk)).exists()


def test_shifts_without_source_id_are_matched_by_person_and_start(nurses, write_csv):
    assert run(write_csv(HEADER, [shift()], "first.csv")).ok

    result = run(write_csv(HEADER, [shift(end="2026-11-25 15:00", status="cancelled")], "second.csv"))

    assert result.counts == {
        "shifts_created": 0,
        "shifts_updated": 1,
        "shifts_unchanged": 0,
        "shifts_cancelled": 0,
    }
    stored = Shift.objects.get()
    assert stored.end == local("2026-11-25 15:00") and stored.status == ShiftStatus.CANCELLED


def test_importing_the_same_shifts_twice_changes_nothing_the_second_time(nurses, write_csv):
    path = write_csv(
        HEADER, [shift("A1"), shift(employee="E2", start="2026-11-26 19:00", end="2026-11-27 07:00")]
    )
    assert run(path).ok
    audit_lines = AuditEntry.objects.count()

    again = run(path)

    assert again.counts == {
        "shifts_created": 0,
        "shifts_updated": 0,
        "shifts_unchanged": 2,
        "shifts_cancelled": 0,
    }
    assert AuditEntry.objects.count() == audit_lines and Shift.objects.count() == 2


def test_a_shift_file_replaces_each_persons_shifts_within_its_date_range(nurses, write_csv):
    e1, e2 = nurses
    before = f.ShiftFactory(person=e1, start=local("2026-11-20 07:00"), end=local("2026-11-20 19:00"))
    dropped = f.ShiftFactory(person=e1, start=local("2026-11-26 07:00"), end=local("2026-11-26 19:00"))
    after = f.ShiftFactory(person=e1, start=local("2026-11-30 07:00"), end=local("2026-11-30 19:00"))
    someone_else = f.ShiftFactory(person=e2, start=local("2026-11-26 07:00"), end=local("2026-11-26 19:00"))
    path = write_csv(
        HEADER,
        [
            shift(start="2026-11-25 07:00", end="2026-11-25 19:00"),
            shift(start="2026-11-27 07:00", end="2026-11-27 19:00"),
        ],
    )

    result = run(path)

    assert result.counts["shifts_created"] == 2 and result.counts["shifts_cancelled"] == 1
    for kept in (before, dropped, after, someone_else):
        kept.refresh_from_db()  # never deleted
    assert dropped.status == ShiftStatus.CANCELLED
    assert before.status == after.status == someone_else.status == ShiftStatus.SCHEDULED
    assert AuditEntry.objects.filter(action="roster.shift.cancel", target_id=str(dropped.pk)).exists()


def test_bad_shift_rows_store_nothing_and_every_bad_row_is_named(nurses, write_csv):
    path = write_csv(
        HEADER,
        [
            shift("A1"),  # 2: good
            shift("A2", employee="E404"),  # 3
            shift("A3", start="2026-11-25 19:00", end="2026-11-25 07:00"),  # 4: end before start
            shift("A4", start="tomorrow"),  # 5
            shift("A1", start="2026-11-28 07:00", end="2026-11-28 19:00"),  # 6: source id again
            shift("", unit="NOPE"),  # 7
            shift("A7", start="2026-11-25"),  # 8: no time
            shift("A8", start="2026-11-29 07:00", end="2026-11-29 19:00", status="maybe"),  # 9
        ],
    )

    result = run(path)

    assert not result.ok and Shift.objects.count() == 0
    messages = {e["line"]: e["message"] for e in result.errors}
    assert sorted(messages) == [3, 4, 5, 6, 7, 8, 9]
    assert "employee_id “E404” is not a person in Bedside" in messages[3]
    assert "end 2026-11-25 07:00 is not after start 2026-11-25 19:00" in messages[4]
    assert "start “tomorrow” is not a date and time" in messages[5]
    assert "source_id A1 is also on line 2" in messages[6]
    assert "unit_code “NOPE” is not a unit" in messages[7]
    assert "start “2026-11-25” is not a date and time" in messages[8]
    assert "status “maybe” must be scheduled or cancelled" in messages[9]


def test_the_same_person_and_start_twice_in_a_file_is_refused(nurses, write_csv):
    result = run(write_csv(HEADER, [shift(), shift(unit="MED")]))

    assert result.errors == [
        {"line": 3, "message": "employee E1 already has a shift starting 2026-11-25 07:00 on line 2."}
    ]


def test_shifts_from_an_xlsx_file_with_datetime_cells(nurses, write_xlsx):
    path = write_xlsx(
        HEADER, [["X1", "E1", "ICU", "RN", dt.datetime(2026, 11, 25, 19), dt.datetime(2026, 11, 26, 7), None]]
    )

    assert run(path).ok

    assert Shift.objects.get().start == local("2026-11-25 19:00")


def test_dry_run_counts_shift_changes_and_writes_nothing(nurses, write_csv):
    e1, _ = nurses
    f.ShiftFactory(person=e1, start=local("2026-11-26 07:00"), end=local("2026-11-26 19:00"))
    path = write_csv(
        HEADER, [shift(start="2026-11-25 07:00"), shift(start="2026-11-27 07:00", end="2026-11-27 19:00")]
    )

    result = run(path, dry_run=True)

    assert result.ok and result.counts["shifts_created"] == 2 and result.counts["shifts_cancelled"] == 1
    assert Shift.objects.count() == 1 and Shift.objects.get().status == ShiftStatus.SCHEDULED


def test_command_infers_the_kind_and_prints_counts(nurses, write_csv, capsys):
    call_command("import_roster", str(write_csv(HEADER, [shift("A1")])))

    out = capsys.readouterr().out
    assert "row of shifts" in out and "Shifts added: 1" in out


def test_command_fails_when_the_kind_does_not_match_the_columns(nurses, write_csv, capsys):
    with pytest.raises(CommandError):
        call_command("import_roster", str(write_csv(HEADER, [shift("A1")])), "--kind=persons")

    assert "no first_name, last_name, hire_date columns" in capsys.readouterr().err


def test_a_person_booked_twice_at_overlapping_times_in_one_file_is_refused(nurses, write_csv):
    path = write_csv(
        HEADER,
        [
            shift("A1"),  # 2: 07:00-19:00
            shift("A2", start="2026-11-25 19:00", end="2026-11-26 07:00"),  # 3: back to back is fine
            shift("A3", start="2026-11-25 15:00", end="2026-11-25 23:00", unit="MED"),  # 4: overlaps 2 and 3
            shift("A4", employee="E2", start="2026-11-25 15:00", end="2026-11-25 23:00"),  # 5: someone else
            # 6: a cancelled shift books no one
            shift("A5", start="2026-11-26 06:00", end="2026-11-26 10:00", status="cancelled"),
        ],
    )

    result = run(path, dry_run=True)

    assert result.errors == [
        {
            "line": 3,
            "message": "employee E1 is already booked 2026-11-25 15:00 to 23:00 on line 4; "
            "a person cannot work two shifts at once.",
        },
        {
            "line": 4,
            "message": "employee E1 is already booked 2026-11-25 07:00 to 19:00 on line 2; "
            "a person cannot work two shifts at once.",
        },
    ]
    assert not run(path).ok and Shift.objects.count() == 0


def test_a_shift_overlapping_a_stored_shift_the_file_keeps_is_refused(nurses, write_csv):
    e1, _ = nurses
    night = f.ShiftFactory(
        person=e1,
        unit=nurses[0].jobs.first().unit,
        start=local("2026-11-24 19:00"),
        end=local("2026-11-25 07:30"),
    )
    path = write_csv(HEADER, [shift("A1"), shift("A2", start="2026-11-26 07:00", end="2026-11-26 19:00")])

    result = run(path)

    assert result.errors == [
        {
            "line": 2,
            "message": "employee E1 already has a shift in Bedside 2026-11-24 19:00 to 2026-11-25 07:30 on unit "
            "ICU that this one overlaps; a person cannot work two shifts at once (cancel one of them).",
        }
    ]
    assert Shift.objects.get() == night and AuditEntry.objects.count() == 0


def test_a_stored_shift_the_file_moves_or_cancels_is_no_overlap(nurses, write_csv):
    e1, _ = nurses
    f.ShiftFactory(person=e1, source_id="A1", start=local("2026-11-25 07:00"), end=local("2026-11-25 19:00"))
    f.ShiftFactory(
        person=e1, start=local("2026-11-26 07:00"), end=local("2026-11-26 19:00")
    )  # to be cancelled
    path = write_csv(
        HEADER,
        [
            shift("A1", start="2026-11-25 09:00", end="2026-11-25 21:00"),  # moves the stored A1
            shift("A2", start="2026-11-26 09:00", end="2026-11-26 21:00"),
        ],
    )

    result = run(path)

    assert result.ok, result.errors
    assert result.counts["shifts_updated"] == 1 and result.counts["shifts_cancelled"] == 1


def test_a_shift_where_the_person_holds_no_job_that_day_is_refused(org, write_csv):
    nurse = f.PersonFactory(employee_id="E1")
    f.JobFactory(person=nurse, unit=org.icu, job_role=org.rn, start_date=dt.date(2026, 11, 1))
    f.JobFactory(person=nurse, unit=org.med, job_role=org.rn, primary=False, end_date=dt.date(2026, 11, 20))
    path = write_csv(
        HEADER,
        [
            shift("A1"),  # 2: ICU RN from 1 Nov: fine
            shift("A2", start="2026-10-30 07:00", end="2026-10-30 19:00"),  # 3: before the ICU job began
            shift("A3", start="2026-11-26 07:00", end="2026-11-26 19:00", role="RT"),  # 4: no RT job
            shift("A4", start="2026-11-27 07:00", end="2026-11-27 19:00", unit="MED"),  # 5: MED job ended
            shift(
                "A5", start="2026-11-28 07:00", end="2026-11-28 19:00", unit="MED", status="cancelled"
            ),  # 6
        ],
    )

    result = run(path, dry_run=True)

    assert {e["line"]: e["message"] for e in result.errors} == {
        3: "employee E1 holds no job as RN on unit ICU on 2026-10-30; a shift needs a job on that unit in "
        "that role on its day (import the job first, or correct the unit or role).",
        4: "employee E1 holds no job as RT on unit ICU on 2026-11-26; a shift needs a job on that unit in "
        "that role on its day (import the job first, or correct the unit or role).",
        5: "employee E1 holds no job as RN on unit MED on 2026-11-27; a shift needs a job on that unit in "
        "that role on its day (import the job first, or correct the unit or role).",
    }
    assert Shift.objects.count() == 0
