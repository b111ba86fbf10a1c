"""A real `xindai worker` process against the test database, sending to a stand-in provider."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

REPO = Path(__file__).resolve().parents[5]


def start_worker(provider, **env) -> subprocess.Popen:
    """`xindai worker` as a child process, sending SMS to `provider` (a StandinServer) through
    the generic HTTP backend, with our message id in the field `mid`."""
    variables = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "worker-test",
        "HTTPS": "0",
        "DATABASE_NAME": connection.settings_dict["NAME"],
        "SMS_BACKEND": "http",
        "SMS_HTTP_URL": provider.url + "/send",
        "SMS_HTTP_FIELDS": "mobile=mobile&text=content&message_id=mid",
        "NO_PROXY": "127.0.0.1",
        "WORKER_HEARTBEAT_S": "1",
        "WORKER_SWEEP_S": "1",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "xindai", "worker", "--verbosity", "0"],
        cwd=REPO,
        env=variables,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.05)


def terminate(process: subprocess.Popen, timeout: float = 10) -> float:
    """SIGTERM, then the seconds until the process ended."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=timeout)
    return time.monotonic() - started


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
