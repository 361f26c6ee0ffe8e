from django.contrib import admin

from bedside.attestations.models import Attestation
from bedside.people.admin_base import AuditedAdmin


@admin.register(Attestation)
class AttestationAdmin(AuditedAdmin):
    list_display = ["item", "link"]
    raw_id_fields = ["item"]
