from django.apps import AppConfig


class AttestationsConfig(AppConfig):
    name = "bedside.attestations"
    label = "attestations"

    def ready(self) -> None:
        from django.urls import reverse

        from bedside.records.kinds import ItemKind, register_kind
        from bedside.records.models import Verb

        register_kind(
            ItemKind(
                kind="attestation",
                label="Attestation",
                open_url=lambda item: reverse("attestation", args=[item.pk]),
                completing_verbs=frozenset({Verb.ACKNOWLEDGED}),
            )
        )
