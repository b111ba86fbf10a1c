"""The whole system under load (PostgreSQL, the 100,000-loan book of the other benchmarks):
`xindai serve` started as in production, then 50 signed-in users with 1 s think time over
lists, searches, pop-ups, due lists and reports for a minute. Prints throughput, p50/p95/p99
and errors against the targets (2 cores: p95 ≤ 500 ms, 0 errors, ≥ 30 req/s)."""

import os
import socket
import subprocess
import sys
import time
from statistics import mean

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from xindai.core.loadrun import run_load
from xindai.loans.benchmarks import ensure_book
from xindai.org.models import User

USERS, THINK_S, SECONDS = 50, 1.0, 60
TARGET_P95_MS, TARGET_RPS = 500, 30
# The mix: what officers, managers and clerks open all day.
URLS = [
    "/",
    "/customers/",
    "/customers/?q=王",
    "/customers/pick/?q=张",
    "/loans/",
    "/loans/?q=BENCH00012",
    "/loans/?status=overdue",
    "/repayments/",
    "/repayments/?view=due&within=7",
    "/repayments/?view=due&within=30&page=2",
    "/repayments/records/",
    "/messaging/",
    "/reports/?kind=balance&group=county",
    "/reports/?kind=quality&group=township",
    "/reports/?kind=disbursement&group=branch",
    "/org/regions/pick/?q=村",
]
PAGE_USERS = ("admin", "leader", "manager01", "officer011", "officer012", "manager07")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cookies(count: int) -> list[str]:
    users = list(User.objects.filter(username__in=PAGE_USERS, is_active=True)) or list(
        User.objects.filter(is_active=True, is_superuser=True)[:1]
    )
    cookies = []
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        for index in range(count):
            client = Client()
            client.force_login(users[index % len(users)], backend="xindai.org.auth_backends.RolePermissionBackend")
            cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    return cookies


def request_cpu(*, stdout, scale: float) -> None:
    """Python CPU per request (time.process_time, the fastest of 5 after a warm-up) and queries, for
    each URL of the load run and each of its users: what bounds the throughput on 2 cores."""
    ensure_book(stdout, scale)
    users = list(User.objects.filter(username__in=PAGE_USERS, is_active=True))
    stdout.write(f"   {'URL':44} {'CPU ms':>7} {'queries':>8}   (mean over {len(users)} users)")
    means = []
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        clients = []
        for user in users:
            client = Client()
            client.force_login(user, backend="xindai.org.auth_backends.RolePermissionBackend")
            clients.append(client)
        for url in URLS:
            cpu, queries = [], []
            for client in clients:
                client.get(url)
                runs = []
                for _ in range(5):
                    with CaptureQueriesContext(connection) as captured:
                        started = time.process_time()
                        client.get(url)
                        runs.append((time.process_time() - started) * 1000)
                cpu.append(min(runs))
                queries.append(len(captured))
            means.append(mean(cpu))
            stdout.write(f"   {url:44} {mean(cpu):7.1f} {mean(queries):8.1f}")
    stdout.write(f"   {'mean over the URLs':44} {mean(means):7.1f}")


def _serve(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_NAME": connection.settings_dict["NAME"],
        "CONN_MAX_AGE": "60",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "xindai", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def load_run(*, stdout, scale: float) -> None:
    ensure_book(stdout, scale)
    port = _free_port()
    server = _serve(port)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    stdout.write("   xindai serve did not start")
                    return
                time.sleep(0.3)
        cookies = _cookies(USERS)
        run_load("127.0.0.1", port, cookies[:5], URLS, seconds=10, think_s=0.2)  # warm every worker
        result = run_load("127.0.0.1", port, cookies, URLS, seconds=max(SECONDS * scale, 15), think_s=THINK_S)
    finally:
        server.terminate()
        server.wait(timeout=30)
    stdout.write(
        f"   xindai serve ({settings.WEB_WORKERS} workers × {settings.WEB_THREADS} threads), "
        f"{USERS} users, {THINK_S:g} s think time:"
    )
    for line in result.lines():
        stdout.write("   " + line)
    ok = result.percentile(95) <= TARGET_P95_MS and not result.errors and result.throughput >= TARGET_RPS
    stdout.write(
        f"   {'within' if ok else 'OUTSIDE'} the targets (p95 ≤ {TARGET_P95_MS} ms, 0 errors, ≥ {TARGET_RPS} req/s)"
    )


BENCHMARKS = [("request_cpu", request_cpu), ("load_run", load_run)]
