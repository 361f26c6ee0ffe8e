"""The base every Bedside form takes: fields in error are marked for assistive technology,
and a choice of rows by an id the database cannot hold is refused like any unknown choice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# Largest id the database holds (a signed 64-bit integer), as in the API's parameters.
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """The row id `value` (a posted or queried text) names, or None when it names none.

    For views that read an id straight from the request: `filter(pk="abc")` raises (a 500),
    and a number beyond 64 bits cannot be bound by SQLite; neither names a row.
    """
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def _beyond_any_id(value: object) -> bool:
    try:
        return abs(int(str(value).strip())) > MAX_ID
    except (TypeError, ValueError):
        return False  # not a number at all: the field refuses it itself


def _integer_key(field: forms.ModelChoiceField) -> bool:
    meta = field.queryset.model._meta
    key = meta.get_field(field.to_field_name) if field.to_field_name else meta.pk
    return isinstance(getattr(key, "target_field", key), models.IntegerField)


def _refusing_huge_ids(field: forms.ModelChoiceField, clean: Callable[[Any], Any]) -> Callable[[Any], Any]:
    # Django looks several ids up with `pk__in`, which SQLite cannot bind beyond 64 bits
    # (OverflowError, a 500); a number that large names no row, so it is an invalid choice.
    def clean_bounded(value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value]
        if field.queryset is not None and _integer_key(field):
            for one in values:
                if _beyond_any_id(one):
                    raise ValidationError(
                        field.error_messages["invalid_choice"], code="invalid_choice", params={"value": one}
                    )
        return clean(value)

    return clean_bounded


class AccessibleForm(forms.Form):
    """Marks fields with errors (aria-invalid, described by their message), as the error summary links to them."""

    def full_clean(self) -> None:
        # Fields are the form's own copies, and views may set a field's queryset after __init__.
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and not getattr(field, "_ids_bounded", False):
                field.clean = _refusing_huge_ids(field, field.clean)
                field._ids_bounded = True
        super().full_clean()

    def _post_clean(self) -> None:
        super()._post_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                described = " ".join(filter(None, [attrs.get("aria-describedby"), f"id_{name}-error"]))
                attrs.update({"aria-invalid": "true", "aria-describedby": described})
