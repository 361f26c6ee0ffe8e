from django.contrib import admin

from bedside.core.admin_base import ReadOnlyAdmin
from bedside.people.admin_base import AuditedAdmin
from bedside.rosters.models import RoleCover, RosterImport, Shift, StaffingMinimum


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ["person", "unit", "job_role", "start", "end", "status", "night"]
    raw_id_fields = ["person"]


@admin.register(StaffingMinimum)
class StaffingMinimumAdmin(AuditedAdmin):
    list_display = [
        "unit",
        "job_role",
        "weekday",
        "start_time",
        "end_time",
        "minimum",
        "optimal",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["unit__site"]


@admin.register(RoleCover)
class RoleCoverAdmin(AuditedAdmin):
    list_display = ["job_role", "covers"]


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "kind", "status", "created_at", "uploaded_by"]
