from django.contrib import admin

from bedside.jobs.models import ScheduledRun
from bedside.people.admin_base import ReadOnlyAdmin


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "period", "claimed_at", "task_id"]
