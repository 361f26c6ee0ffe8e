from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "bedside.web"
    label = "web"
