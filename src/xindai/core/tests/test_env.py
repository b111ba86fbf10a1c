import pytest
from django.core.exceptions import ImproperlyConfigured

from xindai.core.env import env_bool, env_int, env_list, env_str


def test_booleans_accept_the_usual_spellings(monkeypatch):
    for text, expected in [("1", True), ("yes", True), ("On", True), ("0", False), ("false", False), ("", False)]:
        monkeypatch.setenv("X_FLAG", text)
        assert env_bool("X_FLAG", default=not expected) is expected


def test_malformed_values_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", default=False)
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", default=1)


def test_missing_required_string_fails(monkeypatch):
    monkeypatch.delenv("X_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured):
        env_str("X_REQUIRED")


def test_lists_split_on_commas(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,,")
    assert env_list("X_HOSTS", default=[]) == ["a.example", "b.example"]


def _import_settings(**environ):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "EMBEDDED_POSTGRES"}}
    env.update(environ)
    code = "import xindai.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env)


def test_production_settings_refuse_a_missing_secret_key():
    result = _import_settings(XINDAI_ENV_FILE="", DEBUG="0", DATABASE_URL="postgres://db.example/xindai")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_refuse_a_missing_database():
    result = _import_settings(XINDAI_ENV_FILE="", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_postgresql_is_the_only_database():
    result = _import_settings(XINDAI_ENV_FILE="", SECRET_KEY="x" * 50, DATABASE_URL="sqlite:///var/x.sqlite3")
    assert result.returncode != 0
    assert "must name a PostgreSQL database" in result.stderr


def test_the_checkout_file_fills_in_what_the_environment_lacks(tmp_path):
    env_file = tmp_path / "xindai.env"
    env_file.write_text("# comment\nSECRET_KEY=from-the-file\nDEBUG=1\nEMBEDDED_POSTGRES=1\n")
    result = _import_settings(XINDAI_ENV_FILE=str(env_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["xindai.localpg", "True"]
    # A variable of the environment wins over the file.
    result = _import_settings(XINDAI_ENV_FILE=str(env_file), DATABASE_URL="postgres://db.example/x", DEBUG="0")
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_the_checkout_file_is_written_once_with_a_secret_key(tmp_path):
    from xindai import localconfig

    target = tmp_path / "var" / "xindai.env"
    assert localconfig.write(target) is True
    first = localconfig.read(target)
    assert len(first["SECRET_KEY"]) >= 50 and first["EMBEDDED_POSTGRES"] == "1"
    assert localconfig.write(target) is False
    assert localconfig.read(target) == first
    assert oct(target.stat().st_mode & 0o777) == "0o600"
