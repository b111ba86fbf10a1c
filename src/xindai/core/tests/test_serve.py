"""The production path: `xindai serve` (gunicorn) started as an operator would, answering the
load balancer's probe, the sign-in page, a signed-in list and the static files."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from xindai.messaging.tests.standins.worker import REPO, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port, path, cookie=""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def _answers(port) -> bool:
    try:
        return _get(port, "/healthz")[0] == 200
    except OSError:
        return False


def test_xindai_serve_serves_pages_static_files_and_the_probe(world):
    client = Client()
    client.force_login(world.manager_a, backend="xindai.org.auth_backends.RolePermissionBackend")
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the session signed in here is read there
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_NAME": connection.settings_dict["NAME"],
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "xindai", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _answers(port), timeout=60, what="xindai serve answers")
        assert _get(port, "/login/")[0] == 200
        status, body = _get(port, "/loans/", cookie)
        assert status == 200 and "贷款" in body.decode()
        assert _get(port, "/static/vendor/htmx/htmx.min.js")[0] == 200
        assert _get(port, "/loans/")[0] == 302  # signed out: to the sign-in page
    finally:
        server.send_signal(signal.SIGTERM)
        started = time.monotonic()
        server.wait(timeout=30)
    assert time.monotonic() - started < 25
