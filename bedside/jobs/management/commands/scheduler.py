import time

from django.core.management.base import BaseCommand

from bedside.audit.context import origin
from bedside.jobs.schedule import tick


class Command(BaseCommand):
    help = "Enqueue periodic jobs (reminders, escalations, rule re-application), each once per period."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Tick once and exit")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between ticks")

    def handle(self, *args, once: bool, interval: int, **options):
        with origin(source="scheduler"):
            while True:
                for name in tick():
                    self.stdout.write(f"enqueued {name}")
                if once:
                    return
                time.sleep(interval)
