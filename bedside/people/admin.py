from django import forms
from django.contrib import admin
from django.db import models

from bedside.core.admin_base import ReadOnlyAdmin
from bedside.people.admin_base import AuditedAdmin
from bedside.people.models import (
    Audience,
    Department,
    Grant,
    Job,
    JobRole,
    Person,
    Program,
    ProgramEnrolment,
    Site,
    System,
    Unit,
    UnitTag,
)

for model in (System, Site, Department, UnitTag, JobRole):
    admin.site.register(model, AuditedAdmin)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "beds", "site"]
    list_filter = ["site", "kind"]
    search_fields = ["name", "code"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["last_name", "first_name", "email", "employee_id", "status"]
    search_fields = ["last_name", "first_name", "email", "employee_id"]
    list_filter = ["status"]
    exclude = ["password"]


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["person", "unit", "job_role", "fte", "primary", "start_date", "end_date"]
    raw_id_fields = ["person"]


@admin.register(Grant)
class GrantAdmin(AuditedAdmin):
    list_display = ["person", "capability", "scope_kind", "scope", "starts_on", "ends_on", "granted_at"]
    list_filter = ["capability", "scope_kind"]
    raw_id_fields = ["person", "granted_by"]
    fields = [
        "person",
        "capability",
        "scope_kind",
        "site",
        "department",
        "unit",
        "program",
        "starts_on",
        "ends_on",
        "granted_at",
        "granted_by",
    ]


@admin.register(Program)
class ProgramAdmin(AuditedAdmin):
    list_display = ["name", "kind", "site", "active"]
    list_filter = ["kind", "active"]


@admin.register(ProgramEnrolment)
class ProgramEnrolmentAdmin(AuditedAdmin):
    list_display = ["program", "person", "start_date", "end_date"]
    list_filter = ["program"]
    raw_id_fields = ["person"]


@admin.register(Audience)
class AudienceAdmin(AuditedAdmin):
    # Checkboxes rather than Django's two-box selector, whose search icons carry an ARIA
    # label that axe refuses, and which is hard to use on a phone.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    raw_id_fields = ["include_persons", "exclude_persons"]
