from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks from the database queue (imports, reminders, rule application)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit")

    def handle(self, *args, batch: bool, **options):
        call_command("db_worker", batch=batch, interval=1.0)
