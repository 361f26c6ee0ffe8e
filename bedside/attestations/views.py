from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bedside.assignments.forms import AudienceForm
from bedside.assignments.queries import OVERDUE, open_for, status_of
from bedside.assignments.views import RULE_MAKERS, require_rule_maker
from bedside.attestations.forms import RequiredAttestationForm
from bedside.attestations.models import Attestation
from bedside.attestations.services import attestation_acknowledge, required_attestation_create
from bedside.core.humanize import due_phrase
from bedside.people import access
from bedside.people.audiences import audience_size
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
    if requirement:  # in the words Today uses: "Overdue · Was due Tue 27 Oct (34 days ago)"
        context["overdue"] = status_of(requirement, now) == OVERDUE
        context["due_text"] = due_phrase(requirement.due_at, now)
    return render(request, "attestations/attestation.html", context)


def _audience_choices(request: HttpRequest) -> dict:
    require_rule_maker(request)
    return {
        "units": access.units_in_scope(request.user, RULE_MAKERS).select_related("site"),
        "everyone_allowed": access.is_admin(request.user),
    }


def _confirmed(request: HttpRequest, count: int) -> bool:
    """The person has seen how many this assigns: the count they were shown is the count now."""
    return request.POST.get("confirmed_count") == str(count)


@login_required
@require_http_methods(["GET", "POST"])
def attestation_required_new(request: HttpRequest) -> HttpResponse:
    """An educator requires a new attestation of staff on their units; admins of anyone.

    Before saving, the page says how many people it will assign: live as units are ticked
    (htmx), or as a confirmation step when that number has not been shown yet.
    """
    person = request.user
    form = RequiredAttestationForm(request.POST or None, **_audience_choices(request))
    count = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        count = audience_size(units=data["units"], job_roles=data["job_roles"])
        if _confirmed(request, count):
            try:
                rule = required_attestation_create(
                    actor=person,
                    title=data["title"],
                    statement=data["statement"],
                    link=data["link"],
                    minutes=data["minutes"],
                    units=data["units"],
                    job_roles=data["job_roles"],
                    terms=form.rule_terms(),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, f"Saved. “{rule.item.title}” is being assigned to {count:,} people now."
                )
                return redirect("rule", rule.pk)
    return render(
        request,
        "attestations/required_new.html",
        {"form": form, "count": count, "confirm": count is not None and not form.errors},
    )


@login_required
@require_POST
def attestation_required_audience(request: HttpRequest) -> HttpResponse:
    """The live count under the unit picker: how many people the chosen units and roles hold."""
    form = AudienceForm(request.POST, **_audience_choices(request))
    count = None
    if form.is_valid():
        count = audience_size(units=form.cleaned_data["units"], job_roles=form.cleaned_data["job_roles"])
    return render(request, "attestations/_audience_count.html", {"count": count})
