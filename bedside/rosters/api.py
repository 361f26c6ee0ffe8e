"""The rosters API: shifts of the persons the caller may see, staffing minimums and coverage of their units."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from bedside.core.api_params import MAX_ID, IsoDate, IsoDateTime, LocalTime, Page, aware, narrowed
from bedside.people import access
from bedside.people.api import Denied, PersonRef, UnitRef
from bedside.people.models import Unit
from bedside.people.timezones import local_date
from bedside.rosters.coverage import COVERAGE, DENIED, MISSING, unit_coverage
from bedside.rosters.models import RoleCover, Shift, ShiftStatus, StaffingMinimum

router = Router(tags=["rosters"])


class ShiftOut(Schema):
    id: int
    person: PersonRef
    unit: UnitRef
    job_role: str = Field(..., alias="job_role.code")
    start: dt.datetime
    end: dt.datetime
    status: ShiftStatus
    night: bool


@router.get("/shifts", response=list[ShiftOut], url_name="shifts-list", summary="List shifts")
@paginate(Page)
def shifts_list(
    request: HttpRequest,
    unit: Annotated[int | None, Query(None, ge=1, le=MAX_ID, description="Unit id")] = None,
    person: Annotated[int | None, Query(None, ge=1, le=MAX_ID, description="Person id")] = None,
    starts_from: Annotated[
        IsoDateTime | None,
        Query(None, alias="from", description="Shifts still running at or after this time (ISO 8601)"),
    ] = None,
    until: Annotated[
        IsoDateTime | None, Query(None, alias="to", description="Shifts starting before this time")
    ] = None,
    status: Annotated[ShiftStatus | None, Query(None, description="Scheduled or cancelled")] = None,
):
    """Shifts of the persons you may see, in start order; `from`/`to` keep shifts overlapping the window."""
    starts_from, until = aware(starts_from, "from"), aware(until, "to")
    if starts_from and until and until <= starts_from:
        raise ValidationError("'to' must be after 'from'.")
    rows = access.scoped(
        request.auth, access.OVERSIGHT, Shift.objects.select_related("person", "unit", "job_role"), own=True
    )
    rows = narrowed(rows, unit_id=unit, person_id=person, end__gt=starts_from, start__lt=until, status=status)
    return rows.order_by("start", "pk")


# Staffing minimums and coverage --------------------------------------------------------


class MinimumOut(Schema):
    id: int
    unit: UnitRef
    job_role: str = Field(..., alias="job_role.code")
    weekday: int | None = Field(
        None, description="0 = Monday; null: every day from valid_from to valid_until"
    )
    start_time: LocalTime
    end_time: LocalTime
    minimum: int
    optimal: int | None
    valid_from: dt.date | None
    valid_until: dt.date | None


class RoleCoverOut(Schema):
    job_role: str = Field(..., alias="job_role.code")
    covers: str = Field(..., alias="covers.code")


class GapOut(Schema):
    start: dt.datetime
    end: dt.datetime
    count: int


class WindowOut(Schema):
    job_role: str
    start: dt.datetime
    end: dt.datetime
    minimum: int
    optimal: int | None
    scheduled: int = Field(..., description="The fewest staff counting toward the role at once in the window")
    highest: int
    met: bool
    gaps: list[GapOut]


class CoverageOut(Schema):
    unit: UnitRef
    day: dt.date
    windows: list[WindowOut]


@router.get(
    "/staffing/minimums",
    response=list[MinimumOut],
    url_name="minimums-list",
    summary="List staffing minimums",
)
@paginate(Page)
def minimums_list(
    request: HttpRequest,
    unit: Annotated[int | None, Query(None, ge=1, le=MAX_ID, description="Unit id")] = None,
    on: Annotated[IsoDate | None, Query(None, description="Only rows that hold on this day")] = None,
):
    """Staffing minimum rows of the units you manage, teach or report on, by unit, weekday and start."""
    rows = access.scoped(
        request.auth, COVERAGE, StaffingMinimum.objects.select_related("unit", "unit__site", "job_role")
    )
    rows = narrowed(rows, unit_id=unit)
    if on is not None:
        rows = rows.filter(
            Q(weekday=on.weekday()) | Q(weekday__isnull=True),
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        )
    return rows.order_by("unit_id", "weekday", "start_time", "pk")


@router.get(
    "/staffing/covers", response=list[RoleCoverOut], url_name="covers-list", summary="Which roles cover which"
)
@paginate(Page)
def covers_list(request: HttpRequest):
    """Pairs of job roles: staff in `job_role` count toward the minimum of `covers` (besides their own)."""
    return RoleCover.objects.select_related("job_role", "covers").order_by("job_role__code", "covers__code")


@router.get(
    "/units/{unit_id}/coverage",
    response={200: CoverageOut, 403: Denied},
    url_name="units-coverage",
    summary="A unit's coverage on a day",
)
def units_coverage(
    request: HttpRequest,
    unit_id: Annotated[int, Path(..., ge=1, le=MAX_ID)],
    day: Annotated[
        IsoDate | None, Query(None, description="Local day at the unit's site; default today")
    ] = None,
):
    """Scheduled staff against minimum per role and window beginning on the day, with the gaps."""
    unit = access.get_in_scope(
        request.auth,
        COVERAGE,
        Unit.objects.select_related("site"),
        pk=unit_id,
        denied=DENIED,
        missing=MISSING,
    )
    day = day or local_date(unit.site.tz, dt.datetime.now(dt.UTC))
    windows = [
        {
            "job_role": w.role,
            "start": w.window.start,
            "end": w.window.end,
            "minimum": w.window.minimum,
            "optimal": w.window.optimal,
            "scheduled": w.scheduled,
            "highest": w.highest,
            "met": w.met,
            "gaps": [{"start": g.start, "end": g.end, "count": g.count} for g in w.gaps],
        }
        for w in unit_coverage(unit, day)
    ]
    return {"unit": unit, "day": day, "windows": windows}
