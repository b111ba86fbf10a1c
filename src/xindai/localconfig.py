"""The checkout's own configuration, `var/xindai.env`, written by the first `make setup`.

It holds what a development or demo installation needs so that `xindai …` works in any shell:
a generated SECRET_KEY, DEBUG for the demo, and the embedded database. settings.py reads it
before anything else; a variable set in the environment always wins over the file. A production
installation sets its variables in the environment (or its service manager) and has no file.

`XINDAI_ENV_FILE` names another file (e.g. /etc/xindai/xindai.env), or none when empty.
`python -m xindai.localconfig` writes the file when it is missing (and adds keys it lacks).
No Django import here: settings.py loads this module.
"""

import os
import secrets
import sys
from pathlib import Path

CONFIG_FILE = Path(__file__).resolve().parents[2] / "var" / "xindai.env"


def config_file() -> Path | None:
    """The file settings read: XINDAI_ENV_FILE's (none when it is empty), else the checkout's."""
    named = os.environ.get("XINDAI_ENV_FILE")
    if named is None:
        return CONFIG_FILE
    return Path(named) if named.strip() else None


HEADER = (
    "# Written by `make setup` for this checkout (development and demo); not for production.\n"
    "# A variable set in the environment wins over this file. See README: Configuration.\n"
)


def defaults() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "1",
        # No DATABASE_URL: the embedded PostgreSQL under var/pg (src/xindai/localpg).
        "EMBEDDED_POSTGRES": "1",
    }


def read(path: Path = CONFIG_FILE) -> dict[str, str]:
    """KEY=value lines of `path` (comments and blank lines skipped); {} when it is missing."""
    if not path.exists():
        return {}
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ValueError(f"{path}:{number}: expected KEY=value, found {line!r}")
        values[key.strip()] = value.strip()
    return values


def load() -> None:
    """Put the file's variables into os.environ where the environment does not set them."""
    path = config_file()
    if path is None:
        return
    for key, value in read(path).items():
        os.environ.setdefault(key, value)


def write(path: Path = CONFIG_FILE) -> bool:
    """Create the file, or add the keys it lacks; returns True when something was written."""
    present = read(path)
    missing = {key: value for key, value in defaults().items() if key not in present}
    if not missing:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(f"{key}={value}\n" for key, value in missing.items())
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)  # it holds the secret key
    return True


if __name__ == "__main__":
    if write():
        print(f"Wrote {CONFIG_FILE.relative_to(Path.cwd()) if CONFIG_FILE.is_relative_to(Path.cwd()) else CONFIG_FILE}")
    sys.exit(0)
