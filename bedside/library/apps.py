from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "bedside.library"
    label = "library"

    def ready(self) -> None:
        from django.urls import reverse

        from bedside.core.periodic import daily_at, register_periodic
        from bedside.core.today import Section, register_section
        from bedside.library import scopes, tasks
        from bedside.library.kind import resource_status
        from bedside.library.models import KIND
        from bedside.library.search import item_hits
        from bedside.library.today import changed_cards
        from bedside.records.kinds import ItemKind, register_kind
        from bedside.records.models import Verb
        from bedside.records.search import register_item_search

        scopes.register()
        register_item_search(KIND, item_hits)
        register_kind(
            ItemKind(
                kind=KIND,
                label="Care resource",
                # The two-minute key points first: that is what a person opens from Today or a QR code.
                open_url=lambda item, person: reverse("library-resource", args=[item.resource.slug]),
                verbs=frozenset({Verb.ACKNOWLEDGED}),
                completing_verbs=frozenset({Verb.ACKNOWLEDGED}),
                # A changed guideline must be read again: only the latest published version counts.
                any_version_satisfies=False,
                status=resource_status,
            )
        )
        register_section(
            Section(
                key="library-changed",
                title="What changed for you",
                empty="No new or changed guidance for your roles and units since you last looked.",
                order=20,
                cards=changed_cards,
            )
        )
        register_periodic("library.review_reminders", tasks.review_reminders, when=daily_at(7, 0))
