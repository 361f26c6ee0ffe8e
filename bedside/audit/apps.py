from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "bedside.audit"
    label = "audit"

    def ready(self) -> None:
        from bedside.audit.append_only import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="bedside.audit.append_only")
