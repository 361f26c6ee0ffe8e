from django import forms
from django.contrib import admin

from bedside.core.admin_base import ReadOnlyAdmin
from bedside.people.admin_base import AuditedAdmin
from bedside.records.kinds import kind_choices
from bedside.records.models import ItemVersion, LearningItem, Record


class LearningItemForm(forms.ModelForm):
    # Only a kind some app registers: an item of another kind could not be opened or completed.
    kind = forms.ChoiceField(choices=kind_choices, help_text="The app that owns the item")

    class Meta:
        model = LearningItem
        fields = ["kind", "title", "minutes", "owner", "active", "created_at"]


@admin.register(LearningItem)
class LearningItemAdmin(AuditedAdmin):
    form = LearningItemForm
    list_display = ["title", "kind", "minutes", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["title"]


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyAdmin):
    list_display = ["item", "label", "published_at"]


@admin.register(Record)
class RecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "person", "item", "verb", "source_kind"]
    list_filter = ["verb", "source_kind"]
    raw_id_fields = ["person", "item", "version", "recorded_by", "supersedes"]
