"""The HTTP API root: django-ninja at /api/v1, each app adds its router.

Every operation needs a bearer token or a signed-in session (bedside.people.api_auth);
the OpenAPI document (/api/v1/openapi.json) and its docs page (/api/v1/docs) are
public, as they describe the API and hold no data.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI, Swagger

from bedside.assignments.api import router as assignments_router
from bedside.attestations.api import router as attestations_router
from bedside.campaigns.api import router as campaigns_router
from bedside.core.api_answers import with_error_answers
from bedside.credits.api import router as credits_router
from bedside.drills.api import router as drills_router
from bedside.events.api import router as events_router
from bedside.learning.api import router as learning_router
from bedside.library.api import router as library_router
from bedside.people.api import router as people_router
from bedside.people.api_auth import api_auth
from bedside.records.api import router as records_router
from bedside.rosters.api import router as rosters_router


class BedsideAPI(NinjaAPI):
    """The API whose OpenAPI document also lists the error answers each operation gives."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return with_error_answers(document)


api = BedsideAPI(
    title="Bedside API",
    version="1",
    description=(
        "Read persons, units, shifts, assignments and records within your grants; complete attestations; read, search and acknowledge the care library. "
        "Authenticate with `Authorization: Bearer <token>` (issued by `bedside issue-token EMAIL NAME`) "
        "or a signed-in browser session (unsafe methods then need the X-CSRFToken header)."
    ),
    auth=api_auth(),
    urls_namespace="api",
    # validatorUrl: no call to swagger.io from a hospital network (and the CSP would block it).
    docs=Swagger(settings={"validatorUrl": None}),
    # The document and its page are read-only: anything but GET/HEAD is a 405.
    docs_decorator=require_safe,
)

api.add_router("", people_router)
api.add_router("", rosters_router)
api.add_router("", assignments_router)
api.add_router("", records_router)
api.add_router("", attestations_router)
api.add_router("", drills_router)
api.add_router("", campaigns_router)
api.add_router("", learning_router)
api.add_router("", library_router)
api.add_router("", events_router)
api.add_router("", credits_router)


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages) or "The request is not valid."


@api.exception_handler(ValidationError)
def bad_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _messages(exc)}, status=400)


@api.exception_handler(PermissionDenied)
def denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "You do not have access to this."}, status=403)
