from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "bedside.web"
    label = "web"

    def ready(self) -> None:
        from bedside.web import checks  # noqa: F401  (registers the deployment checks)
