"""`xindai bench`: runs the benchmarks of every module and prints their figures.

Each app may have a `benchmarks.py` with a `BENCHMARKS` list of (name, function) pairs; a
function takes the options and prints its own figures. Benchmarks that need PostgreSQL say
so and build their data in a database of their own.
"""

import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Runs the benchmarks (each app's benchmarks.BENCHMARKS) and prints the figures."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="run only these benchmarks")
        parser.add_argument("--scale", type=float, default=1.0, help="multiply the data sizes (e.g. 0.1 to try out)")

    def handle(self, *args, names, scale, **options):
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
        if not selected:
            self.stdout.write("No benchmarks selected.")
            return
        for name, function in selected:
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {name}"))
            started = time.perf_counter()
            function(stdout=self.stdout, scale=scale)
            self.stdout.write(f"   ({time.perf_counter() - started:.1f} s in all)")
