"""The library API: resources, versions, collections and search, with the pages' scopes.

Staff read the internal library; a person with no job (an external learner) reads the public
collections only. Acknowledging is always for the caller and names the current version.
"""

import datetime as dt
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.errors import ValidationError as RequestInvalid
from ninja.pagination import paginate

from bedside.core.api_params import Page
from bedside.library import queries
from bedside.library.models import Resource, ResourceKind
from bedside.library.rendering import render_markdown
from bedside.library.search import search
from bedside.library.services import acknowledge, current_version
from bedside.people import access
from bedside.records.api import RecordOut

router = Router(tags=["library"])
SLUG = r"^[-a-zA-Z0-9_]{1,120}$"
Slug = Annotated[str, Path(..., pattern=SLUG, description="The resource's stable name")]


class VersionOut(Schema):
    id: int
    label: str
    status: str
    published_at: dt.datetime | None
    effective_on: dt.date
    change_summary: str
    key_points: list[str]
    requires_acknowledgment: bool


class ResourceOut(Schema):
    id: int
    slug: str
    title: str
    kind: str
    minutes: int
    tags: list[str]
    link: str
    url: str
    current: VersionOut | None


class ResourceDetail(ResourceOut):
    body_html: str
    collections: list[str]


class CollectionOut(Schema):
    slug: str
    name: str
    description: str
    public: bool
    licence: str
    licence_url: str
    attribution: str
    resources: list[str]


class HitOut(Schema):
    resource: ResourceOut
    snippet_html: str
    rank: float


class SearchOut(Schema):
    query: str
    words: list[str]
    total: int
    hits: list[HitOut]


def _version(v) -> dict | None:
    if v is None:
        return None
    return {
        "id": v.pk,
        "label": v.label,
        "status": v.status,
        "published_at": v.published_at,
        "effective_on": v.effective_on,
        "change_summary": v.change_summary,
        "key_points": v.key_point_lines(),
        "requires_acknowledgment": v.requires_acknowledgment,
    }


def _resource(r: Resource, version=None) -> dict:
    current = version if version is not None else (r.current[0] if getattr(r, "current", None) else None)
    return {
        "id": r.pk,
        "slug": r.slug,
        "title": r.item.title,
        "kind": r.kind,
        "minutes": r.item.minutes,
        "tags": [t.name for t in r.tags.all()],
        "link": r.link,
        "url": reverse("library-resource", args=[r.slug]),
        "current": _version(current),
    }


def _readable(request: HttpRequest, slug: str) -> Resource:
    resource = queries.readable_resources(request.auth).filter(slug=slug).first()
    if resource is None:
        raise Http404("No such resource in the library (or it is retired).")
    return resource


@router.get(
    "/library/resources",
    response=list[ResourceOut],
    url_name="library-resources-list",
    summary="List resources",
)
@paginate(Page)
def library_resources_list(
    request: HttpRequest,
    kind: Annotated[ResourceKind | None, Query(None, description="Only this kind")] = None,
    collection: Annotated[
        str | None, Query(None, pattern=SLUG, description="Only this collection (its slug)")
    ] = None,
):
    """Published resources you may read, by title, each with its current version."""
    rows = queries.published(queries.readable_resources(request.auth)).prefetch_related("tags")
    if kind:
        rows = rows.filter(kind=kind)
    if collection:
        rows = rows.filter(collections__in=queries.readable_collections(request.auth).filter(slug=collection))
    return [_resource(r) for r in rows.distinct().order_by("item__title", "pk")]


@router.get(
    "/library/resources/{slug}",
    response=ResourceDetail,
    url_name="library-resources-detail",
    summary="One resource",
)
def library_resources_detail(request: HttpRequest, slug: Slug):
    """A resource with its current version's key points and full text (sanitised HTML)."""
    resource = _readable(request, slug)
    version = current_version(resource)
    return {
        **_resource(resource, version),
        "body_html": render_markdown(version.body) if version else "",
        "collections": list(
            queries.readable_collections(request.auth)
            .filter(entries__resource=resource)
            .values_list("slug", flat=True)
        ),
    }


@router.get(
    "/library/resources/{slug}/versions",
    response=list[VersionOut],
    url_name="library-versions-list",
    summary="A resource's versions",
)
def library_versions_list(request: HttpRequest, slug: Slug):
    """Published and retired versions, newest first (drafts are the curators')."""
    return [_version(v) for v in queries.history(_readable(request, slug))]


@router.post(
    "/library/resources/{slug}/acknowledge",
    response=RecordOut,
    url_name="library-acknowledge",
    summary="Acknowledge the current version",
)
def library_acknowledge(request: HttpRequest, slug: Slug):
    """Record that you read the current version; sending it again returns the same record."""
    return acknowledge(
        person=request.auth,
        resource=_readable(request, slug),
        evidence="Acknowledged through the Bedside API",
    )


@router.get(
    "/library/collections",
    response=list[CollectionOut],
    url_name="library-collections-list",
    summary="List collections",
)
def library_collections_list(
    request: HttpRequest,
    public: Annotated[
        bool | None, Query(None, description="Only public (true) or internal (false) ones")
    ] = None,
):
    """Collections you may read, in their order, each with its resources' slugs in order."""
    readable = set(queries.readable_resources(request.auth).values_list("pk", flat=True))
    rows = queries.readable_collections(request.auth)
    if public is not None:
        rows = rows.filter(public=public)
    out = []
    for c in rows.prefetch_related("entries__resource"):
        slugs = [
            e.resource.slug
            for e in sorted(c.entries.all(), key=lambda e: e.position)
            if e.resource_id in readable
        ]
        out.append(
            {
                **{
                    f: getattr(c, f)
                    for f in (
                        "slug",
                        "name",
                        "description",
                        "public",
                        "licence",
                        "licence_url",
                        "attribution",
                    )
                },
                "resources": slugs,
            }
        )
    return out


@router.get(
    "/library/search", response=SearchOut, url_name="library-search-api", summary="Search the library"
)
def library_search(
    request: HttpRequest,
    q: Annotated[str, Query("", max_length=200, description="A question or words (empty: no results)")] = "",
    kind: Annotated[ResourceKind | None, Query(None, description="Only this kind")] = None,
    collection: Annotated[
        str | None, Query(None, pattern=SLUG, description="Only this collection (its slug)")
    ] = None,
    audience: Annotated[
        str | None,
        Query(
            None,
            pattern=r"^(me|[0-9]{1,10})$",
            description="Only resources that concern you ('me': audiences holding you) or one audience (its id)",
        ),
    ] = None,
    status: Annotated[
        Literal["current", "review_due", "retired"],
        Query("current", description="current; review_due (staff); retired (curators, titles only)"),
    ] = "current",
    limit: Annotated[int, Query(20, ge=1, le=50, description="Results a page")] = 20,
    offset: Annotated[int, Query(0, ge=0, le=10_000, description="Results to skip")] = 0,
):
    """The same search as the library's page: best first, with highlighted snippets (HTML)."""
    person = request.auth
    today = timezone.localdate()
    chosen = None
    if collection:
        chosen = queries.readable_collections(person).filter(slug=collection).first()
        if chosen is None:
            message = f"There is no collection {collection!r} that you may read."
            raise RequestInvalid([{"loc": ["query", "collection"], "msg": message, "type": "value_error"}])
    if status not in dict(queries.status_choices(person)):
        message = f"You may not search {status} resources: " + (
            "retired ones are for curators." if status == "retired" else "due for review is for staff."
        )
        raise RequestInvalid([{"loc": ["query", "status"], "msg": message, "type": "value_error"}])
    try:
        audiences = queries.audience_filter(person, audience or "", today=today)
    except queries.FilterRefused as refused:
        raise RequestInvalid(
            [{"loc": ["query", "audience"], "msg": str(refused), "type": "value_error"}]
        ) from None
    results = search(
        q,
        kind=kind or "",
        collection=chosen,
        audiences=audiences,
        status=status,
        public_only=not access.is_hospital_staff(person),
        today=today,
        limit=limit,
        offset=offset,
    )
    rows = {
        r.pk: r
        for r in queries.published(
            Resource.objects.filter(pk__in=[h.resource.pk for h in results.hits])
        ).prefetch_related("tags")
    }
    return {
        "query": q,
        "words": results.words,
        "total": results.total,
        "hits": [
            {"resource": _resource(rows[h.resource.pk]), "snippet_html": h.snippet, "rank": h.rank}
            for h in results.hits
            if h.resource.pk in rows
        ],
    }
