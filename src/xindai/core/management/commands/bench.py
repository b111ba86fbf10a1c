"""`xindai bench`: runs the benchmarks of every module and prints their figures.

Each app may have a `benchmarks.py` with a `BENCHMARKS` list of (name, function) pairs; a
function takes the options and prints its own figures, building the data it needs when the
database lacks it — so any benchmark runs alone, or in any order, on a fresh database.

The database is recreated empty and migrated first (its name must end in "bench": the demo's
database is never dropped); `--keep` reuses the data a previous run built.
"""

import importlib
import time

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Runs the benchmarks (each app's benchmarks.BENCHMARKS) and prints the figures."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="run only these benchmarks")
        parser.add_argument("--scale", type=float, default=1.0, help="multiply the data sizes (e.g. 0.1 to try out)")
        parser.add_argument("--keep", action="store_true", help="reuse the data of the last run (no fresh database)")

    def handle(self, *args, names, scale, keep, **options):
        name = connection.settings_dict["NAME"]
        if not name.endswith("bench"):
            raise CommandError(f"The benchmarks run in a database of their own (…bench), not {name!r}: `make bench`.")
        if not keep:
            self._recreate(name)
        call_command("migrate", verbosity=0, interactive=False)
        found = []
        for config in apps.get_app_configs():
            if not config.name.startswith("xindai."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.benchmarks")
            except ModuleNotFoundError as err:
                if err.name != f"{config.name}.benchmarks":
                    raise
                continue
            found.extend(module.BENCHMARKS)
        selected = [(n, f) for n, f in found if not names or n in names]
        selected.sort(key=lambda item: not getattr(item[1], "runs_first", False))  # stable: the rest keep their order
        if not selected:
            self.stdout.write("No benchmarks selected.")
            return
        for name, function in selected:
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {name}"))
            started = time.perf_counter()
            function(stdout=self.stdout, scale=scale)
            self.stdout.write(f"   ({time.perf_counter() - started:.1f} s in all)")

    def _recreate(self, name: str) -> None:
        self.stdout.write(f"Fresh database {name}")
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
