"""Roles (角色与权限): the form shows and keeps a role's permissions; nobody grants more than they
hold; every change is audited with the permissions added and removed; external roles never get
bank-only permissions."""

import re

import pytest
from django.urls import reverse

from xindai.core.errors import BusinessError
from xindai.core.models import AuditLog
from xindai.org import services
from xindai.org.models import Role, ScopeKind
from xindai.org.permissions import BANK_ONLY
from xindai.org.tests.factories import UserFactory, role


def _checked(html: str) -> set[str]:
    return set(re.findall(r'name="permissions" value="([a-z_.]+)" id="perm-[a-z_.]+" checked', html))


def test_the_role_form_shows_and_keeps_the_roles_permissions(world, login):
    """Measured: the 权限 box was empty and saving a new description left 乡镇政府 with 0 of 4."""
    township = role("乡镇政府")
    before = set(township.permissions)
    assert len(before) == 4
    client = login(world.admin)
    page = client.get(reverse("org:role_edit", args=[township.pk])).content.decode()
    assert _checked(page) == before
    data = {"name": township.name, "description": "乡镇政府（只读）", "for_external": "on"}
    data["permissions"] = sorted(before)
    response = client.post(reverse("org:role_edit", args=[township.pk]), data)
    assert response.status_code == 302
    township.refresh_from_db()
    assert set(township.permissions) == before and township.description == "乡镇政府（只读）"


@pytest.fixture
def role_manager(world):
    """A user who manages roles and users but holds no other system permission."""
    grants = Role.objects.create(
        name="角色管理员", permissions=["system.manage_roles", "system.manage_users", "customers.view", "loans.view"]
    )
    return UserFactory(username="roles", role=grants, scope=ScopeKind.ALL, branch=world.hq)


def test_nobody_grants_a_permission_they_do_not_hold(world, role_manager):
    with pytest.raises(BusinessError) as refused:
        services.role_save(actor=role_manager, name="越权", permissions=["customers.view", "system.manage_settings"])
    assert refused.value.message == services.GRANT_BEYOND_OWN
    assert str(refused.value) == "只能授予您本人拥有的权限；您没有：修改系统设置。"
    assert not Role.objects.filter(name="越权").exists()
    made = services.role_save(actor=role_manager, name="只读", permissions=["customers.view", "loans.view"])
    assert made.permissions == ["customers.view", "loans.view"]


def test_editing_a_role_keeps_what_the_editor_does_not_hold(world, role_manager):
    officer = role("信贷员")
    held = set(officer.permissions)
    services.role_save(actor=role_manager, role=officer, description="改了说明", permissions=sorted(held))
    officer.refresh_from_db()
    assert set(officer.permissions) == held


def test_nobody_gives_a_user_a_role_above_their_own(world, role_manager):
    with pytest.raises(BusinessError) as refused:
        services.user_update(actor=role_manager, user=world.officer_a, role=role("系统管理员"))
    assert refused.value.message == services.GRANT_BEYOND_OWN
    world.officer_a.refresh_from_db()
    assert world.officer_a.role.name == "信贷员"


def test_a_role_change_is_audited_with_the_permissions_added_and_removed(world):
    officer = role("信贷员")
    wanted = (set(officer.permissions) - {"messaging.send"}) | {"loans.import"}
    services.role_save(actor=world.admin, role=officer, permissions=sorted(wanted))
    entry = AuditLog.objects.system("tests").get(action="org.role.changed", target_id=str(officer.pk))
    assert entry.changes["permissions_added"] == ["loans.import"]
    assert entry.changes["permissions_removed"] == ["messaging.send"]


@pytest.mark.parametrize("code", sorted(BANK_ONLY))
def test_an_external_role_cannot_get_a_bank_only_permission(world, code):
    with pytest.raises(BusinessError) as refused:
        services.role_save(actor=world.admin, name="外部越权", for_external=True, permissions=["loans.view", code])
    assert refused.value.message in (services.EXTERNAL_ROLE_BANK_ONLY, services.EXTERNAL_ROLE_WRITES)


def test_the_audit_log_is_bank_only_and_scoped(world, login):
    assert "system.view_audit" in BANK_ONLY
    auditor_role = Role.objects.create(name="支行稽核", permissions=["system.view_audit"])
    auditor = UserFactory(username="auditor", role=auditor_role, scope=ScopeKind.BRANCH, branch=world.branch_a)
    services.branch_save(actor=world.officer_a, branch=world.branch_a, code="0101", name="甘州支行", parent=world.hq)
    services.branch_save(actor=world.officer_b, branch=world.branch_b, code="0102", name="民乐支行", parent=world.hq)
    rows = login(auditor).get(reverse("core:audit_list")).context["page"]
    assert {e.actor_name for e in rows} == {world.officer_a.real_name, auditor.real_name}  # and the sign-in
    assert len(login(world.admin).get(reverse("core:audit_list")).context["page"]) >= 2
