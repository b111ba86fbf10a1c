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


def test_production_settings_refuse_a_missing_secret_key():
    import subprocess
    import sys

    code = "import os; os.environ.pop('SECRET_KEY', None); os.environ['DEBUG']='0'; import xindai.settings"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
