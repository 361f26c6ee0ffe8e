"""Readers' pages: the library, search, a resource (key points first), what changed, collections, QR entry."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from bedside.assignments.queries import open_for
from bedside.core.ranges import stored_file_response
from bedside.library import queries
from bedside.library.comparing import compare_versions
from bedside.library.models import Collection, EntryCode, Resource, ResourceKind
from bedside.library.rendering import render_markdown
from bedside.library.search import search
from bedside.library.services import CURATE, acknowledge, current_version, entry_code_scanned, mark_seen
from bedside.library.today import changed_for
from bedside.people import access
from bedside.records.kinds import item_status

PAGE = 20


def _readable(request: HttpRequest, slug: str) -> Resource:
    resource = queries.readable_resources(request.user).filter(slug=slug).first()
    if resource is None:
        raise Http404("There is no such resource in the library, or it has been retired.")
    return resource


@login_required
@require_GET
def library_home(request: HttpRequest) -> HttpResponse:
    person = request.user
    staff = access.is_hospital_staff(person)
    collections = queries.readable_collections(person).annotate(n=Count("entries"))
    recent = queries.published(queries.readable_resources(person)).order_by(
        "-versions__item_version__published_at"
    )[:8]
    context = {
        "collections": collections,
        "recent": recent,
        "changed": changed_for(person)[:5] if staff else [],
        "kinds": ResourceKind.choices,
        "curator": access.has_any(person, list(CURATE)),
    }
    return render(request, "library/home.html", context)


@login_required
@require_GET
def library_search(request: HttpRequest) -> HttpResponse:
    person = request.user
    today = timezone.localdate()
    text = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    kind = kind if kind in ResourceKind.values else ""
    collection = None
    # Only a slug can name a collection (a NUL in the lookup is a 500 on PostgreSQL).
    if (slug := request.GET.get("collection", "")) and slug_re.match(slug):
        collection = queries.readable_collections(person).filter(slug=slug).first()
    statuses = queries.status_choices(person)
    status = request.GET.get("status", "")
    status = status if status in dict(statuses) else "current"
    audience = request.GET.get("audience", "")
    try:
        audiences = queries.audience_filter(person, audience, today=today)
    except queries.FilterRefused:
        audience, audiences = "", None
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    results = search(
        text,
        kind=kind,
        collection=collection,
        audiences=audiences,
        status=status,
        public_only=not access.is_hospital_staff(person),
        today=today,
        limit=PAGE,
        offset=(page_number - 1) * PAGE,
    )
    context = {
        "q": text,
        "kind": kind,
        "collection": collection,
        "audience": audience,
        "status": status,
        "results": results,
        "kinds": ResourceKind.choices,
        "collections": queries.readable_collections(person),
        "audiences": queries.audience_choices(person),
        "statuses": statuses,
        "page": page_number,
        "has_next": results.total > page_number * PAGE,
        "filters": urlencode(
            {
                "q": text,
                "kind": kind,
                "collection": collection.slug if collection else "",
                "audience": audience,
                "status": status,
            }  # fmt: skip
        ),
    }
    return render(request, "library/search.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def resource_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Key points first (what a phone at the bedside needs), then what changed, then the full text."""
    person = request.user
    resource = _readable(request, slug)
    version = current_version(resource)
    if request.method == "POST":
        try:
            acknowledge(person=person, resource=resource)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Done: you acknowledged “{resource.item.title}” ({version.label}).")
        return redirect("library-resource", slug)
    previous = queries.history(resource)[1:2]
    status = item_status(resource.item, person, now=timezone.now())
    requirement = open_for(person).filter(item=resource.item).first()
    mark_seen(person=person, version=version)
    context = {
        "resource": resource,
        "version": version,
        "body": render_markdown(version.body),
        "previous": previous[0] if previous else None,
        "status": status,
        "requirement": requirement,
        "now": timezone.now(),
        # Only those the reader may open: an external learner neither sees an internal one's name nor a dead link.
        "collections": queries.readable_collections(person).filter(resources=resource),
        "curator": access.can(person, list(CURATE), resource),
        "attachments": version.attachments.all(),
    }
    return render(request, "library/resource.html", context)


@login_required
@require_GET
def resource_changes(request: HttpRequest, slug: str) -> HttpResponse:
    """What changed between two versions (default: the one before the current one, and the current)."""
    resource = _readable(request, slug)
    versions = queries.history(resource)
    by_id = {v.pk: v for v in versions}

    def pick(name: str, default):
        try:
            return by_id[int(request.GET[name])]
        except (KeyError, ValueError):
            return default

    new = pick("to", versions[0])
    older = [v for v in versions if v.item_version.published_at < new.item_version.published_at]
    old = pick("from", older[0] if older else None)
    if old is None:
        return render(
            request,
            "library/changes.html",
            {"resource": resource, "new": new, "old": None, "versions": versions},
        )
    context = {
        "resource": resource,
        "old": old,
        "new": new,
        "versions": versions,
        "comparison": compare_versions(old=old, new=new),
    }
    return render(request, "library/changes.html", context)


@login_required
@require_GET
def collection_page(request: HttpRequest, slug: str) -> HttpResponse:
    collection = get_object_or_404(queries.readable_collections(request.user), slug=slug)
    resources = _ordered(request, collection)
    return render(request, "library/collection.html", {"collection": collection, "resources": resources})


def _ordered(request: HttpRequest, collection: Collection) -> list[Resource]:
    readable = queries.published(queries.readable_resources(request.user))
    rows = readable.filter(collections=collection).distinct()
    position = dict(collection.entries.values_list("resource_id", "position"))
    return sorted(rows, key=lambda r: (position.get(r.pk, 0), r.item.title))


@require_GET
def code_scan(request: HttpRequest, code: str) -> HttpResponse:
    """A QR code at the point of care: count the scan, open the key points (signing in first if need be)."""
    entry = get_object_or_404(EntryCode.objects.select_related("resource"), code=code)
    entry_code_scanned(code=entry)
    if entry.resource.retired_at is not None:
        raise Http404("This resource has been retired: tell your unit's educator to take the code down.")
    return redirect("library-resource", entry.resource.slug)


@login_required
@require_safe  # HEAD too: a player may ask a file's size and type before its bytes
def attachment_file(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """A resource's file, for those who may read the resource (drafts' files for their curators)."""
    from bedside.library.models import Attachment, VersionStatus

    attachment = get_object_or_404(Attachment.objects.select_related("version__resource"), pk=attachment_id)
    version = attachment.version
    readable = version.status in (VersionStatus.PUBLISHED, VersionStatus.RETIRED) and (
        queries.readable_resources(request.user).filter(pk=version.resource_id).exists()
    )
    if not (readable or access.can(request.user, list(CURATE), version.resource)):
        raise Http404("There is no such file, or it belongs to a resource you cannot open.")
    stored = attachment.file
    if not stored.storage.exists(stored.name):
        raise Http404("This file is missing from storage: tell the resource's owner to upload it again.")
    response = stored_file_response(
        request, storage=stored.storage, name=stored.name, content_type=attachment.content_type
    )
    # Images, PDFs and videos open in the browser (a video seeks by byte ranges); never as HTML. The
    # name is quoted by Django (a quote or an accent in it cannot break the header).
    response["Content-Disposition"] = content_disposition_header(False, attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
