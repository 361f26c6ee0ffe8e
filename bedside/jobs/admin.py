from django.contrib import admin

from bedside.core.admin_base import ReadOnlyAdmin
from bedside.jobs.models import ScheduledRun


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "period", "claimed_at", "task_id"]
