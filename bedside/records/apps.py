from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "bedside.records"
    label = "records"

    def ready(self) -> None:
        from bedside.records import checks  # noqa: F401  (registers the system check)
