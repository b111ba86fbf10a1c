"""Helpers for `xindai bench`: time what the database spends on a request, count its queries."""

import statistics
import time
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse


class QueryTimer:
    """A connection execute wrapper adding up the time spent in the database."""

    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


@contextmanager
def timed_queries():
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        yield timer


def measure(call, runs: int = 7) -> tuple[float, int]:
    """(median database milliseconds, queries of the last run) of `call()` over `runs` runs."""
    samples, count = [], 0
    call()  # warm caches the way a working server has them
    for _ in range(runs):
        with timed_queries() as timer:
            call()
        samples.append(timer.seconds * 1000)
        count = timer.count
    return statistics.median(samples), count


def measure_request(call, runs: int = 7) -> tuple[float, float, int]:
    """(median database ms, median whole-call ms, queries of the last run) of `call()`."""
    db, wall, count = [], [], 0
    call()
    for _ in range(runs):
        started = time.perf_counter()
        with timed_queries() as timer:
            call()
        wall.append((time.perf_counter() - started) * 1000)
        db.append(timer.seconds * 1000)
        count = timer.count
    return statistics.median(db), statistics.median(wall), count


def signed_in_clients(usernames):
    """A test client signed in as each of `usernames` (the demo users)."""
    users = get_user_model().objects
    clients = []
    for username in usernames:
        client = Client()
        client.force_login(users.get(username=username), backend="xindai.org.auth_backends.RolePermissionBackend")
        clients.append(client)
    return clients


def bench_list_page(
    *,
    stdout,
    url_name: str,
    cases: list[tuple[str, dict]],
    target_ms: float,
    usernames: tuple[str, ...] = ("admin", "manager01"),
) -> None:
    """Time a list page's searches as real requests, one column per user (scopes differ),
    and print a table of median database milliseconds and query counts."""
    header = "".join(f"{name + ' ms':>14}{'queries':>9}" for name in usernames)
    stdout.write(f"   {'search':<38}{header}")
    worst = 0.0
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        clients = signed_in_clients(usernames)
        url = reverse(url_name)
        for label, params in cases:
            cells = ""
            for client in clients:
                ms, queries = measure(lambda c=client, p=params: get_ok(c, url, p))
                worst = max(worst, ms)
                cells += f"{ms:>14.1f}{queries:>9}"
            stdout.write(f"   {label:<38}{cells}")
    verdict = "within" if worst <= target_ms else "OVER"
    stdout.write(f"   slowest median {worst:.1f} ms: {verdict} the {target_ms:g} ms target")


def get_ok(client, url, params) -> None:
    response = client.get(url, params)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} {params} answered {response.status_code}")


@contextmanager
def rolled_back():
    """A throwaway transaction, rolled back at the end, inside which the services (whose own
    transactions are durable: the outermost owns it) run as they do in a test — Django's
    TestCase marks its transactions the same way."""
    block = transaction.atomic()
    block._from_testcase = True
    with block:
        yield
        transaction.set_rollback(True)
