"""`xindai worker`: the background worker — django-tasks-db's database worker (SMS and calls,
background jobs), a heartbeat row, and a clock that enqueues the periodic tasks of
settings.WORKER_CLOCK (the reminder engine, the delivery sweep, the purge of old results).

Several workers may run on several machines sharing the database: claims skip rows another
worker holds. SIGTERM (or Ctrl-C) stops it within seconds: the work in hand gives back what it
has not begun and finishes only what is in flight; a second signal stops it at once.
"""

import os
import socket
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker

from xindai.jobs import worker as worker_state
from xindai.jobs.models import WorkerHeartbeat
from xindai.jobs.worker import stop_requested


class _Worker(Worker):
    def shutdown(self, signum, frame) -> None:
        stop_requested.set()  # before the parent exits or lets the running task finish
        super().shutdown(signum, frame)


class Command(BaseCommand):
    help = "Runs the background worker (SMS, calls, background jobs and the automatic reminders)."

    def add_arguments(self, parser):
        parser.add_argument("--no-clock", action="store_true", help="only work the queue, schedule nothing")

    def handle(self, *args, no_clock, **options):
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"
        worker_state.worker_id = worker_id
        beat = threading.Thread(target=self._heartbeat, args=(worker_id,), name="xindai-heartbeat", daemon=True)
        beat.start()
        if not no_clock:
            threading.Thread(target=self._clock, name="xindai-clock", daemon=True).start()
        worker = _Worker(
            queue_names=["*"],
            interval=1,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop_requested.set()
            close_old_connections()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
            connection.close()

    def _heartbeat(self, worker_id: str) -> None:
        started = timezone.now()
        while not stop_requested.is_set():
            try:
                WorkerHeartbeat.objects.update_or_create(
                    worker_id=worker_id,
                    defaults={"seen_at": timezone.now()},
                    create_defaults={
                        "hostname": socket.gethostname()[:200],
                        "pid": os.getpid(),
                        "started_at": started,
                        "seen_at": timezone.now(),
                    },
                )
            except Exception as err:  # noqa: BLE001 - a heartbeat missed is shown by its absence
                self.stderr.write(f"heartbeat: {err}")
            finally:
                close_old_connections()
            stop_requested.wait(settings.WORKER_HEARTBEAT_S)
        connection.close()

    def _clock(self) -> None:
        clock = [(import_string(path), every) for path, every in settings.WORKER_CLOCK]
        last: dict[int, float] = {}
        while not stop_requested.is_set():
            now = time.monotonic()
            for index, (task, every) in enumerate(clock):
                if now - last.get(index, -every) < every:
                    continue
                last[index] = now
                try:
                    task.enqueue()
                except Exception as err:  # noqa: BLE001 - the clock must keep ticking
                    self.stderr.write(f"clock: {err}")
                finally:
                    close_old_connections()
            stop_requested.wait(1)
        connection.close()
