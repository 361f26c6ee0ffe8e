from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bedside.assignments.queries import open_for
from bedside.assignments.views import RULE_MAKERS, require_rule_maker
from bedside.attestations.forms import RequiredAttestationForm
from bedside.attestations.models import Attestation
from bedside.attestations.services import attestation_acknowledge, required_attestation_create
from bedside.people import access
from bedside.records.kinds import item_status


@login_required
@require_http_methods(["GET", "POST"])
def attestation(request: HttpRequest, item_id: int) -> HttpResponse:
    """Any signed-in person may read and attest to a policy; the record is always their own."""
    attestation = get_object_or_404(Attestation.objects.select_related("item"), item_id=item_id)
    if not attestation.item.active:
        raise Http404
    person = request.user
    if request.method == "POST":
        attestation_acknowledge(person=person, item=attestation.item)
        messages.success(request, f"Done: you attested to “{attestation.item.title}”.")
        return redirect("today")
    now = timezone.now()
    requirement = open_for(person).filter(item=attestation.item).first()
    status = item_status(attestation.item, person, now=now)
    context = {"attestation": attestation, "requirement": requirement, "status": status, "now": now}
    return render(request, "attestations/attestation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def attestation_required_new(request: HttpRequest) -> HttpResponse:
    """An educator requires a new attestation of staff on their units; admins of anyone."""
    require_rule_maker(request)
    person = request.user
    everyone = access.is_admin(person)
    units = access.units_in_scope(person, RULE_MAKERS).select_related("site")
    form = RequiredAttestationForm(request.POST or None, units=units, everyone_allowed=everyone)
    if request.method == "POST" and form.is_valid():
        try:
            rule = required_attestation_create(
                actor=person,
                title=form.cleaned_data["title"],
                statement=form.cleaned_data["statement"],
                link=form.cleaned_data["link"],
                minutes=form.cleaned_data["minutes"],
                units=form.cleaned_data["units"],
                job_roles=form.cleaned_data["job_roles"],
                terms=form.rule_terms(),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"Saved. “{rule.item.title}” is being assigned now.")
            return redirect("rule", rule.pk)
    return render(request, "attestations/required_new.html", {"form": form})
