"""The audit action registry: every code the log records is named there, in words, and used."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from xindai.core import audit
from xindai.core.audit_actions import AuditAction, action_label
from xindai.core.models import AuditLog

SOURCE = Path(__file__).resolve().parents[2]


def test_an_unregistered_code_is_refused(db):
    with pytest.raises(ValueError):
        audit.record(None, "core.something.invented")
    assert not AuditLog.objects.system("tests").exists()


def test_a_registered_code_is_stored_as_its_code_and_shown_in_words(db):
    row = audit.record(None, AuditAction.SETTINGS_CHANGED)
    stored = AuditLog.objects.system("tests").get(pk=row.pk)
    assert stored.action == "core.settings.changed"
    with translation.override("zh-hans"):
        assert stored.action_label == "修改系统设置"
    assert action_label("core.retired.code") == "core.retired.code"  # an old row still shows


def test_every_action_has_chinese_words():
    with translation.override("en"):
        english = {a.value: str(a.label) for a in AuditAction}
    with translation.override("zh-hans"):
        untranslated = [a.value for a in AuditAction if str(a.label) == english[a.value]]
    assert untranslated == []


def test_every_action_is_recorded_somewhere():
    """A code no service records is dead; its name in the source is the only way to use it."""
    code = "\n".join(
        p.read_text() for p in SOURCE.rglob("*.py") if "tests" not in p.parts and p.name != "audit_actions.py"
    )
    unused = [a.name for a in AuditAction if not re.search(rf"AuditAction\.{a.name}\b", code)]
    assert unused == []


def test_no_template_compares_an_action_code():
    templates = [p for p in SOURCE.rglob("*.html") if re.search(r"\.action\s*==", p.read_text())]
    assert templates == []
