"""The admin base every app may use: training data is shown, never changed; form inputs are labelled."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils.text import capfirst


class ReadOnlyAdmin(admin.ModelAdmin):
    """Training data is evidence: the admin shows it and never changes it."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def label_split_date_time(formfield, verbose_name: str):
    """Give the date and time inputs of the admin's split date-time widget their own labels.

    Django labels only the field as a whole, so each input is unnamed to a screen reader
    (axe: "Form elements must have labels").
    """
    widget = getattr(formfield, "widget", None)
    if isinstance(widget, AdminSplitDateTime):
        name = capfirst(str(verbose_name))
        widget.widgets[0].attrs["aria-label"] = f"{name}: date"
        widget.widgets[1].attrs["aria-label"] = f"{name}: time"
    return formfield
