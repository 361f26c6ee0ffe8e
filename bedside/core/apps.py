from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app may use and that knows no domain; it imports no other Bedside app."""

    name = "bedside.core"
    label = "core"
