"""The base every Bedside form takes: fields in error are marked for assistive technology."""

from __future__ import annotations

from django import forms


class AccessibleForm(forms.Form):
    """Marks fields with errors (aria-invalid, described by their message), as the error summary links to them."""

    def _post_clean(self) -> None:
        super()._post_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                described = " ".join(filter(None, [attrs.get("aria-describedby"), f"id_{name}-error"]))
                attrs.update({"aria-invalid": "true", "aria-describedby": described})
