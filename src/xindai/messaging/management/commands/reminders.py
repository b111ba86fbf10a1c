"""`xindai reminders run [--at DATETIME] [--dry-run]`: queue the automatic reminders and collection
notices due at that moment. Safe to run as often as you like (under cron too): a message is
never queued twice for the same template, installment, date and time slot."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from xindai.messaging.reminders import run


class Command(BaseCommand):
    help = "Queues the automatic SMS reminders and collection notices due now (or at --at)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run"])
        parser.add_argument("--at", help="the moment to run for, e.g. 2026-11-29T09:00 (default: now)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be queued, queue nothing")

    def handle(self, *args, action, at, dry_run, **options):
        moment = timezone.now()
        if at:
            moment = parse_datetime(at)
            if moment is None:
                raise CommandError(f"not a date and time: {at}")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        result = run(moment, dry_run=dry_run)
        if result.switched_off:
            self.stdout.write("automatic sending is switched off: nothing queued")
            return
        for name, count in result.by_template.items():
            self.stdout.write(f"{name}: {count}")
        verb = "would queue" if dry_run else "queued"
        held = f", held until {timezone.localtime(result.held_until):%Y-%m-%d %H:%M}" if result.held_until else ""
        self.stdout.write(f"{verb} {result.queued} messages{held}")
