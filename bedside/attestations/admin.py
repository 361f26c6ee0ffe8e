from django.contrib import admin

from bedside.attestations.models import Attestation


@admin.register(Attestation)
class AttestationAdmin(admin.ModelAdmin):
    list_display = ["item", "link"]
    raw_id_fields = ["item"]
