"""The admin base for configuration: editable by administrators only, every write audited.

It stays in `people` because it asks the access grants who administers; the read-only base
that knows no domain is `bedside.core.admin_base.ReadOnlyAdmin`.
"""

from __future__ import annotations

from django.contrib import admin
from django.forms.models import model_to_dict

from bedside.audit.services import audit
from bedside.core.admin_base import label_split_date_time
from bedside.people import access


class AuditedAdmin(admin.ModelAdmin):
    """Configuration (organisation, grants, audiences, rules): only administrators, every write audited.

    Django's own model permissions are not enough here: a grant is the one source of
    who may administer, so a staff account without it can look but not change.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        return label_split_date_time(formfield, getattr(db_field, "verbose_name", ""))

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, obj=None) -> bool:
        return access.is_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.is_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.is_admin(request.user)

    def _label(self) -> str:
        return self.model._meta.model_name

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        action = f"admin.{self._label()}.{'change' if change else 'add'}"
        changes = {
            name: str(value) for name, value in model_to_dict(obj).items() if name in form.changed_data
        }
        audit(actor=request.user, action=action, target=obj, changes=changes)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        many = {
            f: [str(v) for v in form.cleaned_data[f]] for f in form.changed_data if f in self._m2m_names()
        }
        if many:
            audit(
                actor=request.user,
                action=f"admin.{self._label()}.members",
                target=form.instance,
                changes=many,
            )

    def _m2m_names(self) -> set[str]:
        return {f.name for f in self.model._meta.many_to_many}

    def delete_model(self, request, obj) -> None:
        audit(
            actor=request.user, action=f"admin.{self._label()}.delete", target=obj, changes={"was": str(obj)}
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            audit(
                actor=request.user,
                action=f"admin.{self._label()}.delete",
                target=obj,
                changes={"was": str(obj)},
            )
        super().delete_queryset(request, queryset)
