"""The people API: persons and units, each within the caller's grants.

Who sees whom is decided by `bedside.people.access`: a learner sees their own
person; overseers (teach, manage, report, validate, coordinate) also see the persons
their grants reach (staff of their units, members of their programs); admins see
everyone. Units are organisational, not personal, data: every signed-in person may
list and open them (as the pages name units to everyone). As on the pages, a person
outside the caller's reach is a 404 (it never confirms that they exist), and a
caller who oversees no one at all gets 403.
"""

import datetime as dt
from typing import Annotated

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from bedside.core.api_params import MAX_ID, NO_NUL, Page, narrowed
from bedside.people import access
from bedside.people.models import Person, PersonStatus, Unit, UnitKind, active_jobs

router = Router(tags=["people"])


def with_job_on(rows: QuerySet, field: str, *, unit: int | None = None, role: str | None = None) -> QuerySet:
    """`rows` whose person (at `field`) holds a current job on the unit and/or in the role."""
    if unit is None and role is None:
        return rows
    jobs = active_jobs(timezone.localdate())
    if unit is not None:
        jobs = jobs.filter(unit_id=unit)
    if role is not None:
        jobs = jobs.filter(job_role__code=role)
    return rows.filter(**{f"{field}__in": jobs.values("person_id")})


# Schemas -------------------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    full_name: str
    employee_id: str | None


class UnitRef(Schema):
    id: int
    code: str
    name: str


class SiteOut(Schema):
    id: int
    code: str
    name: str
    time_zone: str


class DepartmentOut(Schema):
    id: int
    name: str


class JobOut(Schema):
    unit: UnitRef
    job_role: str = Field(..., alias="job_role.code")
    job_role_name: str = Field(..., alias="job_role.name")
    primary: bool
    fte: float
    start_date: dt.date
    end_date: dt.date | None


class PersonOut(Schema):
    id: int
    email: str | None
    employee_id: str | None
    first_name: str
    last_name: str
    full_name: str
    status: PersonStatus
    hire_date: dt.date | None
    jobs: list[JobOut] = Field(..., alias="current_jobs", description="Jobs held today")


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: UnitKind
    beds: int
    site: SiteOut
    department: DepartmentOut
    tags: list[str]

    @staticmethod
    def resolve_tags(obj: Unit) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


# Persons -------------------------------------------------------------------------------


def _persons() -> QuerySet[Person]:
    current = active_jobs(timezone.localdate()).select_related("unit", "job_role").order_by("-primary", "pk")
    return Person.objects.prefetch_related(Prefetch("jobs", queryset=current, to_attr="current_jobs"))


@router.get("/persons", response=list[PersonOut], url_name="persons-list", summary="List persons")
@paginate(Page)
def persons_list(
    request: HttpRequest,
    unit: Annotated[
        int | None, Query(None, ge=1, le=MAX_ID, description="Holds a current job on this unit id")
    ] = None,
    role: Annotated[
        str | None,
        Query(
            None,
            max_length=20,
            pattern=NO_NUL,
            description="Holds a current job in this job role code",
        ),
    ] = None,
    status: Annotated[PersonStatus | None, Query(None, description="Employment status")] = None,
    q: Annotated[
        str | None,
        Query(
            None,
            max_length=100,
            pattern=NO_NUL,
            description="Words found in name, employee id or email",
        ),
    ] = None,
):
    """Persons you may see, by last name: yourself, and for overseers the persons of their units."""
    rows = access.scoped(request.auth, access.OVERSIGHT, _persons(), own=True)
    rows = with_job_on(rows, "pk", unit=unit, role=role)
    rows = narrowed(rows, status=status)
    for word in (q or "").split():
        rows = rows.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(employee_id__iexact=word)
            | Q(email__icontains=word)
        )
    return rows.order_by("last_name", "first_name", "pk")


class Denied(Schema):
    detail: str


@router.get(
    "/persons/{person_id}",
    response={200: PersonOut, 403: Denied},
    url_name="persons-detail",
    summary="One person",
)
def persons_detail(request: HttpRequest, person_id: Annotated[int, Path(..., ge=1, le=MAX_ID)]):
    """Yourself, or a person of your units; 403 if you oversee no one, 404 for anyone else or no one."""
    return access.get_in_scope(
        request.auth,
        access.OVERSIGHT,
        _persons(),
        own=True,
        pk=person_id,
        denied="You can only see your own person.",
        missing="No such person in your scope.",
    )


# Units ---------------------------------------------------------------------------------


def _units() -> QuerySet[Unit]:
    return Unit.objects.select_related("site", "department").prefetch_related("tags")


@router.get("/units", response=list[UnitOut], url_name="units-list", summary="List units")
@paginate(Page)
def units_list(
    request: HttpRequest,
    site: Annotated[int | None, Query(None, ge=1, le=MAX_ID, description="Site id")] = None,
    department: Annotated[int | None, Query(None, ge=1, le=MAX_ID, description="Department id")] = None,
    kind: Annotated[UnitKind | None, Query(None, description="Kind of unit")] = None,
):
    """Every unit of the organisation, by name (units are not personal data)."""
    rows = _units()
    rows = narrowed(rows, site_id=site, department_id=department, kind=kind)
    return rows.order_by("name", "pk")


@router.get("/units/{unit_id}", response=UnitOut, url_name="units-detail", summary="One unit")
def units_detail(request: HttpRequest, unit_id: Annotated[int, Path(..., ge=1, le=MAX_ID)]):
    unit = _units().filter(pk=unit_id).first()
    if unit is None:
        raise Http404("No such unit.")
    return unit
