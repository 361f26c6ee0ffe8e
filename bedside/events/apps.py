from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "bedside.events"
    label = "events"
    verbose_name = "Events: grand rounds and the live dialogue"

    def ready(self) -> None:
        from bedside.core.periodic import every, register_periodic
        from bedside.events import scopes, tasks

        scopes.register()
        register_periodic("events.send_reminders", tasks.send_reminders, when=every(minutes=15))
        register_periodic("events.prune_live_log", tasks.prune_live_log, when=every(minutes=60))
