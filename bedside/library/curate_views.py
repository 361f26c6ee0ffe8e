"""Curators' pages: their resources, a new resource, edit a draft, send it for review, publish,
what is overdue for review; and the reviewer's page. Access: a curate grant over the resource."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bedside.library import queries, reviews
from bedside.library.attachments import attachment_add
from bedside.library.comparing import compare_versions, diff_counts, diff_lines
from bedside.library.forms import (
    AttachmentForm,
    CodeForm,
    DecisionForm,
    ResourceForm,
    ReviewersForm,
    VersionFields,
)
from bedside.library.models import Resource, ResourceVersion, Review, ReviewDecision, VersionStatus
from bedside.library.rendering import render_markdown
from bedside.library.services import (
    CURATE,
    NOT_CURATOR,
    current_version,
    draft_start,
    draft_update,
    entry_code_create,
    latest_round,
    open_draft,
    ready_to_publish,
    resource_create,
    review_decide,
    review_submit,
    version_publish,
)
from bedside.people import access

MISSING = "There is no such resource among those you curate."


def _curated(request: HttpRequest, slug: str) -> Resource:
    return access.get_in_scope(
        request.user,
        list(CURATE),
        Resource.objects.select_related("item"),
        denied=NOT_CURATOR,
        missing=MISSING,
        slug=slug,
    )


def _version(request: HttpRequest, version_id: int) -> ResourceVersion:
    return access.get_in_scope(
        request.user,
        list(CURATE),
        ResourceVersion.objects.select_related("resource__item", "item_version", "owner"),
        denied=NOT_CURATOR,
        missing=MISSING,
        pk=version_id,
    )


@login_required
@require_GET
def curate_home(request: HttpRequest) -> HttpResponse:
    person = request.user
    if not access.has_any(person, list(CURATE)):
        raise PermissionDenied(NOT_CURATOR)
    mine = queries.curated(person)
    on = timezone.localdate()
    drafts = (
        ResourceVersion.objects.filter(
            resource__in=mine, status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]
        )
        .select_related("resource__item", "owner")
        .order_by("-created_at")
    )
    published = reviews.published_versions().filter(resource__in=mine)
    to_review = Review.objects.filter(
        reviewer=person, decision=ReviewDecision.PENDING, version__status=VersionStatus.IN_REVIEW
    )
    context = {
        "drafts": drafts,
        "counts": published.aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(next_review_on__lt=on)),
            soon=Count(
                "pk", filter=Q(next_review_on__gte=on, next_review_on__lte=on + dt.timedelta(days=30))
            ),
        ),
        "to_review": to_review.select_related("version__resource__item"),
        "all": mine.filter(retired_at__isnull=True).order_by("item__title"),
    }
    return render(request, "library/curate/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def resource_new(request: HttpRequest) -> HttpResponse:
    person = request.user
    if not access.has_any(person, list(CURATE)):
        raise PermissionDenied(NOT_CURATOR)
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = access.scope_of(person, list(CURATE))
        site = None
        if not (scope.admin or scope.everything) and scope.sites:
            from bedside.people.models import Site

            site = Site.objects.filter(pk__in=scope.sites).order_by("pk").first()
        try:
            draft = resource_create(
                actor=person,
                owner=person,
                site=site,
                title=data["title"],
                kind=data["kind"],
                audience=data["audience"],
                tags=form.tag_names(),
                minutes=data["minutes"],
                link=data["link"],
                key_points=data["key_points"],
                body=data["body"],
                change_summary=data["change_summary"],
                effective_on=data["effective_on"],
                next_review_on=data["next_review_on"],
                requires_acknowledgment=data["requires_acknowledgment"],
                acknowledge_within_days=data["acknowledge_within_days"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Saved as a draft. Send it for review when it is ready.")
            return redirect("library-draft", draft.pk)
    return render(request, "library/curate/resource_new.html", {"form": form})


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def resource_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """A curated resource: its versions, its open draft, its QR codes and their scans."""
    resource = _curated(request, slug)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "draft":
            try:
                draft = draft_start(resource=resource, actor=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("library-resource-manage", slug)
            return redirect("library-draft", draft.pk)
        if form.is_valid():
            entry_code_create(resource=resource, place=form.cleaned_data["place"], actor=request.user)
            messages.success(request, "Code made. Print its sheet and put it up.")
            return redirect("library-resource-manage", slug)
    context = {
        "resource": resource,
        "current": current_version(resource),
        "draft": open_draft(resource),
        "versions": queries.history(resource),
        "codes": resource.codes.all(),
        "form": form,
    }
    return render(request, "library/curate/resource_manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    """Edit a draft and send it to named reviewers; publish it once they all approve."""
    version = _version(request, version_id)
    resource = version.resource
    if not version.is_open:
        return redirect("library-resource-manage", resource.slug)
    initial = {name: getattr(version, name) for name in VersionFields.base_fields}
    editing = version.status == VersionStatus.DRAFT
    form = VersionFields(
        request.POST if request.method == "POST" and request.POST.get("action") == "save" else None,
        initial=initial,
    )
    reviewers_form = ReviewersForm(request.POST if request.POST.get("action") == "submit" else None)
    file_form = (
        AttachmentForm(request.POST or None, request.FILES or None)
        if request.POST.get("action") == "attach"
        else AttachmentForm()
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save" and editing and form.is_valid():
                draft_update(version=version, actor=request.user, **form.cleaned_data)
                messages.success(request, "Draft saved.")
                return redirect("library-draft", version.pk)
            if action == "submit" and editing and reviewers_form.is_valid():
                chosen = reviewers_form.cleaned_data["reviewers"]
                review_submit(version=version, actor=request.user, reviewers=list(chosen))
                messages.success(request, f"Sent to {len(chosen)} reviewer{'s' if len(chosen) != 1 else ''}.")
                return redirect("library-draft", version.pk)
            if action == "attach" and editing and file_form.is_valid():
                added = attachment_add(
                    version=version, upload=file_form.cleaned_data["file"], actor=request.user
                )
                messages.success(request, f"Attached “{added.name}”.")
                return redirect("library-draft", version.pk)
            if action == "publish":
                published = version_publish(version=version, actor=request.user)
                messages.success(request, f"Published {published.label} of “{resource.item.title}”.")
                return redirect("library-resource", resource.slug)
        except ValidationError as exc:
            if action == "save":
                _errors_to_form(form, exc)
            elif action == "submit":
                _errors_to_form(reviewers_form, exc)
            elif action == "attach":
                _errors_to_form(file_form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
    current = current_version(resource)
    changes = diff_lines(current.key_points, version.key_points) if current else []
    context = {
        "version": version,
        "resource": resource,
        "form": form,
        "reviewers_form": reviewers_form,
        "file_form": file_form,
        "attachments": version.attachments.all(),
        "editing": editing,
        "round": latest_round(version),
        "comments": version.reviews.exclude(comment="").select_related("reviewer").order_by("-decided_at"),
        "ready": ready_to_publish(version),
        "preview": render_markdown(version.body),
        "changes": changes,
        "counts": diff_counts(changes),
        "current": current,
        # Say how many before acting: publishing requires it of everyone the audience holds today.
        "reach": resource.audience.members().count()
        if version.requires_acknowledgment and resource.audience
        else None,
    }
    return render(request, "library/curate/draft.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    """A named reviewer reads the version and what changed, then approves or sends it back."""
    review = access.get_in_scope(
        request.user,
        list(CURATE),
        Review.objects.select_related("version__resource__item", "version__owner"),
        denied="Reviews are for the reviewers named on them.",
        missing="There is no such review for you.",
        own=True,
        pk=review_id,
    )
    if review.reviewer_id != request.user.pk:
        raise PermissionDenied("Only the reviewer named on this review can decide it.")
    version = review.version
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_decide(
                review=review,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Thank you: your review is recorded.")
            return redirect("library-review", review.pk)
    current = current_version(version.resource)
    context = {
        "review": review,
        "version": version,
        "form": form,
        "open": review.decision == ReviewDecision.PENDING and version.status == VersionStatus.IN_REVIEW,
        "preview": render_markdown(version.body),
        "comparison": compare_versions(old=current, new=version),
        "current": current,
    }
    return render(request, "library/curate/review.html", context)


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """What is overdue for review, longest first, with counts per owner and per collection."""
    person = request.user
    if not access.has_any(person, list(CURATE)):
        raise PermissionDenied(NOT_CURATOR)
    on = timezone.localdate()
    rows = reviews.published_versions().filter(resource__in=queries.curated(person))
    context = {
        "rows": reviews.overdue_for_review(rows, on=on),
        "counts": reviews.overdue_counts(rows, on=on),
        "on": on,
    }
    return render(request, "library/curate/overdue.html", context)


@login_required
@require_GET
def code_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    """A printable sheet of the resource's codes (SVG in the page), with the PDF to download."""
    import base64

    from bedside.library import qr

    resource = _curated(request, slug)
    codes = list(resource.codes.select_related("resource__item"))
    images = [(c, "data:image/svg+xml;base64," + base64.b64encode(qr.svg(c)).decode()) for c in codes]
    return render(request, "library/curate/code_sheet.html", {"resource": resource, "images": images})


@login_required
@require_GET
def code_sheet_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    from bedside.library import qr

    resource = _curated(request, slug)
    codes = list(resource.codes.select_related("resource__item"))
    response = HttpResponse(qr.sheet_pdf(codes), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="codes-{resource.slug}.pdf"'
    return response


@login_required
@require_GET
def code_svg(request: HttpRequest, code: str) -> HttpResponse:
    from bedside.library import qr
    from bedside.library.models import EntryCode

    entry = access.get_in_scope(
        request.user, list(CURATE), EntryCode.objects.select_related("resource__item"),
        denied=NOT_CURATOR, missing="There is no such code among those you curate.", code=code,
    )  # fmt: skip
    response = HttpResponse(qr.svg(entry), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="code-{entry.code}.svg"'
    return response
