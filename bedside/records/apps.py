from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "bedside.records"
    label = "records"

    def ready(self) -> None:
        from bedside.people.access import register_scope
        from bedside.records import checks  # noqa: F401  (registers the system check)
        from bedside.records.models import Record

        # A record belongs to its person: whoever reaches the person reaches their records.
        register_scope(Record, via="person")
