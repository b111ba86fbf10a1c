"""`xindai reprice [--date D] [--dry-run]`: apply the LPR repricing dates due up to a date (today).

Safe to run as often as you like (cron, or the worker's clock does it hourly): a repricing date
is applied once per loan."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from xindai.loans.contract import reprice_due


class Command(BaseCommand):
    help = "Reprices the LPR loans whose repricing dates have come (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="apply the repricing dates up to this date (default today)")
        parser.add_argument("--dry-run", action="store_true", help="count what is due, change nothing")

    def handle(self, *args, day: str | None, dry_run: bool, **options):
        try:
            as_of = date.fromisoformat(day) if day else None
        except ValueError:
            raise CommandError(f"--date must be a date like 2026-01-01, not {day!r}", returncode=2) from None
        due, applied = reprice_due(as_of, dry_run=dry_run)
        self.stdout.write(f"repricing dates due: {due}; applied: {applied}")
