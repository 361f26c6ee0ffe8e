from django.contrib import admin

from bedside.core.admin_base import ReadOnlyAdmin
from bedside.planner.models import PlanRun


@admin.register(PlanRun)
class PlanRunAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "status", "created_at", "requested_by"]
