"""The assignments API: each person's current requirements and their status now, within grants."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from bedside.assignments.queries import required, with_status
from bedside.core.api_params import MAX_ID, Page, narrowed
from bedside.people import access
from bedside.people.api import PersonRef, with_job_on
from bedside.records.api import ItemRef

router = Router(tags=["assignments"])

# Router signatures are read at runtime by ninja, so no `from __future__ import annotations` here.
RequirementStatus = Literal["satisfied", "due", "overdue"]


class AssignmentOut(Schema):
    id: int
    person: PersonRef
    item: ItemRef
    cycle: str
    cycle_kind: Literal["once", "interval", "window", "campaign", "version"]
    status: RequirementStatus
    assigned_at: dt.datetime
    due_at: dt.datetime
    overdue_at: dt.datetime
    covered_until: dt.datetime | None
    closed_at: dt.datetime | None
    closed_reason: str
    record_id: uuid.UUID | None

    @staticmethod
    def resolve_cycle(obj) -> str:
        return str(obj.cycle)


@router.get(
    "/assignments", response=list[AssignmentOut], url_name="assignments-list", summary="List assignments"
)
@paginate(Page)
def assignments_list(
    request: HttpRequest,
    person: Annotated[int | None, Query(None, ge=1, le=MAX_ID, description="Person id")] = None,
    item: Annotated[int | None, Query(None, ge=1, le=MAX_ID, description="Learning item id")] = None,
    status: Annotated[
        RequirementStatus | None, Query(None, description="satisfied, due or overdue, as of now")
    ] = None,
    unit: Annotated[
        int | None, Query(None, ge=1, le=MAX_ID, description="Assignee holds a current job on this unit")
    ] = None,
):
    """Current requirements (latest cycle, not withdrawn) of the persons you may see, soonest due first."""
    rows = access.scoped(
        request.auth, access.OVERSIGHT, with_status(required()).select_related("person", "item"), own=True
    )
    rows = with_job_on(rows, "person_id", unit=unit)
    rows = narrowed(rows, person_id=person, item_id=item, status=status)
    return rows.order_by("due_at", "pk")
