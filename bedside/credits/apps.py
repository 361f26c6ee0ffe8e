from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "bedside.credits"
    label = "credits"

    def ready(self) -> None:
        from django.urls import reverse

        from bedside.credits import scopes
        from bedside.credits.models import KIND
        from bedside.credits.services import CLAIMED
        from bedside.records.kinds import ItemKind, register_kind
        from bedside.records.models import Verb

        scopes.register()
        register_kind(
            ItemKind(
                kind=KIND,
                label="Credit activity",
                open_url=lambda item, person: reverse("credits-activity", args=[item.credit_activity.pk]),
                # Attending is evidence; the claim (after the evaluation) completes the activity.
                verbs=frozenset({Verb.ATTENDED, CLAIMED}),
                completing_verbs=frozenset({CLAIMED}),
            )
        )
