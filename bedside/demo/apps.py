from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo hospital and its commands (`seed`, `demo_serve`); no models, nothing imports it."""

    name = "bedside.demo"
    label = "demo"
