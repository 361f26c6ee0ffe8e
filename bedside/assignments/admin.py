from django.contrib import admin

from bedside.assignments.models import Assignment, AssignmentRule
from bedside.assignments.services import rule_apply
from bedside.core.admin_base import ReadOnlyAdmin
from bedside.people.admin_base import AuditedAdmin


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(AuditedAdmin):
    list_display = ["name", "item", "audience", "recurrence", "due_days", "active"]
    list_filter = ["recurrence", "active"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        created = rule_apply(rule=obj, actor=request.user)
        self.message_user(request, f"Rule applied: {created} new requirements.")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "item", "cycle", "due_at", "closed_reason", "current"]
    list_filter = ["closed_reason", "current"]
    raw_id_fields = ["person", "item", "rule", "record"]
