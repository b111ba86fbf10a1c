"""Helpers for `xindai bench`: time what the database spends on a request, count its queries."""

import statistics
import time
from contextlib import contextmanager

from django.db import connection


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
