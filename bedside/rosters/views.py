"""Roster import pages for administrators: upload a file, watch it run, read what became of it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_GET, require_http_methods

from bedside.core.forms import AccessibleForm
from bedside.people import access
from bedside.rosters import importing_minimums, importing_persons, importing_shifts
from bedside.rosters.importing import COUNT_LABELS, roster_import_queue
from bedside.rosters.models import ImportKind, ImportStatus, RosterImport

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ERRORS_SHOWN = 1000
EXTENSIONS = (".csv", ".xlsx")


class RosterUploadForm(AccessibleForm):
    file = forms.FileField(
        label="Roster file",
        help_text="A .csv file saved as “CSV UTF-8”, or an Excel .xlsx file (first sheet, header in row 1).",
        error_messages={
            "required": "Choose the roster file to upload.",
            "empty": "The file is empty. Choose the roster file again.",
            "invalid": "Choose a file to upload.",
        },
        widget=forms.FileInput(attrs={"accept": ",".join(EXTENSIONS), "aria-describedby": "id_file-hint"}),
    )
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[("", "Work it out from the columns"), *ImportKind.choices],
        required=False,
    )
    dry_run = forms.BooleanField(
        label="Check only: report what would change and store nothing",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in EXTENSIONS:
            shown = suffix or "a file without an extension"
            raise forms.ValidationError(f"Choose a .csv or .xlsx file; “{upload.name}” is {shown}.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty. Choose the roster file again.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the largest roster file is "
                f"{filesizeformat(MAX_UPLOAD_BYTES)}. Split it and upload each part."
            )
        return upload


def admin_only(view: Callable) -> Callable:
    """Signed in, and holding the system-wide administer capability; anyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        access.require(access.is_admin(request.user), "Only administrators can import the roster.")
        return view(request, *args, **kwargs)

    return wrapped


@admin_only
@require_http_methods(["GET", "POST"])
def roster_imports(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST, request.FILES) if request.method == "POST" else RosterUploadForm()
    if form.is_bound and form.is_valid():
        job = roster_import_queue(
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            dry_run=form.cleaned_data["dry_run"],
            actor=request.user,
        )
        return redirect("roster-import", import_id=job.pk)
    imports = RosterImport.objects.select_related("uploaded_by")[:50]
    return render(
        request,
        "rosters/roster_imports.html",
        {
            "form": form,
            "imports": imports,
            "persons_columns": importing_persons.COLUMN_HELP,
            "shifts_columns": importing_shifts.COLUMN_HELP,
            "minimums_columns": importing_minimums.COLUMN_HELP,
        },
    )


def _status_context(job: RosterImport) -> dict:
    finished = job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
    counts = (job.summary or {}).get("counts", {})
    return {
        "job": job,
        "finished": finished,
        "rows_done": f"{job.rows_done:,}",
        "rows_total": f"{job.rows_total:,}",
        "counts": [(COUNT_LABELS.get(k, k), v) for k, v in counts.items()],
        "errors": job.errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(job.errors) - ERRORS_SHOWN),
        "warnings": (job.summary or {}).get("warnings", []),
    }


@admin_only
@require_GET
def roster_import(request: HttpRequest, import_id: int) -> HttpResponse:
    job = get_object_or_404(RosterImport.objects.select_related("uploaded_by"), pk=import_id)
    context = {**_status_context(job), "retention_days": settings.ROSTER_UPLOAD_RETENTION_DAYS}
    return render(request, "rosters/roster_import.html", context)


@admin_only
@require_GET
def roster_import_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    """The status block the detail page polls every second until the import has finished."""
    job = get_object_or_404(RosterImport, pk=import_id)
    return render(request, "rosters/_roster_import_status.html", _status_context(job))
