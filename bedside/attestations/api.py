"""The attestations API: the caller attests for themselves, as on the attestation page."""

from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Path, Router

from bedside.attestations.models import Attestation
from bedside.attestations.services import attestation_acknowledge
from bedside.core.api_params import MAX_ID
from bedside.records.api import RecordOut

router = Router(tags=["attestations"])


@router.post(
    "/attestations/{item_id}/complete",
    response=RecordOut,
    url_name="attestations-complete",
    summary="Attest for yourself",
)
def attestations_complete(request: HttpRequest, item_id: Annotated[int, Path(..., ge=1, le=MAX_ID)]):
    """Record that you attest to the item; sending it again returns the same record.

    Always for the caller: an integration token attests for its own person only.
    404 for an unknown or retired attestation.
    """
    attestation = (
        Attestation.objects.select_related("item").filter(item_id=item_id, item__active=True).first()
    )
    if attestation is None:
        raise Http404("No such attestation.")
    return attestation_acknowledge(
        person=request.auth, item=attestation.item, request_origin="Attested through the Bedside API"
    )
