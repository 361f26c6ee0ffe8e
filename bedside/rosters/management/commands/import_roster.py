"""`bedside import-roster FILE [--kind persons|shifts|minimums] [--dry-run]`: import one roster file.

All or nothing: prints every bad row and exits non-zero when any row is bad;
prints what changed (or would change, with --dry-run) on success. The columns
are described in bedside/rosters/importing_persons.py and importing_shifts.py.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from bedside.audit.context import origin
from bedside.rosters.importing import COUNT_LABELS, roster_import
from bedside.rosters.models import ImportKind


class Command(BaseCommand):
    help = "Import persons with their jobs, or shifts, from a CSV (UTF-8) or XLSX file. All or nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument(
            "--kind",
            choices=list(ImportKind.values),
            help="what the file holds (default: worked out from its columns)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would change; store nothing",
        )

    def handle(
        self, *args, file: str, kind: str | None, dry_run: bool, verbosity: int = 1, **options
    ) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            if verbosity > 1 and phase == "checking":
                self.stderr.write(f"checked {done:,} of {total:,} rows")

        with origin(source="command:import_roster"):
            result = roster_import(
                path_or_file=file, kind=kind, dry_run=dry_run, actor=None, progress=progress
            )

        if not result.ok:
            for error in result.errors:
                where = f"line {error['line']}" if error["line"] else "file"
                self.stderr.write(f"{file}: {where}: {error['message']}")
            problems = len(result.errors)
            raise CommandError(
                f"Nothing was stored: {problems} problem{'s' if problems != 1 else ''} in {file}."
            )

        heading = "Dry run: nothing was stored. The file would change:" if dry_run else "Imported:"
        self.stdout.write(f"{heading} {result.rows:,} row{'s' if result.rows != 1 else ''} of {result.kind}.")
        for key, value in result.counts.items():
            self.stdout.write(f"  {COUNT_LABELS.get(key, key)}: {value:,}")
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
