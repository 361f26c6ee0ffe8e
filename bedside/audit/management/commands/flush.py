"""Django's `flush`, allowed through the append-only triggers (see bedside/audit/append_only.py).

Flushing empties every table, the ledger and the audit trail included: it is what
tests with `transaction=True` and live-server tests do between tests, and what an
administrator asks for on purpose (it asks for confirmation). On SQLite flush runs
DELETE, which the triggers refuse unless the purge flag is set for this connection.
"""

from django.core.management.commands.flush import Command as DjangoFlush

from bedside.audit.append_only import purge_allowed


class Command(DjangoFlush):
    def handle(self, **options):
        with purge_allowed(options["database"]):
            return super().handle(**options)
