from django.contrib import admin

from bedside.assignments.models import Assignment, AssignmentRule
from bedside.assignments.rules import EDITABLE, rule_create, rule_pause, rule_resume, rule_update
from bedside.core.admin_base import ReadOnlyAdmin
from bedside.people.admin_base import AuditedAdmin


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(AuditedAdmin):
    list_display = ["name", "item", "audience", "recurrence", "due_days", "active"]
    list_filter = ["recurrence", "active"]
    exclude = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        """Through the same services as /rules/: audited, and applied to people in the background."""
        data = form.cleaned_data
        if change:
            rule = AssignmentRule.objects.get(pk=obj.pk)
            edited = {name: data[name] for name in form.changed_data if name in EDITABLE}
            if edited:
                rule_update(rule=rule, actor=request.user, **edited)
        else:
            terms = {
                name: data[name]
                for name in EDITABLE
                if name in data and name not in ("name", "audience", "item")
            }
            rule = rule_create(
                name=data["name"], audience=data["audience"], item=data["item"], actor=request.user, **terms
            )
            obj.pk, obj._state.adding = rule.pk, False
        if "active" in form.changed_data or (not change and not data.get("active", True)):
            (rule_resume if data["active"] else rule_pause)(rule=rule, actor=request.user)
        self.message_user(
            request, "Saved. Applying the rule to people runs in the background within a minute."
        )


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = [
        "person",
        "item",
        "cycle_kind",
        "cycle_number",
        "cycle_year",
        "due_at",
        "closed_reason",
        "current",
    ]
    list_filter = ["closed_reason", "current", "cycle_kind"]
    raw_id_fields = ["person", "item", "rule", "record", "cycle_version"]
