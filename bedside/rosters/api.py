"""The rosters API: shifts of the persons the caller may see (`bedside.people.access`)."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from bedside.core.api_params import MAX_ID, IsoDateTime, Page, aware, narrowed
from bedside.people import access
from bedside.people.api import PersonRef, UnitRef
from bedside.rosters.models import Shift, ShiftStatus

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
