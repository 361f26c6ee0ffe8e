from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "bedside.jobs"
    label = "jobs"
