from django.apps import AppConfig


class DrillsConfig(AppConfig):
    name = "bedside.drills"
    label = "drills"

    def ready(self) -> None:
        from django.urls import reverse

        from bedside.core.periodic import daily_at, register_periodic
        from bedside.core.today import Section, register_section
        from bedside.drills import citations, scopes, tasks
        from bedside.drills.recall import deck_status
        from bedside.drills.today import drill_cards
        from bedside.records.kinds import ItemKind, register_kind

        scopes.register()
        citations.connect()
        register_kind(
            ItemKind(
                kind="deck",
                label="Practice deck",
                open_url=lambda item, person: reverse("drills-deck", args=[item.deck.pk]),
                verbs=frozenset({"mastered"}),
                completing_verbs=frozenset({"mastered"}),
                status=deck_status,
            )
        )
        register_kind(
            ItemKind(
                kind="simulation",
                label="Simulation drill",
                open_url=lambda item, person: reverse("sim-drills"),
                verbs=frozenset({"attended"}),
                completing_verbs=frozenset({"attended"}),
            )
        )
        register_section(
            Section(
                key="drills",
                title="Practice",
                empty="No cards are due. Choose a deck on the Drills page to keep knowledge fresh.",
                order=20,
                cards=drill_cards,
            )
        )
        # Fit each learner's FSRS parameters from their reviews while wards are quiet.
        register_periodic("drills.fit_parameters", tasks.fit_parameters, when=daily_at(2, 30))
