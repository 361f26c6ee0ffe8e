"""Curators' import pages: upload a ZIP of an existing library, watch it run, read every problem."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_GET, require_http_methods

from bedside.core.forms import AccessibleForm
from bedside.library.importing import COLUMN_HELP
from bedside.library.imports import MAX_UPLOAD_BYTES, import_sites, imports_visible, library_import_queue
from bedside.library.models import LibraryImport
from bedside.library.services import CURATE, NOT_CURATOR, require_curator
from bedside.people import access
from bedside.people.models import Site

ERRORS_SHOWN = 500


class LibraryZipForm(AccessibleForm):
    site = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Into the library of",
        error_messages={"invalid_choice": "Choose a site whose library you curate."},
    )
    file = forms.FileField(
        label="Library ZIP",
        help_text="A .zip of .docx, .pdf and .md files with one metadata CSV (columns below).",
        error_messages={
            "required": "Choose the ZIP to upload.",
            "empty": "The file is empty. Choose the ZIP again.",
        },
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def __init__(self, *args, sites=(), system=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["site"]
        field.queryset = Site.objects.filter(pk__in=[s.pk for s in sites]).order_by("name", "pk")
        field.required = not system
        field.empty_label = "The whole system's library" if system else None
        if not system and len(sites) == 1:
            field.initial = sites[0].pk
        field.help_text = (
            "The imported resources and any new collections join this library; "
            "owners and collections must be inside what you curate."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        upload.seek(0)
        head = upload.read(4)
        upload.seek(0)
        if head not in (b"PK\x03\x04", b"PK\x05\x06"):
            raise forms.ValidationError(
                f"“{upload.name}” is not a ZIP archive inside: export the library as a .zip."
            )
        if Path(upload.name).suffix.lower() != ".zip":
            raise forms.ValidationError(
                f"“{upload.name}” is a ZIP inside, but its name says otherwise: name it .zip."
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The ZIP is {filesizeformat(upload.size)}; the largest is {filesizeformat(MAX_UPLOAD_BYTES)}. "
                "Split the library into parts and import each."
            )
        return upload


def _status_context(job: LibraryImport) -> dict:
    summary = job.summary or {}
    return {
        "job": job,
        "errors": job.errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(job.errors) - ERRORS_SHOWN),
        "created": summary.get("resources_created", 0),
        "slugs": summary.get("slugs", [])[:50],
        "collections_created": summary.get("collections_created", []),
    }


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    if not access.has_any(request.user, list(CURATE)):
        raise PermissionDenied(NOT_CURATOR)
    sites, system = import_sites(request.user)
    if request.method == "POST":
        form = LibraryZipForm(request.POST, request.FILES, sites=sites, system=system)
    else:
        form = LibraryZipForm(sites=sites, system=system)
    if form.is_bound and form.is_valid():
        job = library_import_queue(
            upload=form.cleaned_data["file"], actor=request.user, site=form.cleaned_data["site"]
        )
        return redirect("library-import", import_id=job.pk)
    context = {"form": form, "imports": imports_visible(request.user)[:30], "columns": COLUMN_HELP}
    return render(request, "library/curate/imports.html", context)


@login_required
@require_GET
def import_page(request: HttpRequest, import_id: int) -> HttpResponse:
    job = get_object_or_404(LibraryImport.objects.select_related("uploaded_by", "site"), pk=import_id)
    require_curator(request.user, site=job.site)
    return render(request, "library/curate/import.html", _status_context(job))


@login_required
@require_GET
def import_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    """The status block the import's page polls every second until the import has finished."""
    job = get_object_or_404(LibraryImport, pk=import_id)
    require_curator(request.user, site=job.site)
    return render(request, "library/curate/_import_status.html", _status_context(job))
