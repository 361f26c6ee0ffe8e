"""Curators' import pages: upload a ZIP of an existing library, watch it run, read every problem."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_GET, require_http_methods

from bedside.core.forms import AccessibleForm
from bedside.library.importing import COLUMN_HELP
from bedside.library.imports import MAX_UPLOAD_BYTES, library_import_queue
from bedside.library.models import LibraryImport
from bedside.library.services import require_curator

ERRORS_SHOWN = 500


class LibraryZipForm(AccessibleForm):
    file = forms.FileField(
        label="Library ZIP",
        help_text="A .zip of .docx, .pdf and .md files with one metadata CSV (columns below).",
        error_messages={
            "required": "Choose the ZIP to upload.",
            "empty": "The file is empty. Choose the ZIP again.",
        },
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
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
    require_curator(request.user)
    form = LibraryZipForm(request.POST, request.FILES) if request.method == "POST" else LibraryZipForm()
    if form.is_bound and form.is_valid():
        job = library_import_queue(upload=form.cleaned_data["file"], actor=request.user)
        return redirect("library-import", import_id=job.pk)
    context = {
        "form": form,
        "imports": LibraryImport.objects.select_related("uploaded_by")[:30],
        "columns": COLUMN_HELP,
    }
    return render(request, "library/curate/imports.html", context)


@login_required
@require_GET
def import_page(request: HttpRequest, import_id: int) -> HttpResponse:
    require_curator(request.user)
    job = get_object_or_404(LibraryImport.objects.select_related("uploaded_by"), pk=import_id)
    return render(request, "library/curate/import.html", _status_context(job))


@login_required
@require_GET
def import_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    """The status block the import's page polls every second until the import has finished."""
    require_curator(request.user)
    job = get_object_or_404(LibraryImport, pk=import_id)
    return render(request, "library/curate/_import_status.html", _status_context(job))
