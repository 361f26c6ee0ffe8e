"""`bedside seed`: fill an empty database with the demo hospital."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bedside.demo.logins import demo_logins_text
from bedside.demo.seed import NOT_EMPTY, DatabaseNotEmpty, database_is_empty, seed_hospital


class Command(BaseCommand):
    help = "Seed an empty database with Commonwealth Health: two hospitals, staff, shifts and training."

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, default=3000, help="How many people (default 3000)")
        parser.add_argument("--days", type=int, default=28, help="Days of shifts from today (default 28)")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed gives the same hospital"
        )

    def handle(self, *args, staff: int, days: int, seed: int, **options):
        if staff < 50:
            raise CommandError("--staff must be at least 50.")
        if not 1 <= days <= 90:
            raise CommandError("--days must be between 1 and 90.")
        verbose = options["verbosity"] > 1

        def progress(step: str, seconds: float) -> None:
            if verbose:
                self.stdout.write(f"  {step}: {seconds:.1f} s")

        if not database_is_empty():
            self.stdout.write(self.style.WARNING(f"{NOT_EMPTY} Nothing was changed."))
            return
        self.stdout.write(f"Seeding {staff} staff, {days} days of shifts, seed {seed}...")
        try:
            report = seed_hospital(staff=staff, days=days, seed=seed, now=timezone.now(), progress=progress)
        except DatabaseNotEmpty as exc:  # filled by someone else meanwhile
            self.stdout.write(self.style.WARNING(f"{exc} Nothing was changed."))
            return
        counts = report.counts
        met, windows = report.coverage
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded in {report.seconds:.1f} s: {counts.get('people.person', 0)} people, "
                f"{counts.get('rosters.shift', 0)} shifts, {counts.get('requirements', 0)} requirements "
                f"({counts.get('done', 0)} done), {counts.get('records.record', 0)} records; "
                f"{met} of {windows} staffing windows meet their minimum."
            )
        )
        self.stdout.write(demo_logins_text())
