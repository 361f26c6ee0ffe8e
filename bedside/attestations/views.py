from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bedside.assignments.queries import open_for
from bedside.attestations.models import Attestation
from bedside.attestations.services import attestation_acknowledge
from bedside.records.queries import current_records


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
    requirement = open_for(person).filter(item=attestation.item).first()
    last = current_records().filter(person=person, item=attestation.item).order_by("-at").first()
    return render(
        request,
        "attestations/attestation.html",
        {"attestation": attestation, "requirement": requirement, "last": last, "now": timezone.now()},
    )
