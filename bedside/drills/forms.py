from __future__ import annotations

import datetime as dt

from django import forms

from bedside.core.forms import AccessibleForm
from bedside.drills.models import CardKind, Scenario, ThreatCategory


class PlanForm(AccessibleForm):
    scenario = forms.ModelChoiceField(queryset=Scenario.objects.select_related("item"), empty_label=None)
    unit = forms.ModelChoiceField(queryset=None, empty_label=None)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}), label="Start time (unit's local time)"
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def planned_at(self) -> dt.datetime:
        import zoneinfo

        data = self.cleaned_data
        tz = zoneinfo.ZoneInfo(data["unit"].site.time_zone)
        return dt.datetime.combine(data["day"], data["time"], tzinfo=tz).astimezone(dt.UTC)


class ThreatForm(AccessibleForm):
    category = forms.ChoiceField(choices=ThreatCategory.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    owner = forms.ModelChoiceField(queryset=None, empty_label=None, help_text="Who will fix it")
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Fix by")

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class AnkiImportForm(AccessibleForm):
    file = forms.FileField(
        label="Anki deck (.apkg)", help_text="Basic and Cloze notes, with images and review history"
    )
    unit = forms.ModelChoiceField(
        queryset=None, empty_label=None, help_text="The unit whose educators look after it"
    )
    title = forms.CharField(required=False, max_length=200, help_text="Leave empty to keep the deck's name")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class DeckForm(AccessibleForm):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    unit = forms.ModelChoiceField(
        queryset=None, empty_label=None, help_text="The unit whose educators look after it"
    )
    goal_recall = forms.IntegerField(
        min_value=50,
        max_value=99,
        initial=90,
        label="Goal: predicted recall (%)",
        help_text="Reaching it writes mastery to the learner's record",
    )
    new_per_day = forms.IntegerField(min_value=1, max_value=100, initial=10, label="New cards a day")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class CardForm(AccessibleForm):
    kind = forms.ChoiceField(choices=CardKind.choices, initial=CardKind.BASIC)
    front = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a cloze card hide words as {{c1::hidden words}}",
    )
    back = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Back (answer)")
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Options (single best answer)",
        help_text="One option a line",
    )
    correct_option = forms.IntegerField(
        min_value=1, max_value=10, required=False, label="Correct option (its line number)"
    )
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    image = forms.FileField(required=False, help_text="PNG, JPEG, GIF, WebP or SVG")
    image_alt = forms.CharField(max_length=200, required=False, label="Image description")
    cites = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Cites (library resource version)",
        empty_label="No citation",
        help_text="When the resource gets a new version the card is flagged for you to review",
    )

    def __init__(self, *args, current_cites=None, **kwargs):
        from django.db.models import Q

        from bedside.drills.authoring import citable_versions
        from bedside.records.models import ItemVersion

        super().__init__(*args, **kwargs)
        newest = citable_versions().values("pk")
        # The card's own citation stays choosable even when a newer version has been published.
        self.fields["cites"].queryset = (
            ItemVersion.objects.filter(Q(pk__in=newest) | Q(pk=getattr(current_cites, "pk", None)))
            .select_related("item")
            .order_by("item__title", "-published_at")
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        options = [line.strip() for line in data["options"].splitlines() if line.strip()]
        correct = data["correct_option"] - 1 if data["correct_option"] else None
        return {
            "kind": data["kind"], "front": data["front"], "back": data["back"], "options": options,
            "correct_option": correct, "explanation": data["explanation"], "image": data["image"],
            "image_alt": data["image_alt"], "cites": data["cites"],
        }  # fmt: skip


class CardEditForm(CardForm):
    """A card as it is, to change; `learners` is asked only when someone has studied it."""

    remove_image = forms.BooleanField(required=False, label="Remove the image")
    learners = forms.ChoiceField(
        required=False,
        widget=forms.RadioSelect,
        label="Learners who studied this card",
        choices=[
            ("keep", "A correction (typo, clearer words): keep their progress"),
            ("reset", "The meaning changed (another dose, another answer): they learn it again"),
        ],
    )

    def __init__(self, *args, card, studied: int, **kwargs):
        initial = {
            "kind": card.kind, "front": card.front, "back": card.back, "options": "\n".join(card.options),
            "correct_option": card.correct_option + 1 if card.correct_option is not None else None,
            "explanation": card.explanation, "image_alt": card.image_alt, "cites": card.cites_id,
        }  # fmt: skip
        super().__init__(*args, initial=initial, current_cites=card.cites, **kwargs)
        self.studied = studied
        if not card.image:
            del self.fields["remove_image"]
        if studied:
            self.fields["learners"].help_text = (
                f"{studied} learner{'s have' if studied != 1 else ' has'} studied it: "
                "asked only when the question or answer changes"
            )
        else:
            del self.fields["learners"]

    def service_arguments(self) -> dict:
        arguments = super().service_arguments()
        arguments["remove_image"] = self.cleaned_data.get("remove_image", False)
        arguments["learners"] = self.cleaned_data.get("learners", "")
        return arguments
