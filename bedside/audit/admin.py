from django.contrib import admin

from bedside.audit.models import AuditEntry
from bedside.core.admin_base import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_id", "origin"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_id", "request_id"]
