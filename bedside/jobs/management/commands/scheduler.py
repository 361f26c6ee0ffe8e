import signal
import threading

from django.core.management.base import BaseCommand

from bedside.audit.context import origin
from bedside.jobs.schedule import tick


class Command(BaseCommand):
    help = "Start periodic jobs (reminders, escalations, rule re-application...), each once per period."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Tick once and exit")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between ticks")

    def handle(self, *args, once: bool, interval: int, **options):
        stop = threading.Event()
        self.stop = stop  # the signal handler's target; tests call request_stop()
        previous = {}
        if threading.current_thread() is threading.main_thread():  # Python sets handlers there only
            previous = {sig: signal.signal(sig, self.request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            with origin(source="scheduler"):
                while not stop.is_set():
                    # The job being started finishes; jobs left in this tick wait for the next scheduler.
                    for name in tick(stopping=stop.is_set):
                        self.stdout.write(f"enqueued {name}")
                    if once:
                        break
                    stop.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if stop.is_set():
            self.stdout.write("scheduler stopped")

    def request_stop(self, signum=None, frame=None) -> None:
        """SIGTERM / SIGINT: stop after the job in hand, without a traceback, exit status 0."""
        self.stop.set()
