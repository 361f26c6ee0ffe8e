"""The public portal: collections marked public, readable without an account at stable addresses.

Built for a CDN: anonymous answers carry `Cache-Control: public`, an ETag and Last-Modified, and
a conditional request is answered 304 from one small query, before anything is rendered. The
pages are rendered without the request (no person, no token, no session data can leak into a
shared cache); a signed-in visitor still gets `no-store` from the middleware. Nothing internal
shows: no audiences, owners, drafts, review dates or scan counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import condition, require_safe

from bedside.library import public_cache
from bedside.library.models import Collection, Resource, ResourceVersion, VersionStatus
from bedside.library.queries import in_public_collection
from bedside.library.rendering import render_markdown

MAX_AGE = 300  # five minutes: a CDN serves a crisis's traffic, a new version shows soon after
FEED_ENTRIES = 50


def public_resources():
    return Resource.objects.filter(retired_at__isnull=True).filter(in_public_collection())


def public_versions():
    return ResourceVersion.objects.filter(status=VersionStatus.PUBLISHED, resource__in=public_resources())


def _stamp(versions, collections) -> tuple[dt.datetime | None, str]:
    """The latest change among these versions and collections, and an ETag naming it."""
    v = versions.aggregate(at=Max("item_version__published_at"), n=Max("pk"))
    c = collections.aggregate(at=Max("updated_at"))
    moments = [m for m in (v["at"], c["at"]) if m is not None]
    latest = max(moments) if moments else None
    count = versions.count()
    tag = hashlib.sha256(f"{latest}|{v['n']}|{count}".encode()).hexdigest()[:20]
    return latest, tag


def _scope(request: HttpRequest, **kwargs):
    """Which versions and collections a public page shows (for its validators)."""
    name = request.resolver_match.url_name
    collections = Collection.objects.filter(public=True)
    versions = public_versions()
    if name == "public-collection":
        collections = collections.filter(slug=kwargs["slug"])
        versions = versions.filter(resource__collections__in=collections)
    elif name == "public-resource":
        versions = versions.filter(resource__slug=kwargs["slug"])
        collections = collections.filter(resources__slug=kwargs["slug"])
    return versions, collections


def _stamp_of(request: HttpRequest, **kwargs) -> tuple[dt.datetime | None, str]:
    """The page's validators, worked out once a request (ETag, Last-Modified and the cache share them)."""
    if not hasattr(request, "_public_stamp"):
        request._public_stamp = _stamp(*_scope(request, **kwargs))
    return request._public_stamp


def _last_modified(request: HttpRequest, **kwargs):
    return _stamp_of(request, **kwargs)[0]


def _etag(request: HttpRequest, **kwargs):
    return _stamp_of(request, **kwargs)[1]


def cacheable(view: Callable) -> Callable:
    """ETag, Last-Modified and 304 answers, `Cache-Control: public` (GET and HEAD only), and the
    rendered page kept in the cache under its ETag (see `public_cache`).

    The views never read the session or the person (rendered without the request), and the
    middlewares leave a cookieless request's session alone, so an anonymous answer carries no
    `Vary: Cookie` and shared caches keep one copy for everyone.
    """

    @require_safe
    @condition(etag_func=_etag, last_modified_func=_last_modified)
    def wrapped(request: HttpRequest, **kwargs) -> HttpResponse:
        etag = _etag(request, **kwargs)
        kept = public_cache.get(request, etag)
        if kept is not None:
            content, content_type = kept
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, **kwargs)
            if response.status_code == 200:
                public_cache.put(request, etag, response.content, response["Content-Type"])
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _page(template: str, context: dict, content_type: str = "text/html; charset=utf-8") -> HttpResponse:
    return HttpResponse(render_to_string(template, context), content_type=content_type)


@cacheable
def public_home(request: HttpRequest) -> HttpResponse:
    collections = Collection.objects.filter(public=True)
    return _page("library/public/home.html", {"collections": collections})


@cacheable
def public_collection(request: HttpRequest, slug: str) -> HttpResponse:
    collection = Collection.objects.filter(public=True, slug=slug).first()
    if collection is None:
        raise Http404("There is no such public collection.")
    position = dict(collection.entries.values_list("resource_id", "position"))
    versions = sorted(
        public_versions()
        .filter(resource__collections=collection)
        .select_related("resource__item", "item_version"),
        key=lambda v: (position.get(v.resource_id, 0), v.resource.item.title),
    )
    return _page("library/public/collection.html", {"collection": collection, "versions": versions})


@cacheable
def public_resource(request: HttpRequest, slug: str) -> HttpResponse:
    version = (
        public_versions().filter(resource__slug=slug).select_related("resource__item", "item_version").first()
    )
    if version is None:
        raise Http404("There is no such resource in the public library.")
    collections = list(version.resource.collections.filter(public=True))
    context = {
        "version": version,
        "resource": version.resource,
        "body": render_markdown(version.body),
        "collections": collections,
        "licensed": collections[0] if collections else None,
    }
    return _page("library/public/resource.html", context)


@cacheable
def public_feed(request: HttpRequest) -> HttpResponse:
    """An Atom feed of new versions in the public collections, newest first."""
    base = request.build_absolute_uri("/").rstrip("/")
    feed = Atom1Feed(
        title="Bedside care library: updates",
        link=base + reverse("public-home"),
        description="New and changed guidance in the public collections.",
        feed_url=base + reverse("public-feed"),
        language="en",
    )
    versions = (
        ResourceVersion.objects.filter(
            status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED], resource__in=public_resources()
        )
        .select_related("resource__item", "item_version")
        .order_by("-item_version__published_at", "-pk")[:FEED_ENTRIES]
    )
    for v in versions:
        summary = v.change_summary or "A new version."
        points = "\n".join(f"- {p}" for p in v.key_point_lines())
        feed.add_item(
            title=f"{v.resource.item.title} ({v.label})",
            link=base + reverse("public-resource", args=[v.resource.slug]),
            description=f"{summary}\n\nKey points:\n{points}",
            unique_id=f"{base}{reverse('public-resource', args=[v.resource.slug])}#v{v.item_version.label}",
            updateddate=v.item_version.published_at,
            pubdate=v.item_version.published_at,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@cacheable
def public_sitemap(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    versions = public_versions().select_related("resource", "item_version").order_by("resource__slug")
    urls = [(base + reverse("public-home"), None)]
    urls += [
        (base + reverse("public-collection", args=[c.slug]), c.updated_at)
        for c in Collection.objects.filter(public=True)
    ]
    urls += [
        (base + reverse("public-resource", args=[v.resource.slug]), v.item_version.published_at)
        for v in versions
    ]
    return _page("library/public/sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8")
