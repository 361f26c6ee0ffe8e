"""The records API: the learning ledger, current records only, within the caller's grants."""

import datetime as dt
import uuid
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as RequestInvalid
from ninja.pagination import paginate

from bedside.core.api_params import MAX_ID, IsoDateTime, Page, aware, narrowed
from bedside.people import access
from bedside.people.api import PersonRef
from bedside.records.kinds import known_verbs
from bedside.records.queries import current_records

router = Router(tags=["records"])


class ItemRef(Schema):
    id: int
    kind: str
    title: str
    minutes: int


class RecordOut(Schema):
    id: uuid.UUID
    person: PersonRef
    item: ItemRef
    version: str | None = Field(None, alias="version.label")
    verb: str = Field(..., description="What the person did: one of the verbs the item's kind takes")
    at: dt.datetime
    score: float | None
    credit_amount: float | None
    credit_type: str
    valid_until: dt.datetime | None
    evidence: str
    source_kind: str
    recorded_at: dt.datetime


@router.get("/records", response=list[RecordOut], url_name="records-list", summary="List records")
@paginate(Page)
def records_list(
    request: HttpRequest,
    person: Annotated[int | None, Query(None, ge=1, le=MAX_ID, description="Person id")] = None,
    item: Annotated[int | None, Query(None, ge=1, le=MAX_ID, description="Learning item id")] = None,
    verb: Annotated[
        str | None, Query(None, pattern=r"^[a-z][a-z_]{1,13}$", description="What the person did")
    ] = None,
    since: Annotated[
        IsoDateTime | None, Query(None, description="Records at or after this time (ISO 8601)")
    ] = None,
):
    """Current records (neither superseded nor voided) of the persons you may see, newest first."""
    if verb is not None and verb not in known_verbs():
        message = f"No kind of learning item takes the verb {verb!r}."
        raise RequestInvalid([{"loc": ["query", "verb"], "msg": message, "type": "value_error"}])
    since = aware(since, "since")
    rows = access.scoped(
        request.auth,
        access.OVERSIGHT,
        current_records().select_related("person", "item", "version"),
        own=True,
    )
    rows = narrowed(rows, person_id=person, item_id=item, verb=verb, at__gte=since)
    return rows.order_by("-at", "pk")
