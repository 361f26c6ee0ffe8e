"""The HTTP API root: django-ninja at /api/v1, each app adds its router."""

from ninja import NinjaAPI

from bedside.api_auth import SessionOrToken

api = NinjaAPI(
    title="Bedside API",
    version="1",
    description="Read persons, units, shifts, assignments and records within your grants; complete attestations.",
    auth=SessionOrToken(),
    urls_namespace="api",
)
