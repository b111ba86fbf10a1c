"""`xindai worker`: the background worker — django-tasks-db's database worker, plus a clock that
enqueues the reminder engine every minute and a delivery sweep (retries, held messages, claims
of a worker that died) every 30 seconds. Several workers may run on several machines: claims
skip rows another worker holds, and the engine never queues a slot twice."""

import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections


class Command(BaseCommand):
    help = "Runs the background worker (SMS sending and the automatic reminders)."

    def add_arguments(self, parser):
        parser.add_argument("--no-clock", action="store_true", help="only work the queue, schedule nothing")

    def handle(self, *args, no_clock, **options):
        if not no_clock:
            threading.Thread(target=self._clock, name="xindai-clock", daemon=True).start()
        call_command("db_worker", "--queue-name", "*", "--interval", "1", "--no-reload", verbosity=options["verbosity"])

    def _clock(self) -> None:
        from xindai.loans.tasks import run_repricing
        from xindai.messaging.tasks import deliver_messages, run_reminders

        tick = 0
        while True:
            try:
                if tick % 2 == 0:
                    run_reminders.enqueue()
                if tick % 120 == 0:  # hourly: LPR repricing dates that have come (idempotent)
                    run_repricing.enqueue()
                deliver_messages.enqueue()
            except Exception as err:  # noqa: BLE001 - the clock must keep ticking
                self.stderr.write(f"clock: {err}")
            finally:
                close_old_connections()
            tick += 1
            time.sleep(30)
