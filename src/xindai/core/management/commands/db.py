"""`xindai db start|stop|status|url`: the embedded PostgreSQL of this checkout.

`make run` starts it before serving and stops it when it ends; any other `xindai` command starts
it on its first query when it is not running. With DATABASE_URL set (production) there is no
embedded server and this command says so.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xindai import localpg


class Command(BaseCommand):
    help = "Starts, stops or shows the embedded PostgreSQL server of this checkout."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status", "url"])

    def handle(self, *args, action, **options):
        database = settings.DATABASES["default"]
        if "DATA_DIR" not in database:
            raise CommandError("DATABASE_URL names the database: there is no embedded server to manage.")
        data_dir = Path(database["DATA_DIR"])
        if action == "start":
            try:
                started = localpg.ensure_running(data_dir)
                localpg.ensure_database(data_dir, database["NAME"])
            except localpg.EmbeddedServerError as err:
                raise CommandError(str(err)) from None
            self.stdout.write(f"PostgreSQL {'started' if started else 'already running'} in {data_dir}")
        elif action == "stop":
            stopped = localpg.stop(data_dir)
            self.stdout.write(f"PostgreSQL {'stopped' if stopped else 'was not running'} ({data_dir})")
        elif action == "status":
            running = localpg.is_running(data_dir)
            self.stdout.write(f"PostgreSQL in {data_dir}: {'running' if running else 'stopped'}")
        else:
            self.stdout.write(localpg.url(data_dir, database["NAME"]))
