from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bedside.people"
    label = "people"
