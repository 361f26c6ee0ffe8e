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
                open_url=lambda item, person: reverse("attestation", args=[item.pk]),
                verbs=frozenset({Verb.ACKNOWLEDGED}),
                completing_verbs=frozenset({Verb.ACKNOWLEDGED}),
            )
        )
