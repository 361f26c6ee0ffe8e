"""`bedside demo-serve`: the web server, a task worker and the scheduler, together, for the demo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from bedside.demo.logins import demo_logins_text


class Command(BaseCommand):
    help = "Serve Bedside on http://127.0.0.1:8000 with a task worker and the scheduler (Ctrl-C stops all)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args, bind: str, **options):
        python = sys.executable
        commands = {
            "web": [
                python,
                "-m",
                "gunicorn",
                "bedside.asgi:application",
                # ASGI (uvicorn) workers: a live event's viewers wait on the event loop, not a thread each.
                "-k",
                "bedside.asgi_worker.Worker",
                "--bind",
                bind,
                "--workers",
                "2",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "5",
            ],
            "worker": [python, "manage.py", "worker"],
            "scheduler": [python, "manage.py", "scheduler"],
        }
        self._print_logins(bind)
        env = dict(os.environ)
        if "EMAIL_BACKEND" not in env:
            # Reminders and escalations of the whole demo hospital would flood this terminal.
            env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
            self.stdout.write(
                f"E-mails (reminders, escalations, password resets) go to {settings.EMAIL_FILE_PATH}/\n"
            )
        processes = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}

        def stop(*_):
            for proc in processes.values():
                if proc.poll() is None:
                    proc.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(proc.poll() is None for proc in processes.values()):
                time.sleep(1)
            failed = [name for name, proc in processes.items() if proc.poll() not in (None, 0)]
            if failed:
                self.stderr.write(f"Stopped because {', '.join(failed)} exited.")
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for proc in processes.values():
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()

    def _print_logins(self, bind: str) -> None:
        self.stdout.write(f"\nBedside is serving on http://{bind}/\n")
        self.stdout.write(demo_logins_text())
        self.stdout.write("\nCtrl-C stops the web server, the worker and the scheduler.\n")
